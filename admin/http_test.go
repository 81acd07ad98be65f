package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/pamong-desa/pamong/admin"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

// fixture is the API over a fresh database with regions in two regencies
// of NTB and in Jawa Barat, and three admins: national, Lombok Barat
// (52.01) and Lombok Tengah (52.02).
type fixture struct {
	t                       *testing.T
	db                      *store.DB
	raw                     *sqlx.DB
	svc                     *admin.Service
	srv                     *httptest.Server
	national, lobar, loteng string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	url := pgtest.URL(t)
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	raw, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	// 12:00 WITA and 11:00 WIB: inside everyone's window.
	db.SetClock(func() time.Time { return time.Date(2025, 3, 10, 4, 0, 0, 0, time.UTC) })
	var rows []region.Region
	for _, c := range []string{"32", "32.04", "32.04.05", "32.04.05.2001",
		"52", "52.01", "52.01.01", "52.01.01.2001", "52.01.01.2002", "52.02", "52.02.01", "52.02.01.2010", "52.02.01.2011"} {
		rows = append(rows, region.Region{Code: region.Code(c), Name: "Wilayah " + c})
	}
	if _, err := db.ImportRegions(ctx, rows, "test"); err != nil {
		t.Fatal(err)
	}
	svc := &admin.Service{Store: db, SMSPrice: 350, Now: func() time.Time { return time.Date(2025, 3, 10, 4, 0, 0, 0, time.UTC) }}
	f := &fixture{t: t, db: db, raw: raw, svc: svc}
	for _, a := range []struct {
		token       *string
		name, scope string
	}{{&f.national, "Kemendagri", ""}, {&f.lobar, "DPMD Lombok Barat", "5201"}, {&f.loteng, "DPMD Lombok Tengah", "52.02"}} {
		_, token, err := svc.CreateAdmin(ctx, a.name, a.scope)
		if err != nil {
			t.Fatal(err)
		}
		*a.token = token
	}
	f.srv = httptest.NewServer(svc.Handler(slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(f.srv.Close)
	return f
}

// call makes a request as the admin with token and decodes the answer
// into out (when not nil); it returns the status.
func (f *fixture) call(token, method, path, body string, out any) int {
	f.t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			f.t.Fatalf("%s %s: %s: %v", method, path, b, err)
		}
	}
	return resp.StatusCode
}

const officialsCSV = "phone;name;role;village_code;channel\n" +
	"081211110001;Ahmad Lobar;Kades;52.01.01.2001;sms\n" +
	"081211110002;Baiq Lobar;Sekdes;52.01.01.2002;whatsapp\n" +
	"081211110003;Opted Lobar;Kades;52.01.01.2002;sms\n"

const lotengCSV = "phone,name,role,village_code\n" +
	"081222220001,Lalu Loteng,Kades,52.02.01.2010\n" +
	"081222220002,Inaq Loteng,Kades,52.02.01.2011\n"

func TestAPIRefusesWithoutAValidToken(t *testing.T) {
	f := newFixture(t)
	var me map[string]any
	if code := f.call(f.lobar, "GET", "/api/v1/me", "", &me); code != 200 || me["scope"] != "52.01" || me["name"] != "DPMD Lombok Barat" {
		t.Fatalf("me: %d %v", code, me)
	}
	for name, token := range map[string]string{"missing": "", "wrong": "pmg_wrong", "not ours": "ghp_xyz", "other scheme": ""} {
		var e map[string]string
		if code := f.call(token, "GET", "/api/v1/officials", "", &e); code != 401 || e["error"] == "" {
			t.Errorf("%s token: %d %v", name, code, e)
		}
	}
	req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Basic "+f.lobar)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("basic auth: %v %v", resp, err)
	}
	admins, _ := f.db.Admins(context.Background())
	if _, err := f.svc.RevokeAdmin(context.Background(), admins[1].ID); err != nil {
		t.Fatal(err)
	}
	if code := f.call(f.lobar, "GET", "/api/v1/me", "", nil); code != 401 {
		t.Errorf("revoked token: %d", code)
	}
}

// Two regency admins each see and message only their own officials; an
// explicit attempt at the other regency is 403.
func TestAPIScopeIsolation(t *testing.T) {
	f := newFixture(t)
	var rep admin.ImportReport
	if code := f.call(f.lobar, "POST", "/api/v1/officials/import", officialsCSV, &rep); code != 200 || rep.Inserted != 3 || !rep.Imported {
		t.Fatalf("Lombok Barat import: %d %+v", code, rep)
	}
	// Lombok Barat cannot import Lombok Tengah's officials: 403, nothing written.
	var refused struct {
		Error  string             `json:"error"`
		Report admin.ImportReport `json:"report"`
	}
	if code := f.call(f.lobar, "POST", "/api/v1/officials/import", lotengCSV, &refused); code != 403 ||
		len(refused.Report.Problems) != 2 || refused.Report.Problems[0].Line != 2 || refused.Report.Imported {
		t.Fatalf("import into another regency: %d %+v", code, refused)
	}
	if code := f.call(f.loteng, "POST", "/api/v1/officials/import", lotengCSV, &rep); code != 200 || rep.Inserted != 2 {
		t.Fatalf("Lombok Tengah import: %d %+v", code, rep)
	}
	// A phone already in Lombok Tengah cannot be moved by Lombok Barat.
	steal := "phone,name,role,village_code\n081222220001,Stolen,Kades,52.01.01.2001\n"
	if code := f.call(f.lobar, "POST", "/api/v1/officials/import", steal, &rep); code != 200 || rep.Updated != 0 || len(rep.Problems) != 1 ||
		!strings.Contains(rep.Problems[0].Reason, "cannot be imported in your region") {
		t.Fatalf("moving another regency's official: %d %+v", code, rep)
	}

	names := func(token, query string) (int, []string) {
		var list admin.OfficialList
		code := f.call(token, "GET", "/api/v1/officials"+query, "", &list)
		var out []string
		for _, o := range list.Officials {
			out = append(out, o.Name)
		}
		return code, out
	}
	for _, tt := range []struct {
		who, token, query string
		code              int
		want              string
	}{
		{"Lombok Barat", f.lobar, "", 200, "Ahmad Lobar,Baiq Lobar,Opted Lobar"},
		{"Lombok Tengah", f.loteng, "", 200, "Lalu Loteng,Inaq Loteng"},
		{"national", f.national, "?role=kades", 200, "Ahmad Lobar,Opted Lobar,Lalu Loteng,Inaq Loteng"},
		{"Lombok Barat asking for Lombok Tengah", f.lobar, "?region=52.02", 403, ""},
		{"Lombok Barat asking for NTB", f.lobar, "?region=52", 403, ""},
		{"Lombok Barat narrowing", f.lobar, "?region=5201012002&channel=sms", 200, "Opted Lobar"},
		{"bad status", f.lobar, "?status=done", 400, ""},
	} {
		code, got := names(tt.token, tt.query)
		if code != tt.code || strings.Join(got, ",") != tt.want {
			t.Errorf("%s %q: %d %v; want %d %s", tt.who, tt.query, code, got, tt.code, tt.want)
		}
	}

	// Messaging: an explicit target outside the scope is 403 for preview
	// and send; without a target the announcement stays in the regency.
	for _, path := range []string{"/api/v1/announcements/preview", "/api/v1/announcements"} {
		if code := f.call(f.lobar, "POST", path, `{"text":"Halo","regions":["52.02"]}`, nil); code != 403 {
			t.Errorf("%s to another regency: %d", path, code)
		}
	}
	var sent admin.Sent
	if code := f.call(f.lobar, "POST", "/api/v1/announcements", `{"text":"Rapat koordinasi Senin."}`, &sent); code != 201 || sent.Recipients != 3 {
		t.Fatalf("send: %d %+v", code, sent)
	}
	var n int
	err := f.raw.Get(&n, `SELECT count(*) FROM outbox o JOIN learners l ON l.id = o.learner_id
		WHERE o.announcement_id = $1 AND l.village_code NOT LIKE '52.01.%'`, sent.ID)
	if err != nil || n != 0 {
		t.Fatalf("%d messages of Lombok Barat's announcement went outside it (%v)", n, err)
	}
	var st admin.Status
	path := "/api/v1/announcements/" + itoa(sent.ID)
	if code := f.call(f.loteng, "GET", path, "", nil); code != 403 {
		t.Errorf("Lombok Tengah reads Lombok Barat's announcement: %d", code)
	}
	if code := f.call(f.loteng, "POST", path+"/cancel", "", nil); code != 403 {
		t.Errorf("Lombok Tengah cancels Lombok Barat's announcement: %d", code)
	}
	var list struct{ Announcements []admin.Summary }
	if code := f.call(f.loteng, "GET", "/api/v1/announcements", "", &list); code != 200 || len(list.Announcements) != 0 {
		t.Errorf("Lombok Tengah lists %d announcements of Lombok Barat", len(list.Announcements))
	}
	if code := f.call(f.national, "GET", path, "", &st); code != 200 || st.Scope != "52.01" || st.Admin != "DPMD Lombok Barat" {
		t.Errorf("national reads it: %d %+v", code, st)
	}
	if code := f.call(f.national, "GET", "/api/v1/announcements/999", "", nil); code != 404 {
		t.Errorf("unknown announcement: %d", code)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// The preview's figures: recipients by channel, the SMS parts, segments
// and cost, and the opted-out count; sending matches it; cancel stops what
// has not left.
func TestAPIPreviewSendStatusCancel(t *testing.T) {
	f := newFixture(t)
	var rep admin.ImportReport
	f.call(f.national, "POST", "/api/v1/officials/import", officialsCSV+"081211110004;Dewi BPD;BPD;52.01.01.2001;sms\n", &rep)
	if rep.Inserted != 4 {
		t.Fatalf("import: %+v", rep)
	}
	if _, err := f.raw.Exec(`UPDATE learners SET opted_out_at = now() WHERE phone = '+6281211110003'`); err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("Pelatihan keuangan desa dimulai Senin 17 Maret pukul 09.00 WITA di kantor camat. ", 2)
	body, _ := json.Marshal(map[string]any{"text": text, "regions": []string{"52.01"}, "roles": []string{"Kepala Desa"}})
	var p admin.Preview
	if code := f.call(f.lobar, "POST", "/api/v1/announcements/preview", string(body), &p); code != 200 {
		t.Fatalf("preview: %d", code)
	}
	if p.Recipients != 1 || p.SMS != 1 || p.WhatsApp != 0 || p.OptedOut != 1 || len(p.SMSParts) != 2 ||
		p.SMSSegments != 2 || p.SMSPrice != 350 || p.EstimatedCost != 700 || p.Currency != "IDR" || p.HeldForQuietHours != 0 {
		t.Fatalf("preview: %+v", p)
	}
	if !strings.HasSuffix(p.SMSParts[0], "(1/2)") || !strings.HasSuffix(p.SMSParts[1], "(2/2)") || p.WhatsAppText != strings.TrimSpace(text) {
		t.Errorf("renderings: %q %q", p.SMSParts, p.WhatsAppText)
	}
	// Everyone in the regency: 2 SMS recipients (2 parts each), 1 WhatsApp.
	var all admin.Preview
	f.call(f.lobar, "POST", "/api/v1/announcements/preview", `{"text":`+string(mustJSON(text))+`}`, &all)
	if all.Recipients != 3 || all.SMS != 2 || all.WhatsApp != 1 || all.SMSSegments != 4 || all.EstimatedCost != 1400 {
		t.Errorf("preview of the regency: %+v", all)
	}
	for _, bad := range []string{`{"text":""}`, `{"text":"x","roles":["Camat"]}`, `{"text":"x","status":["done"]}`,
		`{"text":"x","region":["52.01"]}`, `{"text":"x","send_at":"2020-01-01T00:00:00Z"}`, `{"text":"x","regions":["52.01.09"]}`, `not json`} {
		if code := f.call(f.lobar, "POST", "/api/v1/announcements/preview", bad, nil); code != 400 {
			t.Errorf("preview %s: %d; want 400", bad, code)
		}
	}

	var sent admin.Sent
	if code := f.call(f.lobar, "POST", "/api/v1/announcements", `{"text":`+string(mustJSON(text))+`}`, &sent); code != 201 {
		t.Fatalf("send: %d", code)
	}
	if sent.Recipients != 3 || sent.Messages != 5 || sent.SMSSegments != 4 || sent.EstimatedCost != 1400 || sent.OptedOut != 1 {
		t.Fatalf("sent: %+v", sent)
	}
	path := "/api/v1/announcements/" + itoa(sent.ID)
	var st admin.Status
	if code := f.call(f.lobar, "GET", path, "", &st); code != 200 || st.Queued != 5 || st.Recipients != 3 || st.Text != strings.TrimSpace(text) {
		t.Fatalf("status: %d %+v", code, st)
	}
	var cancelled struct {
		Cancelled int
		Status    admin.Status
	}
	if code := f.call(f.lobar, "POST", path+"/cancel", "", &cancelled); code != 200 || cancelled.Cancelled != 5 ||
		cancelled.Status.Cancelled != 5 || cancelled.Status.Queued != 0 || cancelled.Status.CancelledAt == nil {
		t.Fatalf("cancel: %d %+v", code, cancelled)
	}
}

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }

func TestAPIStrictImportIsAllOrNothing(t *testing.T) {
	f := newFixture(t)
	csv := "phone,name,role,village_code\n081233330001,Good,Kades,52.01.01.2001\n0812,Bad,Kades,52.01.01.2001\n"
	var rep admin.ImportReport
	if code := f.call(f.lobar, "POST", "/api/v1/officials/import?strict=true", csv, &rep); code != 422 || rep.Imported || len(rep.Problems) != 1 || rep.Problems[0].Line != 3 {
		t.Fatalf("strict: %d %+v", code, rep)
	}
	if code := f.call(f.lobar, "POST", "/api/v1/officials/import", csv, &rep); code != 200 || !rep.Imported || rep.Inserted != 1 || len(rep.Problems) != 1 {
		t.Fatalf("lenient: %d %+v", code, rep)
	}
	if code := f.call(f.lobar, "POST", "/api/v1/officials/import", "", nil); code != 400 {
		t.Fatalf("empty file: %d", code)
	}
	if code := f.call(f.lobar, "POST", "/api/v1/officials/import", string(bytes.Repeat([]byte("x"), 10)), nil); code != 400 {
		t.Fatalf("not a CSV: %d", code)
	}
}

// The preview prices what this deployment does: without a WhatsApp device
// the WhatsApp users' announcement goes by SMS, and costs what SMS costs
// (it was priced at Rp 0: issue 13, finding 1).
func TestPreviewKnowsTheDeployment(t *testing.T) {
	f := newFixture(t)
	var rep admin.ImportReport
	f.call(f.national, "POST", "/api/v1/officials/import", officialsCSV, &rep)
	text := `{"text":"Rapat desa Senin pukul 09.00."}`
	f.svc.Deployment = &admin.Deployment{SMS: true, WhatsAppPerHour: 200}
	var p admin.Preview
	if code := f.call(f.lobar, "POST", "/api/v1/announcements/preview", text, &p); code != 200 {
		t.Fatalf("preview: %d", code)
	}
	if p.WhatsApp != 1 || p.SMS != 2 || p.ByWhatsApp != 0 || p.BySMS != 3 || p.SMSSegments != 3 || p.EstimatedCost != 1050 || p.Deployment.WhatsApp {
		t.Fatalf("without WhatsApp: %+v", p)
	}
	f.svc.Deployment = &admin.Deployment{WhatsApp: true, SMS: true, WhatsAppPerHour: 200}
	if f.call(f.lobar, "POST", "/api/v1/announcements/preview", `{"text":"Rapat desa Senin pukul 09.00.","over_cap":"spill"}`, &p); p.ByWhatsApp != 1 ||
		p.BySMS != 2 || p.EstimatedCost != 700 || p.OverCap != "spill" || p.WhatsAppTime != "1 by WhatsApp at 200/hour ≈ 1 min" {
		t.Fatalf("with WhatsApp: %+v", p)
	}
	if code := f.call(f.lobar, "POST", "/api/v1/announcements/preview", `{"text":"x","over_cap":"sms"}`, nil); code != 400 {
		t.Fatalf("an unknown over_cap: %d, want 400", code)
	}
	// The choice is kept with the announcement, where the dispatcher reads it.
	var sent admin.Sent
	if code := f.call(f.lobar, "POST", "/api/v1/announcements", `{"text":"Rapat desa.","over_cap":"spill"}`, &sent); code != 201 {
		t.Fatalf("send: %d", code)
	}
	var st admin.Status
	f.call(f.lobar, "GET", "/api/v1/announcements/"+itoa(sent.ID), "", &st)
	if st.OverCap != "spill" || sent.OverCap != "spill" {
		t.Fatalf("over_cap sent %q, kept %q; want spill", sent.OverCap, st.OverCap)
	}
	if n := f.count(`SELECT count(*) FROM announcements WHERE id = ` + itoa(sent.ID) + ` AND over_cap = 'spill'`); n != 1 {
		t.Fatal("the announcement row does not say spill")
	}
}
