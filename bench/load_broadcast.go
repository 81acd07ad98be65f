package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// broadcastResult is what the broadcast phase measured.
type broadcastResult struct {
	recipients int
	enqueue    time.Duration // the POST /api/v1/announcements, all rows written
	drain      time.Duration // from the POST's answer to the last message the fakes accepted
	perInst    []int         // messages each instance sent
}

func (r broadcastResult) rate() float64 { return float64(r.recipients) / r.drain.Seconds() }

// The broadcast's audience: officials of one Kota Bandung village (WIB),
// written straight into the database as an import would leave them, so
// that the phase measures the announcement and not the import.
const (
	broadcastRegion = "32.73"
	broadcastPhones = "+62815"
	seedBroadcast   = `
INSERT INTO learners (phone, name, role, village_code, preferred_channel, registered_at, source)
SELECT '+62815' || lpad(i::text, 8, '0'), 'Pejabat ' || i, 'Kades', '32.73.01.1001', 'sms', now(), 'import'
FROM generate_series(1, $1) i`
	analyzeLearners   = `ANALYZE learners`
	countBroadcastBad = `
SELECT count(*) FILTER (WHERE status <> 'sent' OR provider_id IS NULL), count(*)
FROM outbox WHERE announcement_id = $1`
)

// broadcast sends one announcement to c.recipients officials through the
// admin API and waits until the fakes have accepted every message.
func (r *loadRun) broadcast(ctx context.Context, token string) (phaseOutcome[broadcastResult], error) {
	var out phaseOutcome[broadcastResult]
	if _, err := r.db.ExecContext(ctx, seedBroadcast, r.c.recipients); err != nil {
		return out, fmt.Errorf("write the broadcast's officials: %w", err)
	}
	if _, err := r.db.ExecContext(ctx, analyzeLearners); err != nil {
		return out, fmt.Errorf("analyze learners: %w", err)
	}
	before, sentBefore := r.fakeRequests(), r.sentTo(broadcastPhones)
	body, _ := json.Marshal(map[string]any{
		"text":    "Pengumuman: pelatihan Pamong modul 2 dibuka hari Senin. Balas MENU untuk mulai.",
		"regions": []string{broadcastRegion},
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.public+"/api/v1/announcements", strings.NewReader(string(body)))
	if err != nil {
		return out, fmt.Errorf("build the announcement: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	t0 := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return out, fmt.Errorf("post the announcement: %w", err)
	}
	answered := time.Now()
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		// Pamong refused it (a 503 when the insert outlasts the request's
		// deadline): a finding of the run, not the end of it.
		out.problems = append(out.problems, fmt.Sprintf("the announcement was refused after %s: HTTP %d: %s",
			ms(answered.Sub(t0)), resp.StatusCode, strings.Join(strings.Fields(string(answer)), " ")))
		fmt.Fprintf(r.w, "  %s\n", out.problems[0])
		return out, nil
	}
	var sent announced
	if err := json.Unmarshal(answer, &sent); err != nil {
		return out, fmt.Errorf("read the announcement's answer %q: %w", answer, err)
	}
	out.result = broadcastResult{recipients: sent.Messages, enqueue: answered.Sub(t0)}
	fmt.Fprintf(r.w, "  announcement %d: %d messages queued in %s\n", sent.ID, sent.Messages, ms(out.result.enqueue))
	if sent.Messages != r.c.recipients {
		out.problems = append(out.problems, fmt.Sprintf("the broadcast went to %d officials, not %d", sent.Messages, r.c.recipients))
	}

	// Drained: the fakes accepted a message for each row. 200 msg/s is far
	// below the goal; slower than that, something is wrong.
	limit := 2*time.Minute + time.Duration(sent.Messages/200)*time.Second
	if err := waitFor(ctx, limit, func() (bool, error) {
		return r.fakeRequests() >= before+sent.Messages, nil
	}); err != nil {
		out.problems = append(out.problems, fmt.Sprintf("broadcast drain: %v (%d of %d sent)", err, r.sentTo(broadcastPhones)-sentBefore, sent.Messages))
	}
	var last time.Time
	out.result.perInst = make([]int, len(r.instances))
	for k, in := range r.instances {
		for _, m := range in.fake.Messages() {
			if strings.HasPrefix(m.To, broadcastPhones) {
				out.result.perInst[k]++
				if m.At.After(last) {
					last = m.At
				}
			}
		}
	}
	out.result.drain = last.Sub(answered)
	fmt.Fprintf(r.w, "  drained in %s: %.0f msg/s (per instance %s)\n", out.result.drain.Round(time.Millisecond),
		out.result.rate(), instanceLine(out.result.perInst))

	// Every row recorded sent, with the provider's id.
	if err := waitFor(ctx, time.Minute, func() (bool, error) {
		bad, _, err := r.broadcastBooks(ctx, sent.ID)
		return bad == 0, err
	}); err != nil {
		bad, rows, _ := r.broadcastBooks(ctx, sent.ID)
		out.problems = append(out.problems, fmt.Sprintf("%d of the broadcast's %d rows are not recorded sent: %v", bad, rows, err))
	}
	return out, nil
}

func (r *loadRun) broadcastBooks(ctx context.Context, id int64) (bad, rows int, err error) {
	err = r.db.QueryRowContext(ctx, countBroadcastBad, id).Scan(&bad, &rows)
	if err != nil {
		err = fmt.Errorf("count the broadcast's rows: %w", err)
	}
	return bad, rows, err
}

// fakeRequests is every request the fakes have seen: cheap to poll, unlike
// copying every accepted message.
func (r *loadRun) fakeRequests() int {
	n := 0
	for _, in := range r.instances {
		n += in.fake.Requests()
	}
	return n
}

// sentTo counts the messages the fakes accepted for numbers starting with
// prefix.
func (r *loadRun) sentTo(prefix string) int {
	n := 0
	for _, in := range r.instances {
		for _, m := range in.fake.Messages() {
			if strings.HasPrefix(m.To, prefix) {
				n++
			}
		}
	}
	return n
}
