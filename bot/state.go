// Package bot is Pamong's conversation engine: a pure function from
// (learner state, inbound text, course, clock) to (new state, outbound
// messages, events). It does no I/O; the store runs it inside the
// transaction that persists its result, and the channels deliver what it
// says. Its behaviour is pinned by the golden transcripts in testdata/.
package bot

import "time"

// Channel is how a message travels.
type Channel string

// The channels Pamong speaks.
const (
	WhatsApp Channel = "whatsapp"
	SMS      Channel = "sms"
)

// ResumeAfter is the silence after which a learner's next message is met
// with a reminder of where they are: people vanish for a week and come back.
const ResumeAfter = time.Hour

// State is everything the engine knows about one learner between messages.
type State struct {
	Learner      Learner      `json:"learner"`
	Conversation Conversation `json:"conversation"`
	// Progress is the learner's place in the course; nil before it starts.
	Progress *Progress `json:"progress,omitempty"`
}

// Learner is the official's profile.
type Learner struct {
	Phone string `json:"phone"`
	Name  string `json:"name,omitempty"`
	Role  string `json:"role,omitempty"`
	// RoleTitle is the regional name the official gave for Role ("Kuwu"
	// for Kepala Desa), kept as they wrote it.
	RoleTitle   string  `json:"role_title,omitempty"`
	VillageCode string  `json:"village_code,omitempty"`
	Channel     Channel `json:"channel,omitempty"`
	Registered  bool    `json:"registered,omitempty"`
	OptedOut    bool    `json:"opted_out,omitempty"`
}

// Step names where the conversation waits; each has a handler in steps.
type Stage string

// The steps of a conversation.
const (
	StageNew            Stage = ""
	StageAskName        Stage = "ask_name"
	StageAskVillage     Stage = "ask_village"
	StageConfirmVillage Stage = "confirm_village"
	// StageChooseVillage waits for a number from Conversation.Choices.
	StageChooseVillage Stage = "choose_village"
	// StageConfirmKelurahan asks whether an official of a kelurahan
	// (which has no Kepala Desa, BPD or APB Desa) wants the course anyway.
	StageConfirmKelurahan Stage = "confirm_kelurahan"
	StageAskRole          Stage = "ask_role"
	// StageQuestion waits for the answer to Progress.QuestionID.
	StageQuestion Stage = "question"
	// StageLessonEnd waits for "next lesson", "retry the quiz" or "read
	// the cards again".
	StageLessonEnd Stage = "lesson_end"
	// StageCourseEnd follows the post-test: retake it, or re-read the
	// lessons behind wrong answers (Progress.Review).
	StageCourseEnd Stage = "course_end"
)

// Conversation is the part of the state that is about talking, not about
// the course.
type Conversation struct {
	Stage Stage `json:"stage"`
	// Village is the code waiting for the learner's confirmation.
	Village string `json:"village,omitempty"`
	// VillageLabel is how the village was named in the question.
	VillageLabel string `json:"village_label,omitempty"`
	// Choices are the villages or kecamatan of the list last shown, so that
	// "2" picks the second.
	Choices []Choice `json:"choices,omitempty"`
	// LastReply is what ULANG sends again.
	LastReply []Message `json:"last_reply,omitempty"`
	// LastSeen is when the learner last wrote.
	LastSeen time.Time `json:"last_seen,omitzero"`
	// Review is the review question waiting for an answer (review.go).
	Review *PendingReview `json:"review,omitempty"`
	// PausedUntil holds reminders and reviews back (JEDA, pause.go).
	PausedUntil time.Time `json:"paused_until,omitzero"`
}

// Choice is one entry of a numbered list of places.
type Choice struct {
	// Code is a village code, or a kecamatan code whose villages are listed
	// next.
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Quiz ids that are not lesson ids.
const (
	Pretest  = "pretest"
	Posttest = "posttest"
)

// Progress is a learner's place in one course, by ids.
type Progress struct {
	CourseID string `json:"course_id"`
	// LessonID is the current lesson ("" during the pretest).
	LessonID string `json:"lesson_id,omitempty"`
	// QuizID is the quiz being taken: Pretest, Posttest or a lesson id.
	QuizID string `json:"quiz_id,omitempty"`
	// QuestionID is the question waiting for an answer.
	QuestionID string `json:"question_id,omitempty"`
	// Attempt counts attempts at QuizID, from 1.
	Attempt int `json:"attempt,omitempty"`
	// Answers of the attempt in progress.
	Answers []Answered `json:"answers,omitempty"`
	// Scores holds the last finished attempt of each quiz.
	Scores map[string]Score `json:"scores,omitempty"`
	// Best holds the best finished attempt of each quiz: a retake that goes
	// worse never lowers what a learner has shown they know.
	Best        map[string]Score `json:"best,omitempty"`
	LessonsDone []string         `json:"lessons_done,omitempty"`
	Completed   bool             `json:"completed,omitempty"`
	Passed      bool             `json:"passed,omitempty"`
	// BestPosttest is the best post-test score in percent, -1 before any.
	BestPosttest int `json:"best_posttest"`
	// Review are the lessons behind the wrong answers of the last
	// post-test, in course order: what to read again before a retake.
	Review []string `json:"review,omitempty"`
}

// Answered is one answer in the attempt in progress.
type Answered struct {
	QuestionID string `json:"question_id"`
	Correct    bool   `json:"correct"`
}

// Score is the result of one attempt at a quiz.
type Score struct {
	Correct int `json:"correct"`
	Total   int `json:"total"`
	Attempt int `json:"attempt"`
}

// better tells whether s is a better result than o.
func (s Score) better(o Score) bool {
	if s.Percent() != o.Percent() {
		return s.Percent() > o.Percent()
	}
	return s.Correct > o.Correct
}

// best is the best finished attempt at a quiz; a state written before
// best attempts were kept knows only the last one.
func (p *Progress) best(quiz string) (Score, bool) {
	b, okB := p.Best[quiz]
	last, okL := p.Scores[quiz]
	switch {
	case !okB:
		return last, okL
	case okL && last.better(b):
		return last, true
	}
	return b, true
}

// Percent is the score out of 100, rounded.
func (s Score) Percent() int {
	if s.Total == 0 {
		return 0
	}
	return (200*s.Correct + s.Total) / (2 * s.Total)
}

func (p *Progress) answered(questionID string) bool {
	for _, a := range p.Answers {
		if a.QuestionID == questionID {
			return true
		}
	}
	return false
}

func (p *Progress) lessonDone(id string) bool {
	for _, l := range p.LessonsDone {
		if l == id {
			return true
		}
	}
	return false
}

// Status is the course status admins filter on.
func (p *Progress) Status() string {
	switch {
	case p == nil:
		return "not_started"
	case p.Completed:
		return "completed"
	}
	return "in_progress"
}
