package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"time"

	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/internal/faketwilio"
)

// The books at the end of a run, read straight from the database: the
// soak checks the server from outside, as an operator with psql would.
const (
	countInbound    = `SELECT count(*) FROM inbound_messages`
	countUnanswered = `
SELECT count(*) FROM inbound_messages i
WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.in_reply_to = i.id)`
	outboxByStatus  = `SELECT status, count(*) FROM outbox GROUP BY status ORDER BY status`
	countUnfinished = `SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')`
	countHanded     = `SELECT count(*) FROM outbox WHERE provider_id IS NOT NULL`
	countDelivered  = `SELECT count(*) FROM outbox WHERE status = 'delivered'`
	countAnnounced  = `
SELECT count(*), count(*) FILTER (WHERE status = 'delivered')
FROM outbox WHERE announcement_id = ANY($1)`
)

func count(ctx context.Context, db *sql.DB, query string, args ...any) (int, error) {
	var n int
	if err := db.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count (%.40s…): %w", query, err)
	}
	return n, nil
}

// drained tells whether every outbox row has left and every message the
// fake accepted has been reported delivered and recorded so.
func drained(ctx context.Context, db *sql.DB, fake *faketwilio.Server, rep *reporter) (bool, error) {
	if !rep.catchUp(ctx) {
		return false, nil
	}
	unfinished, err := count(ctx, db, countUnfinished)
	if err != nil {
		return false, err
	}
	delivered, err := count(ctx, db, countDelivered)
	if err != nil {
		return false, err
	}
	return unfinished == 0 && delivered == distinctRows(fake.Messages()), nil
}

// distinctRows counts the outbox rows among the fake's messages: each row
// has its own status callback URL, so a row sent twice shares one.
func distinctRows(msgs []faketwilio.Sent) int {
	rows := map[string]bool{}
	for _, m := range msgs {
		rows[m.StatusCallback] = true
	}
	return len(rows)
}

// books checks that nothing was lost or sent twice, prints what it found
// and returns the problems.
func books(ctx context.Context, w io.Writer, db *sql.DB, fake *faketwilio.Server, in *inbound, adm *adminAPI) ([]string, error) {
	var problems []string
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()

	inboundRows, err := count(ctx, db, countInbound)
	if err != nil {
		return nil, err
	}
	unanswered, err := count(ctx, db, countUnanswered)
	if err != nil {
		return nil, err
	}
	acked := int(in.acked.Load())
	fmt.Fprintf(w, "Inbound: %d messages taken (200) after %d retries, %d rows stored, %d without a reply, %d never taken\n",
		acked, in.retries.Load(), inboundRows, unanswered, len(in.lostMessages()))
	if inboundRows != acked {
		problems = append(problems, fmt.Sprintf("%d inbound messages were taken but %d are stored", acked, inboundRows))
	}
	if unanswered > 0 {
		problems = append(problems, fmt.Sprintf("%d inbound messages got no reply", unanswered))
	}
	for _, l := range in.lostMessages() {
		problems = append(problems, "inbound lost: "+l)
	}

	rows, err := db.QueryContext(ctx, outboxByStatus)
	if err != nil {
		return nil, fmt.Errorf("outbox by status: %w", err)
	}
	fmt.Fprint(w, "Outbox by status:")
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("outbox by status: %w", err)
		}
		fmt.Fprintf(w, " %s %d", status, n)
		if status != "delivered" {
			problems = append(problems, fmt.Sprintf("%d outbox rows ended %s", n, status))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outbox by status: %w", err)
	}
	fmt.Fprintln(w)

	msgs := fake.Messages()
	handed, err := count(ctx, db, countHanded)
	if err != nil {
		return nil, err
	}
	distinct := distinctRows(msgs)
	fmt.Fprintf(w, "Fake Twilio: %d messages accepted for %d outbox rows (%d sent twice); %d rows carry a provider id\n",
		len(msgs), distinct, len(msgs)-distinct, handed)
	if len(msgs) != distinct {
		problems = append(problems, fmt.Sprintf("%d messages were sent more than once", len(msgs)-distinct))
	}
	if handed != distinct {
		problems = append(problems, fmt.Sprintf("the fake accepted messages for %d rows but %d rows record a provider id", distinct, handed))
	}

	var ids []int64
	want := 0
	for _, a := range adm.accepted() {
		ids = append(ids, a.ID)
		want += a.Messages
	}
	var rowsFor, deliveredFor int
	if err := db.QueryRowContext(ctx, countAnnounced, pq.Array(ids)).Scan(&rowsFor, &deliveredFor); err != nil {
		return nil, fmt.Errorf("count announcement rows: %w", err)
	}
	fmt.Fprintf(w, "Announcements: %d accepted, %d messages queued, %d rows, %d delivered\n", len(ids), want, rowsFor, deliveredFor)
	if rowsFor != want || deliveredFor != want {
		problems = append(problems, fmt.Sprintf("announcements queued %d messages: %d rows, %d delivered", want, rowsFor, deliveredFor))
	}
	return problems, nil
}
