package bot

import (
	"fmt"
	"strconv"
	"time"

	"github.com/pamong-desa/pamong/lessons"
)

// PlayLesson replays lesson i (0-based, in course order) through the
// engine and the renderer, as a registered learner who has done the
// lessons before it would take it: LANJUT, then the quiz, every answer
// right except the one at index wrong (-1: none). It returns every message
// sent, rendered for ch, in order: what a lesson costs on SMS and what it
// puts on a WhatsApp screen, as `pamong lessons check` reports. The error
// tells that the engine did not walk the lesson as expected.
func PlayLesson(course *lessons.Course, i int, ch Channel, wrong int) ([]Rendered, error) {
	all := course.Lessons()
	if i < 0 || i >= len(all) {
		return nil, fmt.Errorf("play lesson %d: the course has %d lessons", i+1, len(all))
	}
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	p := &Progress{CourseID: course.ID, BestPosttest: -1, Scores: map[string]Score{}}
	if len(course.Pretest) > 0 {
		p.Scores[Pretest] = Score{Total: len(course.Pretest), Attempt: 1}
	}
	for _, done := range all[:i] {
		p.LessonsDone = append(p.LessonsDone, done.ID)
		p.Scores[done.ID] = Score{Correct: len(done.Quiz), Total: len(done.Quiz), Attempt: 1}
	}
	st := State{
		Learner:      Learner{Phone: "+620000000000", Name: "Peserta", Role: "Kepala Desa", Channel: ch, Registered: true},
		Conversation: Conversation{LastSeen: now},
		Progress:     p,
	}
	var sent []Rendered
	step := func(text string) {
		now = now.Add(time.Minute)
		out := Step(st, Input{Text: text, Channel: ch, Now: now, RegionsKnown: true}, course)
		st = out.State
		sent = append(sent, Render(ch, out.Messages)...)
	}
	l := all[i]
	step("LANJUT")
	for j, q := range l.Quiz {
		if st.Progress == nil || st.Progress.QuestionID != q.ID {
			return sent, fmt.Errorf("play lesson %s: expected question %s, the engine asks something else", l.ID, q.ID)
		}
		answer := q.Answer
		if j == wrong {
			answer = q.Answer%len(q.Options) + 1
		}
		step(strconv.Itoa(answer))
	}
	if st.Conversation.Stage != StageLessonEnd {
		return sent, fmt.Errorf("play lesson %s: the quiz did not end the lesson", l.ID)
	}
	return sent, nil
}
