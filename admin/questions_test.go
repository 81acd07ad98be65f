package admin_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/pamong-desa/pamong/admin"
	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/store"
)

// Learners' questions reach the admins of their region and no others, on
// the API as on every door.
func TestAPIQuestionsInScope(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for token, csv := range map[string]string{f.lobar: officialsCSV, f.loteng: lotengCSV} {
		var rep admin.ImportReport
		if code := f.call(token, "POST", "/api/v1/officials/import", csv, &rep); code != 200 || !rep.Imported {
			t.Fatalf("import: %d %+v", code, rep)
		}
	}
	course, err := lessons.BundledDefault()
	if err != nil {
		t.Fatal(err)
	}
	asks := map[string]string{
		"+6281211110001": "Maaf pak, saya kurang paham maksud pertanyaannya",
		"+6281222220001": "Pertanyaan ini maksudnya bagaimana ya pak?",
	}
	// In this order, so that "newest first" is the second phone: a map's
	// order would change from run to run.
	for _, phone := range []string{"+6281211110001", "+6281222220001"} {
		for i, msg := range []string{"halo", asks[phone]} {
			in := store.Inbound{Channel: bot.WhatsApp, Provider: "test", ProviderID: fmt.Sprintf("%s-%d", phone, i), Phone: phone, Text: msg}
			if _, err := f.db.HandleInbound(ctx, in, course); err != nil {
				t.Fatal(err)
			}
		}
	}

	tests := []struct {
		name, token, query string
		status             int
		phones             []string
	}{
		{"regency admin sees their own", f.lobar, "", 200, []string{"+6281211110001"}},
		{"the other regency its own", f.loteng, "", 200, []string{"+6281222220001"}},
		{"national sees all, newest first", f.national, "", 200, []string{"+6281222220001", "+6281211110001"}},
		{"narrowed to a village", f.lobar, "?region=52.01.01.2002", 200, nil},
		{"narrowed to the whole scope", f.lobar, "?region=5201", 200, []string{"+6281211110001"}},
		{"a region outside the scope", f.lobar, "?region=52.02", 403, nil},
		{"a malformed region", f.lobar, "?region=lombok", 400, nil},
		{"a malformed limit", f.lobar, "?limit=many", 400, nil},
		{"no token", "", "", 401, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var list admin.QuestionList
			var out any = &list
			if tt.status != 200 {
				out = &map[string]any{}
			}
			code := f.call(tt.token, "GET", "/api/v1/questions"+tt.query, "", out)
			if code != tt.status {
				t.Fatalf("status %d; want %d", code, tt.status)
			}
			if code != 200 {
				if e := (*out.(*map[string]any))["error"]; e == "" || e == nil {
					t.Errorf("no error message: %v", out)
				}
				return
			}
			if len(list.Questions) != len(tt.phones) || list.Total != len(tt.phones) {
				t.Fatalf("%d questions (total %d); want %v", len(list.Questions), list.Total, tt.phones)
			}
			for i, q := range list.Questions {
				if q.Phone != tt.phones[i] || q.Text != asks[q.Phone] || q.QuizID != bot.Pretest ||
					q.QuestionID != course.Pretest[0].ID || q.Context == "" || q.AskedAt.IsZero() {
					t.Errorf("question %d: %+v", i, q)
				}
			}
		})
	}
}
