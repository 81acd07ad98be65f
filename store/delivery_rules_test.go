package store_test

import (
	"context"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/store"
)

// A delivery report may only move a row that its provider was given: sent
// through that provider (or, while the answer to the send is still being
// recorded, the very attempt the signed reference names), and never a row
// that is queued, cancelled or superseded. Issue 11, item 5: a DLR with
// the Kannel secret marked a queued announcement delivered and failed a
// row sent through Twilio.
func TestDeliveryReportsOnlyMoveTheirOwnRows(t *testing.T) {
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

	// row writes one outbox row in the given state for a learner of its own.
	n := 0
	row := func(status, provider, providerID string, attempts, priority int) int64 {
		t.Helper()
		n++
		var learner, id int64
		phone := "+62812300000" + string(rune('0'+n/10)) + string(rune('0'+n%10))
		if err := raw.Get(&learner, `INSERT INTO learners (phone) VALUES ($1) RETURNING id`, phone); err != nil {
			t.Fatal(err)
		}
		if err := raw.Get(&id, `INSERT INTO outbox (learner_id, channel, to_address, text, status, provider, provider_id, attempts, priority)
			VALUES ($1, 'sms', $2, 'pesan', $3, $4, nullif($5, ''), $6, $7) RETURNING id`,
			learner, phone, status, provider, providerID, attempts, priority); err != nil {
			t.Fatal(err)
		}
		return id
	}
	statusOf := func(id int64) string {
		t.Helper()
		var st string
		if err := raw.Get(&st, `SELECT status FROM outbox WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		return st
	}
	optedOut := func(id int64) bool {
		t.Helper()
		var out bool
		if err := raw.Get(&out, `SELECT l.opted_out_at IS NOT NULL FROM outbox o JOIN learners l ON l.id = o.learner_id WHERE o.id = $1`, id); err != nil {
			t.Fatal(err)
		}
		return out
	}

	tests := []struct {
		name       string
		status     string // the row before the report
		provider   string
		providerID string
		attempts   int
		priority   int
		report     func(id int64) store.Delivery
		wantFound  bool
		want       string
		wantOptOut bool
	}{
		{name: "kannel: a queued announcement is not delivered", status: "queued", priority: 1,
			report: func(id int64) store.Delivery { return kannelReport(id, 0, "delivered") }, want: "queued"},
		{name: "kannel: a queued reply is not failed", status: "queued",
			report: func(id int64) store.Delivery { return kannelReport(id, 0, "failed") }, want: "queued"},
		{name: "kannel: a queued row meant for kannel is not delivered", status: "queued", provider: "kannel",
			report: func(id int64) store.Delivery { return kannelReport(id, 1, "delivered") }, want: "queued"},
		{name: "kannel: a row sent through twilio is not failed", status: "sent", provider: "twilio", providerID: "SMtw1", attempts: 1,
			report: func(id int64) store.Delivery { return kannelReport(id, 1, "failed") }, want: "sent"},
		{name: "kannel: its own sent row is delivered", status: "sent", provider: "kannel", attempts: 1,
			report: func(id int64) store.Delivery { return kannelReport(id, 1, "delivered") }, wantFound: true, want: "delivered"},
		{name: "kannel: a report on another attempt changes nothing", status: "sent", provider: "kannel", attempts: 2,
			report: func(id int64) store.Delivery { return kannelReport(id, 1, "failed") }, want: "sent"},
		{name: "kannel: a report overtaking the record of its own send", status: "sending", attempts: 1,
			report: func(id int64) store.Delivery { return kannelReport(id, 1, "delivered") }, wantFound: true, want: "delivered"},
		{name: "kannel: a sending row of another attempt is left alone", status: "sending", attempts: 2,
			report: func(id int64) store.Delivery { return kannelReport(id, 1, "delivered") }, want: "sending"},
		{name: "kannel: a report without an attempt cannot move a sending row", status: "sending", attempts: 1,
			report: func(id int64) store.Delivery { return kannelReport(id, 0, "delivered") }, want: "sending"},
		{name: "kannel: a cancelled row stays cancelled", status: "cancelled", provider: "kannel", attempts: 1,
			report: func(id int64) store.Delivery { return kannelReport(id, 1, "delivered") }, want: "cancelled"},
		{name: "twilio: its own row by sid", status: "sent", provider: "twilio", providerID: "SMtw2", attempts: 1,
			report: func(int64) store.Delivery {
				return store.Delivery{Provider: "twilio", ProviderID: "SMtw2", Status: "delivered"}
			}, wantFound: true, want: "delivered"},
		{name: "twilio: a row sent through kannel is not moved by outbox id", status: "sent", provider: "kannel", attempts: 1,
			report: func(id int64) store.Delivery {
				return store.Delivery{Provider: "twilio", ProviderID: "SMx", Status: "failed", OutboxID: id, Attempt: 1}
			}, want: "sent"},
		{name: "twilio: a queued row is not moved by outbox id", status: "queued",
			report: func(id int64) store.Delivery {
				return store.Delivery{Provider: "twilio", ProviderID: "SMy", Status: "delivered", OutboxID: id, Attempt: 0}
			}, want: "queued"},
		{name: "twilio: an opt-out report on a queued row opts nobody out", status: "queued",
			report: func(id int64) store.Delivery {
				return store.Delivery{Provider: "twilio", ProviderID: "SMz", Status: "failed", OptedOut: true, OutboxID: id}
			}, want: "queued"},
		{name: "twilio: an opt-out report on its own row opts the learner out", status: "sent", provider: "twilio", providerID: "SMtw3", attempts: 1,
			report: func(int64) store.Delivery {
				return store.Delivery{Provider: "twilio", ProviderID: "SMtw3", Status: "failed", OptedOut: true}
			}, wantFound: true, want: "failed", wantOptOut: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := row(tt.status, tt.provider, tt.providerID, tt.attempts, tt.priority)
			found, err := db.RecordDelivery(ctx, tt.report(id))
			if err != nil {
				t.Fatal(err)
			}
			if found != tt.wantFound {
				t.Errorf("found %v; want %v", found, tt.wantFound)
			}
			if got := statusOf(id); got != tt.want {
				t.Errorf("row is %s; want %s", got, tt.want)
			}
			if got := optedOut(id); got != tt.wantOptOut {
				t.Errorf("learner opted out: %v; want %v", got, tt.wantOptOut)
			}
		})
	}
}

// kannelReport is a DLR as the webhook passes it on once its signed
// reference checked out.
func kannelReport(id int64, attempt int, status string) store.Delivery {
	return store.Delivery{Provider: "kannel", ProviderID: "x", Status: status, OutboxID: id, Attempt: attempt}
}
