package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/store"
)

// One sweep falls back several unconfirmed WhatsApp messages in a few
// statements: each wanted one gets its SMS copies (a long one several, in
// order), an unwanted one (bulk to a learner who opted out) none, and all
// are superseded, each with its own reason.
func TestFallBackUnconfirmedBatch(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	long := strings.Repeat("Pelatihan dimulai Senin pukul sembilan di balai desa. ", 8)
	for _, q := range []string{
		`INSERT INTO learners (id, phone, opted_out_at) VALUES (1, '+6281400000001', NULL), (2, '+6281400000002', now()), (3, '+6281400000003', NULL)`,
		`INSERT INTO outbox (id, learner_id, channel, to_address, text, priority, status, provider, provider_id, sent_at)
		 VALUES (1, 1, 'whatsapp', '+6281400000001', 'Halo, apa kabar?', 0, 'sent', 'whatsmeow', 'W1', now() - interval '1 hour'),
		        (2, 2, 'whatsapp', '+6281400000002', 'Pengumuman', 1, 'sent', 'whatsmeow', 'W2', now() - interval '1 hour'),
		        (3, 3, 'whatsapp', '+6281400000003', '` + long + `', 0, 'sent', 'whatsmeow', 'W3', now() - interval '1 hour')`,
		`SELECT setval('outbox_id_seq', 100)`,
	} {
		if _, err := store.ExecForTest(ctx, db, q); err != nil {
			t.Fatal(err)
		}
	}
	n, err := db.FallBackUnconfirmed(ctx, time.Minute, 10)
	if err != nil || n != 3 {
		t.Fatalf("fell back %d (%v); want 3", n, err)
	}
	count := func(q string, args ...any) int {
		t.Helper()
		c, err := store.CountForTest(ctx, db, q, args...)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := count(`SELECT count(*) FROM outbox WHERE id <= 3 AND status = 'superseded'`); c != 3 {
		t.Errorf("%d of 3 WhatsApp rows superseded", c)
	}
	if c := count(`SELECT count(*) FROM outbox WHERE id = 2 AND last_error LIKE '%cancelled or opted out'`); c != 1 {
		t.Error("the unwanted row does not say why it was not sent by SMS")
	}
	if c := count(`SELECT count(*) FROM outbox WHERE fallback_of = 2`); c != 0 {
		t.Errorf("%d SMS copies for a learner who opted out", c)
	}
	if c := count(`SELECT count(*) FROM outbox WHERE fallback_of = 1 AND channel = 'sms' AND text = 'Halo, apa kabar?' AND to_address = '+6281400000001'`); c != 1 {
		t.Errorf("%d SMS copies of row 1; want 1 with its text and number", c)
	}
	parts := count(`SELECT count(*) FROM outbox WHERE fallback_of = 3 AND channel = 'sms'`)
	if parts < 2 {
		t.Fatalf("%d SMS parts for a %d-character message; want several", parts, len(long))
	}
	// Parts in order: ids follow the numbering the renderer gave them.
	if c := count(`SELECT count(*) FROM (SELECT text, id, row_number() OVER (ORDER BY id) AS k FROM outbox WHERE fallback_of = 3) p
		WHERE p.text LIKE '%(' || p.k || '/' || $1 || ')%'`, parts); c != parts {
		t.Errorf("only %d of %d SMS parts are in the renderer's order", c, parts)
	}
}
