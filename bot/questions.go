package bot

import (
	"fmt"

	"github.com/pamong-desa/pamong/lessons"
)

// passOn keeps a message the learner wrote to a person (a question about
// the lesson, a complaint) for the admins, tells the learner so, and shows
// again what was waiting for an answer.
func (t *turn) passOn() {
	p := t.st.Progress
	q := LearnerQuestion{Text: t.in.Text, Context: t.where()}
	if p != nil {
		q.CourseID = p.CourseID
		if t.st.Conversation.Stage == StageQuestion {
			q.QuizID, q.QuestionID = p.QuizID, p.QuestionID
			if pending, _, ok := lessons.Find(t.quiz(p.QuizID), p.QuestionID); ok {
				q.Context = fmt.Sprintf("%s: %s", q.Context, pending.Prompt)
			}
		}
	}
	t.emit(q)
	t.text(msgPassedOn)
	t.resume()
}
