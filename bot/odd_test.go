package bot

import (
	"strings"
	"testing"
	"time"
)

// Whatever a learner sends, in whatever step, the engine answers and does
// not panic.
func TestOddInputIsAnswered(t *testing.T) {
	course := testCourse(t)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	known := Learner{Phone: "+6281200000001", Name: "Siti", Role: "Kaur Keuangan", VillageCode: "32.04.05.2001", Registered: true}
	progress := func(quiz, question string) *Progress {
		return &Progress{CourseID: course.ID, LessonID: "l1", QuizID: quiz, QuestionID: question, Attempt: 1,
			LessonsDone: []string{"l1"}, Scores: map[string]Score{"l1": {Correct: 1, Total: 2, Attempt: 1}},
			Review: []string{"l1", "gone"}, BestPosttest: 50}
	}
	states := map[string]State{
		"pretest":    {Learner: known, Conversation: Conversation{Stage: StageQuestion}, Progress: progress(Pretest, "pre-1")},
		"lesson":     {Learner: known, Conversation: Conversation{Stage: StageQuestion}, Progress: progress("l1", "l1-q1")},
		"lesson end": {Learner: known, Conversation: Conversation{Stage: StageLessonEnd}, Progress: progress("l1", "")},
		"course end": {Learner: known, Conversation: Conversation{Stage: StageCourseEnd}, Progress: progress(Posttest, "")},
		"passed":     {Learner: known, Conversation: Conversation{Stage: StageCourseEnd}, Progress: &Progress{CourseID: course.ID, Completed: true, Passed: true, BestPosttest: 100}},
	}
	inputs := []string{"", " ", "\x00", "0", "00", "99", "MATERI 0", "materi 99999999999999999999", "baca -1",
		"materi ke 2", "🔟🔟", "٣٣٣", "０", "z", "?", "??", strings.Repeat("kata ", 2000), "ulangi", "Kep",
		"1 2 3 4", "jawaban", "no.", "materi materi"}
	for name, st := range states {
		for _, in := range inputs {
			out := Step(st, Input{Text: in, Channel: SMS, Now: now}, course)
			if len(out.Messages) == 0 {
				t.Errorf("%s, %q: no reply", name, in)
			}
			for _, r := range Render(SMS, out.Messages) {
				if r.Text == "" {
					t.Errorf("%s, %q: an empty SMS", name, in)
				}
			}
		}
	}
}
