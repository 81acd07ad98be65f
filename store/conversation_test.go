package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

func testCourse(t testing.TB) *lessons.Course {
	t.Helper()
	c, err := lessons.BundledDefault()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func seedRegions(t testing.TB, db *store.DB) {
	t.Helper()
	_, err := db.ImportRegions(context.Background(), []region.Region{
		{Code: "32", Name: "Jawa Barat"}, {Code: "32.04", Name: "Kabupaten Bandung"},
		{Code: "32.04.05", Name: "Cileunyi"}, {Code: "32.04.05.2001", Name: "Cileunyi Kulon"},
	}, "test")
	if err != nil {
		t.Fatal(err)
	}
}

// say sends one message and fails the test on error.
func say(t testing.TB, db *store.DB, course *lessons.Course, phone, id, text string) store.Handled {
	t.Helper()
	h, err := db.HandleInbound(context.Background(), store.Inbound{Channel: bot.WhatsApp, ProviderID: id, Phone: phone, Text: text}, course)
	if err != nil {
		t.Fatalf("%s %q: %v", phone, text, err)
	}
	return h
}

// register walks a learner through registration up to the first pretest
// question.
func register(t testing.TB, db *store.DB, course *lessons.Course, phone string) {
	t.Helper()
	for i, text := range []string{"halo", "Siti Aminah", "3204052001", "1", "3"} {
		say(t, db, course, phone, fmt.Sprintf("%s-reg-%d", phone, i), text)
	}
}

func count(t testing.TB, db *store.DB, query string, args ...any) int {
	t.Helper()
	n, err := store.CountForTest(context.Background(), db, query, args...)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDuplicateDeliveryChangesNothing(t *testing.T) {
	db := pgtest.New(t)
	seedRegions(t, db)
	course := testCourse(t)
	const phone = "+6281200000001"
	register(t, db, course, phone)
	outboxBefore := count(t, db, "SELECT count(*) FROM outbox")

	first := say(t, db, course, phone, "wamid-1", "2")
	if first.Duplicate || len(first.Replies) == 0 {
		t.Fatalf("first delivery: %+v", first)
	}
	again := say(t, db, course, phone, "wamid-1", "2")
	if !again.Duplicate || len(again.Replies) != 0 {
		t.Fatalf("second delivery was applied: %+v", again)
	}
	if n := count(t, db, "SELECT count(*) FROM answers"); n != 1 {
		t.Errorf("%d answers recorded; want 1", n)
	}
	if n := count(t, db, "SELECT count(*) FROM outbox"); n != outboxBefore+len(first.Replies) {
		t.Errorf("outbox grew to %d; want %d", n, outboxBefore+len(first.Replies))
	}
	if n := count(t, db, "SELECT count(*) FROM inbound_messages WHERE provider_id = 'wamid-1'"); n != 1 {
		t.Errorf("%d inbound rows; want 1", n)
	}
}

// Concurrent messages of one learner are applied one after another: each
// sees the state the previous one left, so eight answers fill eight
// different questions and none is lost or scored twice.
func TestConcurrentMessagesOfOneLearner(t *testing.T) {
	db := pgtest.New(t)
	seedRegions(t, db)
	course := testCourse(t)
	const phone = "+6281200000002"
	register(t, db, course, phone)
	const n = 8
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { say(t, db, course, phone, fmt.Sprintf("c-%d", i), "1") })
	}
	wg.Wait()
	if got := count(t, db, "SELECT count(*) FROM answers"); got != n {
		t.Errorf("%d answers; want %d", got, n)
	}
	if got := count(t, db, "SELECT count(DISTINCT (quiz_id, question_id)) FROM answers"); got != n {
		t.Errorf("%d distinct questions answered; want %d", got, n)
	}
	pre := len(course.Pretest)
	if got := count(t, db, "SELECT count(*) FROM answers WHERE quiz_id = 'pretest'"); got != pre {
		t.Errorf("%d pretest answers; want %d", got, pre)
	}
	// Replies are numbered in the order their transactions committed.
	if got := count(t, db, `SELECT count(*) FROM (SELECT in_reply_to, min(id) AS lo, max(id) AS hi FROM outbox GROUP BY in_reply_to) a
		JOIN (SELECT in_reply_to, min(id) AS lo, max(id) AS hi FROM outbox GROUP BY in_reply_to) b
		ON a.in_reply_to < b.in_reply_to AND a.hi > b.lo`); got != 0 {
		t.Errorf("%d pairs of replies interleave", got)
	}
}

func TestManyLearnersInParallel(t *testing.T) {
	db := pgtest.New(t)
	seedRegions(t, db)
	course := testCourse(t)
	const learners = 40
	var wg sync.WaitGroup
	for i := range learners {
		wg.Go(func() { register(t, db, course, fmt.Sprintf("+62812300%05d", i)) })
	}
	wg.Wait()
	if got := count(t, db, "SELECT count(*) FROM learners WHERE registered_at IS NOT NULL AND role = 'Kaur Keuangan' AND village_code = '32.04.05.2001'"); got != learners {
		t.Errorf("%d learners registered; want %d", got, learners)
	}
	if got := count(t, db, "SELECT count(*) FROM enrolments WHERE stage = 'pretest' AND question_id = 'pre-1'"); got != learners {
		t.Errorf("%d learners waiting on the first pretest question; want %d", got, learners)
	}
}

func TestStateSurvivesInColumnsPeopleCanRead(t *testing.T) {
	db := pgtest.New(t)
	seedRegions(t, db)
	course := testCourse(t)
	const phone = "+6281200000003"
	register(t, db, course, phone)
	for i := range len(course.Pretest) {
		say(t, db, course, phone, fmt.Sprintf("p-%d", i), "1")
	}
	first := course.Lessons()[0]
	if got := count(t, db, "SELECT count(*) FROM enrolments WHERE stage = 'lesson' AND lesson_id = $1 AND question_id = $2 AND pretest_score IS NOT NULL",
		first.ID, first.Quiz[0].ID); got != 1 {
		t.Errorf("enrolment row does not show lesson %s, question %s", first.ID, first.Quiz[0].ID)
	}
	h := say(t, db, course, phone, "stop", "BERHENTI")
	if len(h.Replies) != 1 || count(t, db, "SELECT count(*) FROM learners WHERE opted_out_at IS NOT NULL") != 1 {
		t.Fatalf("opt-out: %+v", h)
	}
	if h := say(t, db, course, phone, "after-stop", "halo"); len(h.Replies) != 0 {
		t.Fatalf("an opted-out learner got %d replies", len(h.Replies))
	}
	if h := say(t, db, course, phone, "back", "MULAI"); len(h.Replies) == 0 || count(t, db, "SELECT count(*) FROM learners WHERE opted_out_at IS NULL") != 1 {
		t.Fatalf("opt-in: %+v", h)
	}
}
