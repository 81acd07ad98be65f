package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/store"
)

// benchNow is 15:00 WIB, inside everyone's window and past their usual
// hour.
var benchNow = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// seedReminderBench writes 80,000 learners (every fifth idle for 3 days in
// the middle of a quiz, the others at a lesson end and last seen 25 hours
// ago) and 200,000 review items, about half of them due.
func seedReminderBench(b *testing.B, db *store.DB) {
	b.Helper()
	ctx := context.Background()
	for _, q := range []string{`
INSERT INTO learners (phone, name, role, village_code, registered_at, source, conversation, last_inbound_at, created_at, updated_at)
SELECT '+62813' || lpad(i::text, 8, '0'), 'Pejabat ' || i, 'Kaur Keuangan', '32.04.05.2001', $1::timestamptz - interval '30 days', 'chat',
       CASE WHEN i % 5 = 0 THEN '{"stage":"question"}' ELSE '{"stage":"lesson_end"}' END::jsonb,
       CASE WHEN i % 5 = 0 THEN $1::timestamptz - interval '3 days' ELSE $1::timestamptz - interval '25 hours' END,
       $1::timestamptz - interval '30 days', $1::timestamptz - interval '30 days'
FROM generate_series(1, 80000) i`, `
INSERT INTO enrolments (learner_id, course_id, stage, lesson_id, quiz_id, question_id, attempt, lessons_done, detail)
SELECT id, 'dasar-pamong', CASE WHEN id % 5 = 0 THEN 'lesson' ELSE 'lesson_end' END, 'l2-bpd-musdes',
       CASE WHEN id % 5 = 0 THEN 'l2-bpd-musdes' ELSE '' END, CASE WHEN id % 5 = 0 THEN 'l2-q1' ELSE '' END, 1, 1,
       '{"lessons_done":["l1-uu-desa"],"best_posttest":-1}'
FROM learners WHERE $1::timestamptz IS NOT NULL`, `
INSERT INTO review_items (learner_id, course_id, quiz_id, question_id, box, streak, due_at, created_at, updated_at)
SELECT l.id, 'dasar-pamong', 'l1-uu-desa', 'l1-q' || k, 1 + (l.id + k) % 4, 0,
       $1::timestamptz + ((l.id * k) % 10 - 5) * interval '1 day', $1::timestamptz, $1::timestamptz
FROM learners l, generate_series(1, 3) k
WHERE k < 3 OR l.id % 2 = 0`} {
		if _, err := store.ExecForTest(ctx, db, q, benchNow); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := store.ExecForTest(ctx, db, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	if n := count(b, db, `SELECT count(*) FROM review_items`); n != 200000 {
		b.Fatalf("%d review items, want 200000", n)
	}
}

// BenchmarkReminderPass measures the scheduler over 80,000 learners and
// 200,000 review items: "first" is one pass of the day's first sweep (a
// window of store.ReminderBatch learners, every one of them due); "day"
// is that whole sweep, which decides for all 72,000 due learners and
// queues their messages; "again" is every later sweep that day, which
// finds the days taken.
func BenchmarkReminderPass(b *testing.B) {
	db := pgtest.New(b)
	db.SetClock(func() time.Time { return benchNow })
	seedReminderBench(b, db)
	course := testCourse(b)
	ctx := context.Background()
	opt := store.ReminderOptions{Nudges: true, Reviews: true}
	reset := func() {
		for _, q := range []string{`DELETE FROM reminders`, `DELETE FROM outbox`} {
			if _, err := store.ExecForTest(ctx, db, q); err != nil {
				b.Fatal(err)
			}
		}
	}
	// sweep runs passes until none is left, as the scheduler does.
	sweep := func() (sum store.ReminderPass, passes int) {
		o := opt
		for {
			res, err := db.RunReminders(ctx, course, o)
			if err != nil {
				b.Fatal(err)
			}
			passes++
			sum.Nudges, sum.Reviews, sum.Messages = sum.Nudges+res.Nudges, sum.Reviews+res.Reviews, sum.Messages+res.Messages
			sum.Mismatched += res.Mismatched
			if !res.More {
				return sum, passes
			}
			o.After = res.Next
		}
	}
	b.Run("first", func(b *testing.B) {
		var res store.ReminderPass
		for range b.N {
			b.StopTimer()
			reset()
			b.StartTimer()
			var err error
			if res, err = db.RunReminders(ctx, course, opt); err != nil {
				b.Fatal(err)
			}
		}
		if res.Nudges+res.Reviews != store.ReminderBatch*9/10 || res.Mismatched != 0 {
			b.Fatalf("first pass %+v, want %d decisions", res, store.ReminderBatch*9/10)
		}
		b.ReportMetric(float64(res.Nudges), "nudges")
		b.ReportMetric(float64(res.Reviews), "reviews")
	})
	b.Run("day", func(b *testing.B) {
		var sum store.ReminderPass
		var passes int
		for range b.N {
			b.StopTimer()
			reset()
			b.StartTimer()
			sum, passes = sweep()
		}
		if sum.Nudges != 16000 || sum.Reviews != 56000 || sum.Mismatched != 0 {
			b.Fatalf("the day's sweep sent %+v, want 16000 nudges and 56000 reviews", sum)
		}
		b.ReportMetric(float64(sum.Nudges), "nudges")
		b.ReportMetric(float64(sum.Reviews), "reviews")
		b.ReportMetric(float64(passes), "passes")
	})
	b.Run("again", func(b *testing.B) {
		for range b.N {
			if sum, _ := sweep(); sum.Nudges+sum.Reviews != 0 {
				b.Fatalf("a second sweep the same day sent %+v", sum)
			}
		}
	})
}
