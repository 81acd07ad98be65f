package main

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pamong-desa/pamong/internal/faketwilio"
)

const countHandedAll = `SELECT count(*) FROM outbox WHERE provider_id IS NOT NULL`

// sentMessage is one message a fake accepted, with the outbox row it
// names and the instance that sent it.
type sentMessage struct {
	faketwilio.Sent
	row      int64
	instance int
}

// checkSends reads every fake's messages: no outbox row sent twice, each
// learner's messages in the order of their rows, and every row the fakes
// took recorded with a provider id. It adds each instance's share of the
// replies to res.
func (r *loadRun) checkSends(ctx context.Context, res *loadResults) []string {
	var problems []string
	var all []sentMessage
	for k, in := range r.instances {
		for _, m := range in.fake.Messages() {
			row, err := outboxRow(m.StatusCallback)
			if err != nil {
				problems = append(problems, err.Error())
				continue
			}
			all = append(all, sentMessage{Sent: m, row: row, instance: k})
		}
	}
	times := map[int64]int{}
	for _, m := range all {
		times[m.row]++
	}
	twice := 0
	for _, n := range times {
		if n > 1 {
			twice++
		}
	}
	if twice > 0 {
		problems = append(problems, fmt.Sprintf("%d outbox rows were sent more than once", twice))
	}
	res.sentTwice = twice

	// Per learner, in the order the fakes accepted them (one clock: they
	// run in this process), the rows must rise.
	slices.SortStableFunc(all, func(a, b sentMessage) int { return a.At.Compare(b.At) })
	lastRow := map[string]int64{}
	outOfOrder := 0
	res.replyPerInst = make([]int, len(r.instances))
	for _, m := range all {
		if m.row < lastRow[m.To] {
			outOfOrder++
			if outOfOrder <= 3 {
				problems = append(problems, fmt.Sprintf("%s: row %d left after row %d", m.To, m.row, lastRow[m.To]))
			}
		}
		lastRow[m.To] = max(lastRow[m.To], m.row)
		if !strings.HasPrefix(m.To, broadcastPhones) {
			res.replyPerInst[m.instance]++
		}
	}
	if outOfOrder > 3 {
		problems = append(problems, fmt.Sprintf("%d messages in all left before an earlier one of their learner", outOfOrder))
	}
	res.outOfOrder = outOfOrder

	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	handed, err := count(ctx, r.db, countHandedAll)
	if err != nil {
		return append(problems, err.Error())
	}
	fmt.Fprintf(r.w, "Sends: %d messages for %d outbox rows (%d rows sent twice, %d out of order); %d rows carry a provider id\n",
		len(all), len(times), twice, outOfOrder, handed)
	if handed != len(times) {
		problems = append(problems, fmt.Sprintf("the fakes accepted messages for %d rows but %d rows record a provider id", len(times), handed))
	}
	return problems
}

// outboxRow reads the row id from a status callback URL: its id parameter
// is the signed reference "<id>.<attempt>.<mac>".
func outboxRow(callback string) (int64, error) {
	u, err := url.Parse(callback)
	if err != nil {
		return 0, fmt.Errorf("status callback %q: %w", callback, err)
	}
	ref := u.Query().Get("id")
	id, err := strconv.ParseInt(strings.SplitN(ref, ".", 2)[0], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("status callback %q names no outbox row", callback)
	}
	return id, nil
}
