package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/lessons"
)

// A learner waiting on a question or lesson that an author removed carries
// on from the next one instead of getting stuck (lessons/README.md).
func TestCourseEditedUnderALearner(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	base := testCourse(t)
	waitingOn := func(quiz, question string, answered ...string) State {
		p := &Progress{CourseID: base.ID, LessonID: quiz, QuizID: quiz, QuestionID: question, Attempt: 1,
			Scores: map[string]Score{Pretest: {Correct: 1, Total: 2, Attempt: 1}}, BestPosttest: -1}
		for _, a := range answered {
			p.Answers = append(p.Answers, Answered{QuestionID: a, Correct: true})
		}
		return State{
			Learner:      Learner{Phone: "+6281200000001", Name: "Siti", Role: "Kaur Keuangan", VillageCode: "32.04.05.2001", Registered: true},
			Conversation: Conversation{Stage: StageQuestion, LastSeen: now.Add(-time.Minute)},
			Progress:     p,
		}
	}
	withoutQuestion := func(id string) *lessons.Course {
		c := *base
		c.Modules = []lessons.Module{{ID: "m1", Title: "M", Lessons: append([]lessons.Lesson(nil), base.Modules[0].Lessons...)}}
		for i, l := range c.Modules[0].Lessons {
			var kept []lessons.Question
			for _, q := range l.Quiz {
				if q.ID != id {
					kept = append(kept, q)
				}
			}
			c.Modules[0].Lessons[i].Quiz = kept
		}
		return &c
	}
	withoutLesson := func(id string) *lessons.Course {
		c := *base
		var kept []lessons.Lesson
		for _, l := range base.Lessons() {
			if l.ID != id {
				kept = append(kept, l)
			}
		}
		c.Modules = []lessons.Module{{ID: "m1", Title: "M", Lessons: kept}}
		return &c
	}
	tests := []struct {
		name         string
		st           State
		course       *lessons.Course
		wantQuestion string
		wantStage    Stage
		wantText     string
	}{
		{"pending question removed", waitingOn("l1", "l1-q1"), withoutQuestion("l1-q1"), "l1-q2", StageQuestion, "Apa arti akuntabel?"},
		{"last question removed", waitingOn("l1", "l1-q2", "l1-q1"), withoutQuestion("l1-q2"), "", StageLessonEnd, "Pelajaran 1 selesai"},
		{"lesson removed", waitingOn("l1", "l1-q2", "l1-q1"), withoutLesson("l1"), "l2-q1", StageQuestion, "Peran Kaur Keuangan"},
		{"unchanged", waitingOn("l1", "l1-q1"), base, "l1-q2", StageQuestion, "Benar!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := Step(tt.st, Input{Text: "2", Channel: WhatsApp, Now: now}, tt.course)
			var all []string
			for _, r := range Render(WhatsApp, out.Messages) {
				all = append(all, r.Text)
			}
			text := strings.Join(all, "\n")
			if got := out.State.Progress.QuestionID; got != tt.wantQuestion || out.State.Conversation.Stage != tt.wantStage {
				t.Errorf("now at %q (%s); want %q (%s)\n%s", got, out.State.Conversation.Stage, tt.wantQuestion, tt.wantStage, text)
			}
			if !strings.Contains(text, tt.wantText) {
				t.Errorf("reply lacks %q:\n%s", tt.wantText, text)
			}
			for _, e := range out.Events {
				if _, ok := e.(AnswerRecorded); ok && tt.course != base {
					t.Errorf("an answer to a question the learner never saw was scored: %+v", e)
				}
			}
		})
	}
}

// A registered learner whose progress is missing (the served course was
// switched) or whose stage was lost is carried on, never started over as a
// stranger, and nothing panics.
func TestLostPlaceIsRecovered(t *testing.T) {
	course := testCourse(t)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	known := Learner{Phone: "+6281200000001", Name: "Siti", Role: "Kaur Keuangan", VillageCode: "32.04.05.2001", Registered: true}
	for _, stage := range []Stage{StageQuestion, StageLessonEnd, StageCourseEnd, StageNew} {
		for _, text := range []string{"2", "LANJUT", "NILAI", "halo"} {
			out := Step(State{Learner: known, Conversation: Conversation{Stage: stage}}, Input{Text: text, Channel: WhatsApp, Now: now}, course)
			if out.State.Progress == nil || out.State.Progress.CourseID != course.ID {
				t.Errorf("stage %q, %q: no progress in the course afterwards", stage, text)
			}
			for _, m := range out.Messages {
				if strings.Contains(m.Text, "nama lengkap") {
					t.Errorf("stage %q, %q: a registered learner was asked their name", stage, text)
				}
			}
		}
	}
	p := &Progress{CourseID: course.ID, LessonsDone: []string{"l1"}, Scores: map[string]Score{"l1": {Correct: 2, Total: 2, Attempt: 1}}, BestPosttest: 80}
	out := Step(State{Learner: known, Conversation: Conversation{Stage: StageNew}, Progress: p}, Input{Text: "halo", Channel: WhatsApp, Now: now}, course)
	if out.State.Progress.BestPosttest != 80 || len(out.State.Progress.LessonsDone) != 1 {
		t.Errorf("a lost stage wiped progress: %+v", out.State.Progress)
	}
}
