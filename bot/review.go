package bot

import (
	"fmt"
	"time"

	"github.com/pamong-desa/pamong/lessons"
)

// Spaced review: every quiz or post-test question answered wrong comes back
// in a Leitner schedule. Trials of spaced education re-ask a wrong question
// after days and retire it after two right answers in a row; the boxes
// below are that schedule in whole days.

// ReviewBoxes are the days after which an item in box 1, 2, 3, 4 is due.
var ReviewBoxes = [...]int{1, 3, 7, 21}

// RetireAfter is how many right answers in a row retire an item.
const RetireAfter = 2

// ReviewItem is one question in a learner's review schedule.
type ReviewItem struct {
	QuizID, QuestionID string
	// Box is 1..len(ReviewBoxes).
	Box int
	Due time.Time
	// Streak counts right answers in a row.
	Streak  int
	Retired bool
}

// NewReviewItem puts a question answered wrong at now into box 1.
func NewReviewItem(quizID, questionID string, now time.Time) ReviewItem {
	return ReviewItem{QuizID: quizID, QuestionID: questionID, Box: 1, Due: now.AddDate(0, 0, ReviewBoxes[0])}
}

// Answered moves an item after a review answer: a right one a box up (and
// two in a row retire it), a wrong one back to box 1. It is also what a
// wrong answer in a quiz does to an item already scheduled.
func (r ReviewItem) Answered(correct bool, now time.Time) ReviewItem {
	if !correct {
		r.Box, r.Streak, r.Retired = 1, 0, false
		r.Due = now.AddDate(0, 0, ReviewBoxes[0])
		return r
	}
	r.Streak++
	r.Box = min(r.Box+1, len(ReviewBoxes))
	r.Due = now.AddDate(0, 0, ReviewBoxes[r.Box-1])
	r.Retired = r.Streak >= RetireAfter
	return r
}

// ReviewQuiet is how long after the learner's last message a review
// question waits: it must never cut into a conversation.
const ReviewQuiet = time.Hour

// PendingReview is a review question waiting for an answer.
type PendingReview struct {
	QuizID     string    `json:"quiz_id"`
	QuestionID string    `json:"question_id"`
	AskedAt    time.Time `json:"asked_at"`
}

// Reviews to a learner who does not answer. The issue wants finished
// learners reviewed until their items retire, so one unanswered review
// must not end them; the opt-out evidence (10 or more texts a year make
// people opt out) and the ban risk of bot-initiated WhatsApp messages say
// an ignored one must not come back daily either. So an unanswered review
// is followed by the next due item (often the same question again) only a
// week later, like the weekly nudge, and after three bot-initiated
// messages in a row without an answer (the nudges' stop rule) nothing more
// goes until the learner writes: a learner who ignores everything gets at
// most three reviews, over two weeks.
const (
	// ReviewRetryDays is the gap after an unanswered bot-initiated message
	// before a review may follow it.
	ReviewRetryDays = 7
	// ReviewMaxUnanswered is how many bot-initiated messages in a row may
	// go unanswered before reviews stop.
	ReviewMaxUnanswered = NudgeMax
)

// ReviewHistory is what was sent since the learner last wrote.
type ReviewHistory struct {
	// Unanswered counts bot-initiated messages (nudges and reviews) since
	// the learner last wrote.
	Unanswered int
	// Last is when the last of them was sent.
	Last time.Time
}

// CanReview tells whether a review question may be sent to this learner
// now: registered, not opted out or paused, not in the middle of a quiz,
// quiet for the last hour, and either nothing bot-initiated left
// unanswered since they last wrote or fewer than ReviewMaxUnanswered of
// them, the last one at least ReviewRetryDays ago.
func CanReview(st State, h ReviewHistory, now time.Time) bool {
	c := st.Conversation
	if !st.Learner.Registered || st.Learner.OptedOut || Paused(st, now) {
		return false
	}
	if h.Unanswered >= ReviewMaxUnanswered || (h.Unanswered > 0 && now.Before(h.Last.AddDate(0, 0, ReviewRetryDays))) {
		return false
	}
	if c.Stage == StageQuestion && st.Progress != nil && st.Progress.QuestionID != "" {
		return false
	}
	return c.LastSeen.IsZero() || now.Sub(c.LastSeen) >= ReviewQuiet
}

// AskReview makes question questionID of quiz quizID the learner's pending
// review question and returns the message that asks it. ok is false when
// the course no longer has the question.
func AskReview(st State, course *lessons.Course, quizID, questionID string, now time.Time) (State, Message, bool) {
	t := &turn{st: clone(st), course: course}
	q, _, ok := lessons.Find(t.quiz(quizID), questionID)
	if !ok || len(q.Options) == 0 {
		return st, Message{}, false
	}
	t.st.Conversation.Review = &PendingReview{QuizID: quizID, QuestionID: questionID, AskedAt: now}
	m := reviewMessage(q)
	// ULANG sends it again.
	t.st.Conversation.LastReply = []Message{m}
	return t.st, m, true
}

func reviewMessage(q lessons.Question) Message {
	return Message{Kind: KindQuestion, Title: "Ulasan: pertanyaan yang pernah Anda jawab", SMSTitle: "Ulasan",
		Text: q.Prompt, SMS: q.SMSPrompt, Options: q.Options, SMSOptions: q.SMSOptions,
		Footer: fmt.Sprintf("Balas 1-%d", len(q.Options))}
}

// ReviewAnswered is an answer to a review question. It is recorded apart
// from quiz answers and never changes a lesson or post-test score.
type ReviewAnswered struct {
	CourseID, QuizID, QuestionID string
	Choice                       int
	Correct                      bool
}

func (ReviewAnswered) event() {}

// reviewAnswer reads the inbound text as the answer to the pending review
// question, if it is one, and answers it. A message that is not an answer
// ends the review: a later "2" is read by the step the learner is in.
func (t *turn) reviewAnswer(kw Keyword) bool {
	r := t.st.Conversation.Review
	if r == nil {
		return false
	}
	t.st.Conversation.Review = nil
	if kw != KeyNone || t.st.Progress == nil {
		return false
	}
	q, _, ok := lessons.Find(t.quiz(r.QuizID), r.QuestionID)
	if !ok {
		return false
	}
	choice, ok := ParseAnswer(t.in.Text, q.Options, q.SMSOptions)
	if !ok || !InRange(choice, len(q.Options)) {
		return false
	}
	correct := choice == q.Answer
	t.emit(ReviewAnswered{CourseID: t.st.Progress.CourseID, QuizID: r.QuizID, QuestionID: r.QuestionID,
		Choice: choice, Correct: correct})
	t.feedback(q, correct)
	t.text(msgAfterReview)
	return true
}
