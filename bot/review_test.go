package bot

import (
	"testing"
	"time"
)

func TestReviewSchedule(t *testing.T) {
	day := func(n int) time.Time { return time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC).AddDate(0, 0, n) }
	tests := []struct {
		name    string
		answers []bool
		box     int
		dueDay  int // days after the last answer
		streak  int
		retired bool
	}{
		{"new item waits a day in box 1", nil, 1, 1, 0, false},
		{"right moves to box 2, three days", []bool{true}, 2, 3, 1, false},
		{"two right in a row retire", []bool{true, true}, 3, 7, 2, true},
		{"wrong goes back to box 1", []bool{true, false}, 1, 1, 0, false},
		{"right after wrong starts the streak again", []bool{true, false, true}, 2, 3, 1, false},
		{"wrong, wrong stays in box 1", []bool{false, false}, 1, 1, 0, false},
		{"right after a long climb retires at two", []bool{false, true, true}, 3, 7, 2, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			it := NewReviewItem("l1", "q1", day(0))
			last := 0
			for i, right := range tc.answers {
				last = i + 1
				it = it.Answered(right, day(last))
			}
			if it.Box != tc.box || it.Streak != tc.streak || it.Retired != tc.retired || !it.Due.Equal(day(last+tc.dueDay)) {
				t.Errorf("got box %d streak %d retired %v due %s; want box %d streak %d retired %v due %s",
					it.Box, it.Streak, it.Retired, it.Due, tc.box, tc.streak, tc.retired, day(last+tc.dueDay))
			}
		})
	}
}

func TestReviewBoxesClimb(t *testing.T) {
	// Without retirement (a wrong answer between each pair) the boxes run
	// 1, 3, 7, 21 days and stay at 21.
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	it := NewReviewItem("l1", "q1", now)
	for i, want := range []int{3, 7, 21, 21} {
		it.Streak = 0
		it = it.Answered(true, now)
		if got := int(it.Due.Sub(now).Hours() / 24); got != want {
			t.Errorf("step %d: due after %d days, want %d", i, got, want)
		}
	}
}

func TestCanReview(t *testing.T) {
	now := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	base := State{Learner: Learner{Registered: true},
		Conversation: Conversation{Stage: StageLessonEnd, LastSeen: now.Add(-2 * time.Hour)},
		Progress:     &Progress{CourseID: "uji"}}
	tests := []struct {
		name string
		edit func(*State)
		want bool
	}{
		{"quiet for two hours at a lesson end", func(*State) {}, true},
		{"wrote 30 minutes ago", func(s *State) { s.Conversation.LastSeen = now.Add(-30 * time.Minute) }, false},
		{"exactly an hour ago", func(s *State) { s.Conversation.LastSeen = now.Add(-time.Hour) }, true},
		{"in the middle of a quiz", func(s *State) {
			s.Conversation.Stage, s.Progress.QuestionID = StageQuestion, "q1"
		}, false},
		{"opted out", func(s *State) { s.Learner.OptedOut = true }, false},
		{"paused", func(s *State) { s.Conversation.PausedUntil = now.Add(time.Hour) }, false},
		{"pause over", func(s *State) { s.Conversation.PausedUntil = now }, true},
		{"not registered", func(s *State) { s.Learner.Registered = false }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := clone(base)
			tc.edit(&st)
			if got := CanReview(st, ReviewHistory{}, now); got != tc.want {
				t.Errorf("CanReview = %v, want %v", got, tc.want)
			}
		})
	}
}

// A learner who does not answer gets the next review a week after the last
// unanswered message, and nothing after three in a row.
func TestCanReviewAfterUnanswered(t *testing.T) {
	now := time.Date(2026, 1, 20, 9, 0, 0, 0, time.UTC)
	st := State{Learner: Learner{Registered: true},
		Conversation: Conversation{Stage: StageCourseEnd, LastSeen: now.AddDate(0, 0, -30)},
		Progress:     &Progress{CourseID: "uji", Completed: true}}
	tests := []struct {
		name string
		h    ReviewHistory
		want bool
	}{
		{"nothing unanswered", ReviewHistory{}, true},
		{"one unanswered, sent yesterday", ReviewHistory{Unanswered: 1, Last: now.AddDate(0, 0, -1)}, false},
		{"one unanswered, six days and 23 hours ago", ReviewHistory{Unanswered: 1, Last: now.AddDate(0, 0, -7).Add(time.Hour)}, false},
		{"one unanswered, a week ago", ReviewHistory{Unanswered: 1, Last: now.AddDate(0, 0, -7)}, true},
		{"two unanswered, a week ago", ReviewHistory{Unanswered: 2, Last: now.AddDate(0, 0, -7)}, true},
		{"three unanswered: stop", ReviewHistory{Unanswered: 3, Last: now.AddDate(0, 0, -30)}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CanReview(st, tc.h, now); got != tc.want {
				t.Errorf("CanReview(%+v) = %v, want %v", tc.h, got, tc.want)
			}
		})
	}
}

func TestReviewAnswerOnlyWhilePending(t *testing.T) {
	course := testCourse(t)
	now := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	st := State{Learner: Learner{Registered: true, Name: "Siti", Channel: WhatsApp},
		Conversation: Conversation{Stage: StageLessonEnd, LastSeen: now.Add(-48 * time.Hour)},
		Progress:     &Progress{CourseID: "uji", LessonID: "l1", LessonsDone: []string{"l1"}, BestPosttest: -1}}
	st, _, ok := AskReview(st, course, "l1", "l1-q1", now)
	if !ok || st.Conversation.Review == nil {
		t.Fatal("review not pending")
	}
	if _, _, ok := AskReview(st, course, "l1", "gone", now); ok {
		t.Error("a question the course lacks was asked")
	}
	// "halo" ends the review; the "2" after it is not a review answer.
	out := Step(st, Input{Text: "halo", Channel: WhatsApp, Now: now.Add(time.Minute)}, course)
	if out.State.Conversation.Review != nil {
		t.Error("review still pending after another message")
	}
	out = Step(out.State, Input{Text: "2", Channel: WhatsApp, Now: now.Add(2 * time.Minute)}, course)
	for _, e := range out.Events {
		if _, ok := e.(ReviewAnswered); ok {
			t.Errorf("late answer read as a review answer: %+v", e)
		}
	}
	// Review answers never touch quiz scores.
	st2, _, _ := AskReview(st, course, "l1", "l1-q1", now)
	before := st2.Progress.Scores
	out = Step(st2, Input{Text: "1", Channel: WhatsApp, Now: now.Add(time.Minute)}, course)
	if len(out.Events) != 1 {
		t.Fatalf("events %+v, want one review answer", out.Events)
	}
	if e, ok := out.Events[0].(ReviewAnswered); !ok || e.Correct || e.Choice != 1 {
		t.Errorf("event %+v, want a wrong review answer 1", out.Events[0])
	}
	if len(out.State.Progress.Scores) != len(before) || out.State.Conversation.Stage != StageLessonEnd {
		t.Errorf("a review answer changed the course: %+v", out.State)
	}
}
