package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/dispatch"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/store"
)

// Statuses only move forward, and a report that overtakes the record of
// the provider's answer (Kannel on a fast link) is not lost.
func TestDeliveryReports(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	course := testCourse(t)
	say(t, db, course, "+6281200000010", "in-1", "halo")
	claim := func() int64 {
		msgs, err := db.ClaimDue(ctx, []string{"whatsapp"}, 1, time.Minute)
		if err != nil || len(msgs) != 1 {
			t.Fatalf("claim: %v %v", msgs, err)
		}
		return msgs[0].ID
	}
	status := func(id int64) string {
		t.Helper()
		var st string
		n, err := store.CountForTest(ctx, db, "SELECT count(*) FROM outbox WHERE id = $1 AND status = 'delivered' AND provider_id = 'P1'", id)
		if err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			st = "delivered with its provider id"
		}
		return st
	}
	id := claim()
	// The report arrives first, naming the row by Pamong's id.
	if found, err := db.RecordDelivery(ctx, store.Delivery{Provider: "kannel", ProviderID: "x", Status: "delivered", OutboxID: id, Attempt: 1}); err != nil || !found {
		t.Fatalf("early report: %v %v", found, err)
	}
	if err := db.MarkSent(ctx, []dispatch.Sent{{ID: id, Attempt: 1, Provider: "kannel", ProviderID: "P1"}}); err != nil {
		t.Fatal(err)
	}
	if got := status(id); got != "delivered with its provider id" {
		t.Fatalf("after the late acceptance the row is not delivered with its provider id")
	}
	// A late "sent" does not move it back; an unknown id is ignored.
	if _, err := db.RecordDelivery(ctx, store.Delivery{Provider: "kannel", ProviderID: "P1", Status: "sent"}); err != nil {
		t.Fatal(err)
	}
	if got := status(id); got == "" {
		t.Fatal("a late 'sent' moved a delivered row backwards")
	}
	if found, err := db.RecordDelivery(ctx, store.Delivery{Provider: "kannel", ProviderID: "nope", Status: "delivered"}); err != nil || found {
		t.Fatalf("unknown id: %v %v", found, err)
	}
}
