package store_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/pamong-desa/pamong/dispatch"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/store"
)

// Bulk traffic never leaves for a learner who opted out or for a cancelled
// announcement, whichever way a row came to be queued, while the opt-out
// confirmation (a reply) still does; and only an admin whose scope holds
// the sender's may cancel an announcement.
func TestBulkGuards(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetClock(pgtest.DaytimeClock())
	raw := sqlx.MustOpen("postgres", url)
	defer raw.Close()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := raw.Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	national, err := db.CreateAdmin(ctx, "Kemendagri", "", bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	lobar, err := db.CreateAdmin(ctx, "DPMD Lombok Barat", "52.01", bytes.Repeat([]byte{2}, 32))
	if err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO learners (id, phone, village_code, opted_out_at) VALUES
		(1, '+6281900000001', '52.01.01.2001', now()), (2, '+6281900000002', '52.01.01.2002', NULL)`)
	exec(`INSERT INTO announcements (id, admin_id, scope, text) VALUES (1, $1, '52.01', 'Pengumuman')`, national.ID)
	exec(`INSERT INTO outbox (id, learner_id, channel, to_address, text, priority, announcement_id, next_attempt_at) VALUES
		(1, 1, 'sms', '+6281900000001', 'bulk to opted out', 1, NULL, now() - interval '1 minute'),
		(2, 1, 'sms', '+6281900000001', 'opt-out confirmation', 0, NULL, now() - interval '1 minute'),
		(3, 2, 'sms', '+6281900000002', 'announcement', 1, 1, now() - interval '1 minute')`)

	// The regency admin may follow the national admin's announcement to
	// their regency but not cancel it.
	if _, err := db.CancelAnnouncement(ctx, lobar.Scope, 1); !errors.Is(err, store.ErrOutOfScope) {
		t.Fatalf("regency admin cancelled a national announcement: %v", err)
	}
	// Row 3 is being handed over when the national admin cancels: cancel
	// leaves it, and the retry that follows must not queue it again.
	claimed, err := db.ClaimDue(ctx, []string{"sms"}, 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[int64]bool{}
	for _, m := range claimed {
		ids[m.ID] = true
	}
	if ids[1] || !ids[2] || !ids[3] {
		t.Fatalf("claimed %v; want the confirmation and the announcement, never bulk to an opted-out learner", ids)
	}
	if _, err := db.CancelAnnouncement(ctx, national.Scope, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := db.MarkRetry(ctx, []dispatch.Retry{{ID: 3, Error: "timeout", Next: db.Now()}}, 10, db.Now().Add(-48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.CancelUnwantedAndHoldForQuietHours(ctx); err != nil {
		t.Fatal(err)
	}
	var statuses []string
	if err := raw.Select(&statuses, `SELECT status FROM outbox ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if want := []string{"cancelled", "sending", "cancelled"}; len(statuses) != 3 || statuses[0] != want[0] || statuses[1] != want[1] || statuses[2] != want[2] {
		t.Fatalf("statuses %v; want %v", statuses, want)
	}
}

// A reply caught in a send when the learner says stop never goes out after
// it; the confirmation does. Terminal (pamong chat) replies never fall back
// to SMS, and an SMS copy takes its WhatsApp original's place in the order.
func TestRepliesAroundOptOutAndFallbackOrder(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw := sqlx.MustOpen("postgres", url)
	defer raw.Close()
	course := testCourse(t)
	const phone = "+6281900000003"
	say(t, db, course, phone, "a", "halo")
	claimed, err := db.ClaimDue(ctx, []string{"whatsapp"}, 10, time.Minute)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	stop := say(t, db, course, phone, "b", "BERHENTI")
	if _, err := db.MarkRetry(ctx, []dispatch.Retry{{ID: claimed[0].ID, Error: "timeout", Next: db.Now()}}, 10, db.Now().Add(-48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	next, err := db.ClaimDue(ctx, []string{"whatsapp"}, 10, time.Minute)
	if err != nil || len(next) != 1 || next[0].ID != stop.Replies[0].ID {
		t.Fatalf("after the opt-out the claim gave %+v; want only the confirmation %d", next, stop.Replies[0].ID)
	}
	var st string
	if err := raw.Get(&st, `SELECT status FROM outbox WHERE id = $1`, claimed[0].ID); err != nil || st != "cancelled" {
		t.Fatalf("the reply caught in the send is %q; want cancelled", st)
	}

	// pamong chat's replies are delivered to the terminal: never swept.
	if _, err := db.HandleInbound(ctx, store.Inbound{Channel: "whatsapp", ProviderID: "chat-1", Phone: "+6281900000004", Text: "halo", Terminal: true}, course); err != nil {
		t.Fatal(err)
	}
	if n, err := db.FallBackUnconfirmed(ctx, -time.Hour, 10); err != nil || n != 0 {
		t.Fatalf("terminal replies fell back to SMS: %d %v", n, err)
	}

	// W1 falls back while W2 waits: the SMS copy of W1 goes before W2.
	if _, err := raw.Exec(`INSERT INTO learners (id, phone) VALUES (900, '+6281900000005');
		INSERT INTO outbox (id, learner_id, channel, to_address, text, status) VALUES
		(9001, 900, 'whatsapp', '+6281900000005', 'satu', 'queued'), (9002, 900, 'whatsapp', '+6281900000005', 'dua', 'queued')`); err != nil {
		t.Fatal(err)
	}
	first, err := db.ClaimDue(ctx, []string{"whatsapp", "sms"}, 10, time.Minute)
	if err != nil || len(first) != 1 || first[0].ID != 9001 {
		t.Fatalf("first claim %+v %v", first, err)
	}
	if err := db.FallBack(ctx, 9001, "not connected", false); err != nil {
		t.Fatal(err)
	}
	then, err := db.ClaimDue(ctx, []string{"whatsapp", "sms"}, 10, time.Minute)
	if err != nil || len(then) != 1 || then[0].Channel != "sms" || then[0].Text != "satu" {
		t.Fatalf("after the fallback the claim gave %+v %v; want the SMS copy of 'satu' alone", then, err)
	}
}
