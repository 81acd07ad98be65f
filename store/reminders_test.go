package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/store"
)

// An announcement counts as the day's bot-initiated message: the nudge due
// that day waits for the next one. A pass with both switches off, or at
// night, sends nothing.
func TestReminderWaitsForAnnouncementDay(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	course := testCourse(t)
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	now := start
	db.SetClock(func() time.Time { return now })
	if _, err := store.ExecForTest(ctx, db, `
INSERT INTO learners (phone, name, role, village_code, source, created_at, updated_at)
VALUES ('+6281300000009', 'Wayan', 'Kepala Desa', '52.01.01.2001', 'import', $1, $1)`, start); err != nil {
		t.Fatal(err)
	}
	all := store.ReminderOptions{Nudges: true, Reviews: true}
	pass := func(at time.Time, opt store.ReminderOptions) store.ReminderPass {
		t.Helper()
		now = at
		res, err := db.RunReminders(ctx, course, opt)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	day2 := start.AddDate(0, 0, 2)
	// 09:00 WITA is 01:00 UTC; 00:30 UTC is 08:30 WITA, before the slot.
	if res := pass(day2.Add(30*time.Minute), all); res.Nudges != 0 {
		t.Fatalf("nudge before the learner's slot: %+v", res)
	}
	if res := pass(day2.Add(13*time.Hour), all); res.Nudges != 0 {
		t.Fatalf("nudge at 21:00 WITA: %+v", res)
	}
	now = day2.Add(30 * time.Minute)
	if _, err := db.SendAnnouncement(ctx, store.NewAnnouncement{Text: "Rapat desa Senin.", WhatsAppText: "Rapat desa Senin.",
		SMSParts: []string{"Rapat desa Senin."}, Content: []byte(`[]`)}); err != nil {
		t.Fatal(err)
	}
	if res := pass(day2.Add(2*time.Hour), store.ReminderOptions{}); res.Nudges+res.Reviews+res.Candidates != 0 {
		t.Fatalf("a pass with reminders off did something: %+v", res)
	}
	if res := pass(day2.Add(2*time.Hour), all); res.Nudges != 0 {
		t.Fatalf("nudge on the day of an announcement: %+v", res)
	}
	if res := pass(day2.AddDate(0, 0, 1).Add(2*time.Hour), all); res.Nudges != 1 || res.Messages != 1 {
		t.Fatalf("day after the announcement: %+v, want one nudge", res)
	}
	if res := pass(day2.AddDate(0, 0, 1).Add(3*time.Hour), all); res.Nudges != 0 {
		t.Fatalf("second nudge the same day: %+v", res)
	}
	if n := count(t, db, `SELECT count(*) FROM outbox WHERE priority = 1 AND announcement_id IS NULL AND text LIKE '%Wayan%LANJUT%'`); n != 1 {
		t.Errorf("%d nudge rows, want 1", n)
	}
}
