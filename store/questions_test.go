package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/region"
)

// A sentence written in the middle of a quiz is kept for the admins of the
// learner's region, once however often the provider delivers it, and the
// learner sees the pending question again.
func TestLearnerQuestionsAreKeptInScope(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	seedRegions(t, db)
	course := testCourse(t)
	const phone = "+6281200000004"
	register(t, db, course, phone)
	const text = "Maaf pak saya kurang paham pertanyaannya, PKPKD itu apa?"
	h := say(t, db, course, phone, "q-1", text)
	var asked []bot.LearnerQuestion
	for _, e := range h.Events {
		if q, ok := e.(bot.LearnerQuestion); ok {
			asked = append(asked, q)
		}
	}
	if len(asked) != 1 || len(h.Replies) == 0 || !strings.Contains(h.Replies[len(h.Replies)-1].Text, course.Pretest[0].Prompt) {
		t.Fatalf("question not passed on with the pending question shown again: events %+v, replies %+v", h.Events, h.Replies)
	}
	if dup := say(t, db, course, phone, "q-1", text); !dup.Duplicate {
		t.Fatal("a second delivery was handled again")
	}

	for _, tt := range []struct {
		scope region.Code
		want  int
	}{{"", 1}, {"32", 1}, {"32.04.05.2001", 1}, {"32.04.05.2002", 0}, {"52", 0}} {
		qs, total, err := db.LearnerQuestions(ctx, tt.scope, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(qs) != tt.want || total != tt.want {
			t.Errorf("scope %q: %d questions (total %d); want %d", tt.scope, len(qs), total, tt.want)
			continue
		}
		if tt.want == 0 {
			continue
		}
		q := qs[0]
		if q.Text != text || q.Phone != phone || q.Name != "Siti Aminah" || q.VillageCode != "32.04.05.2001" ||
			q.CourseID != course.ID || q.QuizID != bot.Pretest || q.QuestionID != course.Pretest[0].ID ||
			!strings.Contains(q.Context, course.Pretest[0].Prompt) {
			t.Errorf("scope %q: %+v", tt.scope, q)
		}
	}
	for _, page := range []struct{ limit, offset, want int }{{1, 0, 1}, {10, 5, 0}, {10, 1, 0}} {
		if qs, total, err := db.LearnerQuestions(ctx, "", page.limit, page.offset); err != nil || len(qs) != page.want || total != 1 {
			t.Errorf("limit %d offset %d: %d questions, total %d, %v; want %d, total 1", page.limit, page.offset, len(qs), total, err, page.want)
		}
	}
}

// The best attempt of a lesson quiz survives the trip through the
// enrolment's detail document beside the latest.
func TestBestScoresSurvive(t *testing.T) {
	db := pgtest.New(t)
	seedRegions(t, db)
	course := testCourse(t)
	const phone = "+6281200000005"
	register(t, db, course, phone)
	n := 0
	answer := func(texts ...string) {
		for _, text := range texts {
			n++
			say(t, db, course, phone, fmt.Sprintf("a-%d", n), text)
		}
	}
	for range course.Pretest {
		answer("1")
	}
	first := course.Lessons()[0]
	var right, wrong []string
	for _, q := range first.Quiz {
		right = append(right, fmt.Sprint(q.Answer))
		wrong = append(wrong, fmt.Sprint(q.Answer%len(q.Options)+1))
	}
	answer(right...)
	answer("2") // the quiz again
	answer(wrong...)
	if got := count(t, db, `SELECT count(*) FROM enrolments
		WHERE (detail->'best'->$1->>'correct')::int = $2 AND (detail->'scores'->$1->>'correct')::int = 0`,
		first.ID, len(first.Quiz)); got != 1 {
		t.Errorf("after a worse retake the enrolment does not keep the best attempt of %s beside the latest", first.ID)
	}
}
