package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/dispatch"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/store"
)

// unwantedCase is one row and how it came to be, around its learner's
// opt-outs and its announcement's cancel, and whether it may leave.
type unwantedCase struct {
	name string
	// steps are run in order for a learner of the case's own: "row" writes
	// the row under test, "other" a reply that is not, "out"/"in" opt the
	// learner out/in, "cancel" cancels the row's announcement.
	steps []string
	bulk  bool // priority 1 (else a reply)
	// announced puts the row in an announcement.
	announced bool
	// copyOf makes the row the SMS fallback copy of the "other" reply
	// (a WhatsApp message) written before it; the fallback path judges
	// that original.
	copyOf bool
	leaves bool
}

var unwantedCases = []unwantedCase{
	{name: "reply to a learner who never opted out", steps: []string{"row"}, leaves: true},
	{name: "announcement", steps: []string{"row"}, bulk: true, announced: true, leaves: true},
	{name: "cancelled announcement", steps: []string{"row", "cancel"}, bulk: true, announced: true},
	{name: "reply written before the opt-out", steps: []string{"row", "out"}},
	{name: "confirmation written with the opt-out", steps: []string{"out", "row"}, leaves: true},
	{name: "bulk written after the opt-out", steps: []string{"out", "row"}, bulk: true},
	{name: "bulk written before the opt-out", steps: []string{"row", "out"}, bulk: true, announced: true},
	{name: "SMS copy of a reply written before the opt-out", steps: []string{"other", "out", "row"}, copyOf: true},
	{name: "SMS copy of the confirmation", steps: []string{"out", "other", "row"}, copyOf: true, leaves: true},
	{name: "reply written between two opt-outs", steps: []string{"out", "in", "row", "out"}},
	{name: "confirmation of the first of two opt-outs", steps: []string{"out", "row", "in", "out"}},
	{name: "confirmation of the second opt-out", steps: []string{"out", "in", "out", "row"}, leaves: true},
	{name: "bulk to a learner who opted back in", steps: []string{"out", "in", "row"}, bulk: true, leaves: true},
}

// unwantedScene writes every case for a learner of its own, the row under
// test in the given channel and status, and returns each case's row id.
// Rows are written with created_at a day in the future and opt-outs
// stamped with the database's now(): the rule must not look at times.
func unwantedScene(t *testing.T, raw *sqlx.DB, channel, status string, original bool) []int64 {
	t.Helper()
	exec := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := raw.Get(&id, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	ids := make([]int64, len(unwantedCases))
	for i, c := range unwantedCases {
		phone := fmt.Sprintf("+62813770%05d", i)
		learner := exec(`INSERT INTO learners (phone, village_code) VALUES ($1, '52.01.01.2001') RETURNING id`, phone)
		var announcement, other int64
		if c.announced {
			announcement = exec(`INSERT INTO announcements (scope, text) VALUES ('', 'Pengumuman') RETURNING id`)
		}
		priority := 0
		if c.bulk {
			priority = 1
		}
		insert := `INSERT INTO outbox (learner_id, channel, to_address, text, priority, status, announcement_id, fallback_of,
			provider, provider_id, sent_at, attempts, next_attempt_at, created_at)
			VALUES ($1, $2, $3, 'pesan', $4, $5, nullif($6, 0), nullif($7, 0), $8, nullif($9, ''), $10, $11,
			        now() - interval '1 minute', now() + interval '1 day') RETURNING id`
		for _, step := range c.steps {
			switch step {
			case "out":
				exec(`UPDATE learners SET opted_out_at = now() WHERE id = $1 RETURNING id`, learner)
			case "in":
				exec(`UPDATE learners SET opted_out_at = NULL WHERE id = $1 RETURNING id`, learner)
			case "cancel":
				exec(`UPDATE announcements SET cancelled_at = now() WHERE id = $1 RETURNING id`, announcement)
			case "other":
				if original {
					// The fallback path judges the WhatsApp original, which
					// is this reply.
					ids[i] = exec(insert, learner, channel, phone, priority, status, announcement, 0, "whatsmeow",
						fmt.Sprintf("W%d", i), time.Now().Add(-time.Hour), 1)
					continue
				}
				other = exec(insert, learner, "whatsapp", phone, priority, "superseded", 0, 0, "whatsmeow", "", nil, 1)
			case "row":
				switch {
				case original && c.copyOf:
					// Judged at "other" above.
				case original:
					ids[i] = exec(insert, learner, channel, phone, priority, status, announcement, 0, "whatsmeow",
						fmt.Sprintf("W%d", i), time.Now().Add(-time.Hour), 1)
				default:
					ids[i] = exec(insert, learner, channel, phone, priority, status, announcement, other, "", "", nil, 1)
				}
			}
		}
	}
	return ids
}

// The "never leaves" rule (outbox_unwanted, migration 00018) decides the
// same for every path a message can take towards a provider: the claim,
// the retry, the quiet-hours sweep and the WhatsApp → SMS fallback.
func TestNeverLeavesRuleOnEveryPath(t *testing.T) {
	ctx := context.Background()
	paths := []struct {
		name            string
		channel, status string
		original        bool
		// leaves runs the path and tells, per row id, whether it may leave.
		leaves func(t *testing.T, db *store.DB, raw *sqlx.DB, ids []int64) map[int64]bool
	}{
		{name: "claim", channel: "sms", status: "queued",
			leaves: func(t *testing.T, db *store.DB, _ *sqlx.DB, ids []int64) map[int64]bool {
				store.DeepClaimsForTest(db, true)
				msgs, err := db.ClaimDue(ctx, []string{"sms", "whatsapp"}, 100, time.Minute)
				if err != nil {
					t.Fatal(err)
				}
				got := map[int64]bool{}
				for _, m := range msgs {
					got[m.ID] = true
				}
				return got
			}},
		{name: "retry", channel: "sms", status: "sending",
			leaves: func(t *testing.T, db *store.DB, _ *sqlx.DB, ids []int64) map[int64]bool {
				var retries []dispatch.Retry
				for _, id := range ids {
					retries = append(retries, dispatch.Retry{ID: id, Error: "timeout", Next: db.Now()})
				}
				statuses, err := db.MarkRetry(ctx, retries, 10, db.Now().Add(-48*time.Hour))
				if err != nil {
					t.Fatal(err)
				}
				got := map[int64]bool{}
				for i, s := range statuses {
					got[ids[i]] = s == "queued"
				}
				return got
			}},
		{name: "sweep", channel: "sms", status: "queued",
			leaves: func(t *testing.T, db *store.DB, raw *sqlx.DB, ids []int64) map[int64]bool {
				if _, _, err := db.CancelUnwantedAndHoldForQuietHours(ctx); err != nil {
					t.Fatal(err)
				}
				return statusIs(t, raw, ids, "queued")
			}},
		{name: "fallback", channel: "whatsapp", status: "sent", original: true,
			leaves: func(t *testing.T, db *store.DB, raw *sqlx.DB, ids []int64) map[int64]bool {
				if _, err := db.FallBackUnconfirmed(ctx, time.Minute, 100); err != nil {
					t.Fatal(err)
				}
				var copied []int64
				if err := raw.Select(&copied, `SELECT fallback_of FROM outbox WHERE fallback_of = ANY($1)`, pq.Array(ids)); err != nil {
					t.Fatal(err)
				}
				got := map[int64]bool{}
				for _, id := range copied {
					got[id] = true
				}
				return got
			}},
	}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			url := pgtest.URL(t)
			db, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			db.SetClock(pgtest.DaytimeClock())
			raw := sqlx.MustOpen("postgres", url)
			defer raw.Close()
			ids := unwantedScene(t, raw, p.channel, p.status, p.original)
			got := p.leaves(t, db, raw, ids)
			for i, c := range unwantedCases {
				if got[ids[i]] != c.leaves {
					t.Errorf("%s: leaves %v; want %v", c.name, got[ids[i]], c.leaves)
				}
			}
		})
	}
}

func statusIs(t *testing.T, raw *sqlx.DB, ids []int64, status string) map[int64]bool {
	t.Helper()
	var rows []struct {
		ID     int64  `db:"id"`
		Status string `db:"status"`
	}
	if err := raw.Select(&rows, `SELECT id, status FROM outbox WHERE id = ANY($1)`, pq.Array(ids)); err != nil {
		t.Fatal(err)
	}
	got := map[int64]bool{}
	for _, r := range rows {
		got[r.ID] = r.Status == status
	}
	return got
}

// Whichever clock each process runs on, a reply caught in a send when the
// learner opts out at the provider (stamped by the database's clock) never
// leaves afterwards, and the confirmation of a later BERHENTI does. The
// engine's process runs an hour ahead or behind the database; the
// dispatcher's on a third clock. Issue 13, finding 3: with the clock an hour ahead, the retry
// put the caught reply back in the queue.
func TestOptOutIgnoresClockSkew(t *testing.T) {
	ctx := context.Background()
	course := testCourse(t)
	for _, skew := range []time.Duration{-time.Hour, 0, time.Hour} {
		t.Run(skew.String(), func(t *testing.T) {
			url := pgtest.URL(t)
			web, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer web.Close()
			web.SetClock(func() time.Time { return time.Now().Add(skew) })
			disp, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer disp.Close()
			// Replies are due at their writer's now: a dispatcher behind the
			// writer would wait for them. That is a different matter; here
			// it runs ahead of every writer.
			disp.SetClock(func() time.Time { return time.Now().Add(2 * time.Hour) })
			claim := func() []dispatch.Message {
				t.Helper()
				msgs, err := disp.ClaimDue(ctx, []string{"whatsapp"}, 10, time.Minute)
				if err != nil {
					t.Fatal(err)
				}
				return msgs
			}
			const phone = "+6281377000900"
			say(t, web, course, phone, "a", "halo")
			// Send everything so far through "twilio", one by one.
			var last dispatch.Message
			for msgs := claim(); len(msgs) > 0; msgs = claim() {
				last = msgs[0]
				if err := disp.MarkSent(ctx, []dispatch.Sent{{ID: last.ID, Attempt: last.Attempt, Provider: "twilio",
					ProviderID: fmt.Sprintf("SM%d", last.ID)}}); err != nil {
					t.Fatal(err)
				}
			}
			say(t, web, course, phone, "b", "Siti Aminah")
			caught := claim()
			if len(caught) != 1 {
				t.Fatalf("claimed %+v; want the first reply to the name", caught)
			}
			// The provider reports the learner blocked us while that reply
			// is being sent; the send then fails for now.
			if _, err := disp.RecordDelivery(ctx, store.Delivery{Provider: "twilio", ProviderID: fmt.Sprintf("SM%d", last.ID),
				Status: "failed", OptedOut: true}); err != nil {
				t.Fatal(err)
			}
			statuses, err := disp.MarkRetry(ctx, []dispatch.Retry{{ID: caught[0].ID, Error: "timeout", Next: disp.Now()}},
				10, disp.Now().Add(-48*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if statuses[0] != "cancelled" {
				t.Fatalf("the reply caught in the send is %q after its retry; want cancelled", statuses[0])
			}
			if msgs := claim(); len(msgs) != 0 {
				t.Fatalf("claimed %+v for a learner who opted out", msgs)
			}
			// Back in, and out again: only the new confirmation leaves.
			say(t, web, course, phone, "c", "MULAI")
			stop := say(t, web, course, phone, "d", "BERHENTI")
			var got []int64
			for msgs := claim(); len(msgs) > 0; msgs = claim() {
				got = append(got, msgs[0].ID)
				if err := disp.MarkSent(ctx, []dispatch.Sent{{ID: msgs[0].ID, Attempt: msgs[0].Attempt, Provider: "twilio",
					ProviderID: fmt.Sprintf("SM%d", msgs[0].ID)}}); err != nil {
					t.Fatal(err)
				}
			}
			if len(got) != 1 || got[0] != stop.Replies[0].ID {
				t.Fatalf("after BERHENTI the claim gave %v; want only the confirmation %d", got, stop.Replies[0].ID)
			}
		})
	}
}
