package store_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/store"
)

// The reminder scheduler over 60 simulated days: a population of officials
// in the three time zones who behave differently, an hourly scheduler
// pass, and learners who answer what they are sent half an hour later. The
// test asserts the exact days each one gets a nudge or a review, and the
// limits on every bulk row written.

// simStart is day 0, 00:00 UTC.
var simStart = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

const simDays = 60

// simLearner is one official and how they behave.
type simLearner struct {
	name, phone, village string
	// session is when (hours after simStart) they first write; -1 never.
	session float64
	// wrong are the quiz questions they get wrong in the course.
	wrong []string
	// stopAt stops the session when this quiz is reached ("" runs to the
	// end of the course); then sends last, if set.
	stopAt, last string
	// ignore is how many review questions they leave unanswered before
	// answering; reviews are their answers to the review questions after
	// that (true: right); none left and they stay silent.
	ignore  int
	reviews []bool
	// want is the exact schedule: "d2 nudge", "d1 review", ...
	want []string
}

func simPopulation() []*simLearner {
	return []*simLearner{
		{name: "Finisher WIT", phone: "+6281300000001", village: "94.01.01.2001", session: 1,
			wrong: []string{"l1-q1"}, reviews: []bool{true, true},
			want: []string{"d1 review", "d4 review"}},
		{name: "Reviewer WIB", phone: "+6281300000002", village: "32.04.05.2001", session: 5,
			wrong: []string{"l1-q2"}, reviews: []bool{false, true, true},
			want: []string{"d1 review", "d2 review", "d5 review"}},
		{name: "Staller WIB", phone: "+6281300000003", village: "32.04.05.2002", session: 3,
			wrong: []string{"l1-q1"}, stopAt: "l2-bpd-musdes",
			want: []string{"d2 nudge", "d7 nudge", "d14 nudge"}},
		{name: "Never WITA", phone: "+6281300000004", village: "52.01.01.2001", session: -1,
			want: []string{"d2 nudge", "d7 nudge"}},
		{name: "Pauser WITA", phone: "+6281300000005", village: "52.01.01.2002", session: 2,
			wrong: []string{"l1-q1"}, stopAt: "l2-bpd-musdes", last: "JEDA 30",
			want: []string{"d30 nudge", "d35 nudge", "d42 nudge"}},
		{name: "Optout WIB", phone: "+6281300000006", village: "32.04.05.2003", session: 4,
			wrong: []string{"l1-q1"}, stopAt: "l2-bpd-musdes", last: "BERHENTI"},
		// Finished, and never answers a review: the next one follows a
		// week after the last, and three in a row unanswered stop them.
		{name: "Ignorer WIB", phone: "+6281300000007", village: "32.04.05.2004", session: 6,
			wrong: []string{"l1-q1"},
			want:  []string{"d1 review", "d8 review", "d15 review"}},
		// Finished, leaves the first review unanswered, then answers the
		// same question again a week later, right twice: retired.
		{name: "Late reviewer WITA", phone: "+6281300000008", village: "52.01.01.2003", session: 7,
			wrong: []string{"l1-q2"}, ignore: 1, reviews: []bool{true, true},
			want: []string{"d1 review", "d8 review", "d11 review"}},
	}
}

// simClock is the clock every store of the simulation reads.
type simClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *simClock) set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }
func (c *simClock) get() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// bulkRow is a bot-initiated outbox row.
type bulkRow struct {
	ID      int64     `db:"id"`
	Phone   string    `db:"to_address"`
	Text    string    `db:"text"`
	Due     time.Time `db:"next_attempt_at"`
	Village string    `db:"village_code"`
	OptOut  bool      `db:"opted_out"`
}

type pending struct {
	Stage    string `db:"stage"`
	Quiz     string `db:"quiz_id"`
	Question string `db:"question_id"`
	RQuiz    string `db:"review_quiz"`
	RQ       string `db:"review_question"`
}

func loadPending(t *testing.T, db *store.DB, phone string) pending {
	t.Helper()
	var p []pending
	if err := store.SelectForTest(context.Background(), db, &p, `
SELECT coalesce(l.conversation->>'stage', '') AS stage, coalesce(e.quiz_id, '') AS quiz_id,
       coalesce(e.question_id, '') AS question_id,
       coalesce(r.quiz_id, '') AS review_quiz, coalesce(r.question_id, '') AS review_question
FROM learners l LEFT JOIN enrolments e ON e.learner_id = l.id
LEFT JOIN LATERAL (SELECT quiz_id, question_id FROM reminders r WHERE r.learner_id = l.id AND r.kind = 'review'
                   AND r.sent_at > coalesce(l.last_inbound_at, '-infinity') ORDER BY r.day DESC LIMIT 1) r ON true
WHERE l.phone = $1`, phone); err != nil || len(p) != 1 {
		t.Fatalf("pending of %s: %v", phone, err)
	}
	return p[0]
}

// runSession is a learner working through the course from their first
// message, one message a minute.
func runSession(t *testing.T, db *store.DB, clock *simClock, course *lessons.Course, l *simLearner, at time.Time) {
	t.Helper()
	n := 0
	send := func(text string) {
		n++
		clock.set(at.Add(time.Duration(n) * time.Minute))
		if _, err := db.HandleInbound(context.Background(), store.Inbound{Channel: bot.WhatsApp, Provider: "sim",
			ProviderID: fmt.Sprintf("%s-%d-%d", l.phone, at.Unix(), n), Phone: l.phone, Text: text}, course); err != nil {
			t.Fatalf("%s %q: %v", l.name, text, err)
		}
	}
	send("halo")
	for range 100 {
		p := loadPending(t, db, l.phone)
		switch {
		case p.Stage == string(bot.StageQuestion) && p.Quiz == l.stopAt:
			if l.last != "" {
				send(l.last)
			}
			return
		case p.Stage == string(bot.StageQuestion):
			q := findQuestion(t, course, p.Quiz, p.Question)
			choice := q.Answer
			if slices.Contains(l.wrong, q.ID) {
				choice = q.Answer%len(q.Options) + 1
			}
			send(fmt.Sprint(choice))
		case p.Stage == string(bot.StageLessonEnd):
			send("1")
		default:
			return
		}
	}
	t.Fatalf("%s: session did not end", l.name)
}

func findQuestion(t *testing.T, course *lessons.Course, quiz, id string) lessons.Question {
	t.Helper()
	qs := course.Pretest
	switch quiz {
	case bot.Pretest:
	case bot.Posttest:
		qs = course.Posttest
	default:
		l, _, _ := course.Lesson(quiz)
		qs = l.Quiz
	}
	q, _, ok := lessons.Find(qs, id)
	if !ok {
		t.Fatalf("no question %s in %s", id, quiz)
	}
	return q
}

// simResult is what a simulation sent: per learner, "dN kind" lines.
type simResult map[string][]string

// simulate runs the population over simDays with one scheduler per store
// in schedulers, all passing each hour at once.
func simulate(t *testing.T, url string, schedulers int) (simResult, []bulkRow) {
	ctx := context.Background()
	clock := &simClock{now: simStart}
	var dbs []*store.DB
	for range schedulers {
		db, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		db.SetClock(clock.get)
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	db := dbs[0]
	course := testCourse(t)
	pop := simPopulation()
	for _, l := range pop {
		if _, err := store.ExecForTest(ctx, db, `
INSERT INTO learners (phone, name, role, village_code, source, created_at, updated_at)
VALUES ($1, $2, 'Kaur Keuangan', $3, 'import', $4, $4)`, l.phone, l.name, l.village, simStart); err != nil {
			t.Fatal(err)
		}
	}
	byPhone := map[string]*simLearner{}
	for _, l := range pop {
		byPhone[l.phone] = l
	}
	// Replies due: phone → time.
	type reply struct {
		at    time.Time
		phone string
	}
	var replies []reply
	got := simResult{}
	var all []bulkRow
	var lastID int64
	opt := store.ReminderOptions{Nudges: true, Reviews: true}
	for h := 0; h < simDays*24; h++ {
		tick := simStart.Add(time.Duration(h) * time.Hour)
		// Learners act first: sessions that start within this hour and
		// replies to what they were sent.
		for _, l := range pop {
			if l.session >= 0 && tick.Equal(simStart.Add(time.Duration(l.session*float64(time.Hour)))) {
				runSession(t, db, clock, course, l, tick)
			}
		}
		var later []reply
		for _, r := range replies {
			if r.at.After(tick) {
				later = append(later, r)
				continue
			}
			l := byPhone[r.phone]
			p := loadPending(t, db, l.phone)
			if p.RQ == "" {
				continue
			}
			if l.ignore > 0 {
				l.ignore--
				continue
			}
			if len(l.reviews) == 0 {
				continue
			}
			q := findQuestion(t, course, p.RQuiz, p.RQ)
			choice := q.Answer
			if !l.reviews[0] {
				choice = q.Answer%len(q.Options) + 1
			}
			l.reviews = l.reviews[1:]
			clock.set(r.at)
			if _, err := db.HandleInbound(ctx, store.Inbound{Channel: bot.WhatsApp, Provider: "sim",
				ProviderID: fmt.Sprintf("%s-r-%d", l.phone, r.at.Unix()), Phone: l.phone, Text: fmt.Sprint(choice)}, course); err != nil {
				t.Fatal(err)
			}
		}
		replies = later
		clock.set(tick)
		var wg sync.WaitGroup
		errs := make([]error, len(dbs))
		for i, d := range dbs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = d.RunReminders(ctx, course, opt)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("pass at %s: %v", tick, err)
			}
		}
		var rows []bulkRow
		if err := store.SelectForTest(ctx, db, &rows, `
SELECT o.id, o.to_address, o.text, o.next_attempt_at, coalesce(l.village_code, '') AS village_code,
       l.opted_out_at IS NOT NULL AS opted_out
FROM outbox o JOIN learners l ON l.id = o.learner_id
WHERE o.priority = 1 AND o.id > $1 ORDER BY o.id`, lastID); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			lastID = r.ID
			all = append(all, r)
			day := int(r.Due.Sub(simStart) / (24 * time.Hour))
			kind := "nudge"
			if strings.Contains(r.Text, "Ulasan") {
				kind = "review"
			}
			got[r.Phone] = append(got[r.Phone], fmt.Sprintf("d%d %s", day, kind))
			replies = append(replies, reply{at: tick.Add(30 * time.Minute), phone: r.Phone})
		}
	}
	return got, all
}

func checkSimulation(t *testing.T, db *store.DB, got simResult, rows []bulkRow) {
	t.Helper()
	for _, l := range simPopulation() {
		if !slices.Equal(got[l.phone], l.want) {
			t.Errorf("%s: sent %q, want %q", l.name, got[l.phone], l.want)
		}
	}
	perDay := map[string]int{}
	for _, r := range rows {
		offset := 7 * time.Hour
		switch {
		case strings.HasPrefix(r.Village, "52"):
			offset = 8 * time.Hour
		case strings.HasPrefix(r.Village, "94"):
			offset = 9 * time.Hour
		}
		local := r.Due.In(time.FixedZone("", int(offset/time.Second)))
		if h := local.Hour(); h < 8 || h >= 20 {
			t.Errorf("%s: bulk row %d due at %s local, in quiet hours", r.Phone, r.ID, local)
		}
		key := r.Phone + local.Format(time.DateOnly)
		if perDay[key]++; perDay[key] > 1 {
			t.Errorf("%s: two bot-initiated messages on %s", r.Phone, local.Format(time.DateOnly))
		}
		if r.OptOut {
			t.Errorf("%s: bulk row %d to an opted-out learner: %q", r.Phone, r.ID, r.Text)
		}
	}
	zones := map[string]bool{}
	for _, r := range rows {
		zones[r.Village[:2]] = true
	}
	if len(zones) != 3 {
		t.Errorf("bulk rows reached zones %v, want all three", zones)
	}
	// Two right answers in a row retired the items of the finisher, the
	// reviewer and the late reviewer; the staller's, the pauser's and the
	// opted-out learner's item were never asked and wait, and so does the
	// ignorer's, after three unanswered.
	if n := count(t, db, `SELECT count(*) FROM review_items ri JOIN learners l ON l.id = ri.learner_id
WHERE ri.retired_at IS NOT NULL AND l.phone IN ('+6281300000001', '+6281300000002', '+6281300000008')`); n != 3 {
		t.Errorf("%d items retired, want 3", n)
	}
	if n := count(t, db, `SELECT count(*) FROM review_items WHERE retired_at IS NULL`); n != 4 {
		t.Errorf("%d items live, want 4", n)
	}
	if n := count(t, db, `SELECT count(*) FROM review_answers`); n != 7 {
		t.Errorf("%d review answers, want 7", n)
	}
	// Review answers never entered quiz answers: each learner answered
	// each quiz question once.
	if n := count(t, db, `SELECT count(*) FROM (SELECT 1 FROM answers GROUP BY learner_id, quiz_id, question_id HAVING count(*) > 1) d`); n != 0 {
		t.Errorf("%d quiz questions answered twice", n)
	}
}

func TestReminderSimulation(t *testing.T) {
	url := pgtest.URL(t)
	got, rows := simulate(t, url, 1)
	db, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkSimulation(t, db, got, rows)
	sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
}

// Two schedulers on one database, passing at the same moments, send
// exactly what one sends.
func TestTwoSchedulersSendWhatOneWould(t *testing.T) {
	url := pgtest.URL(t)
	got, rows := simulate(t, url, 2)
	db, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkSimulation(t, db, got, rows)
}
