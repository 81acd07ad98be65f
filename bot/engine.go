package bot

import (
	"maps"
	"slices"
	"time"

	"github.com/pamong-desa/pamong/lessons"
)

// turn is one step in progress: the state being changed and what has been
// decided so far.
type turn struct {
	st     State
	in     Input
	course *lessons.Course
	out    []Message
	events []Event
	// welcomed is set once "welcome back" has been said this turn.
	welcomed bool
}

func (t *turn) say(msgs ...Message) { t.out = append(t.out, msgs...) }
func (t *turn) text(s string)       { t.say(Message{Kind: KindText, Text: s}) }
func (t *turn) emit(e Event)        { t.events = append(t.events, e) }
func (t *turn) goTo(s Stage)        { t.st.Conversation.Stage = s }

// stepHandlers answer ordinary text (not a keyword) in each step.
var stepHandlers = map[Stage]func(*turn){
	StageNew:              stepNew,
	StageAskName:          stepAskName,
	StageAskVillage:       stepAskVillage,
	StageConfirmVillage:   stepConfirmVillage,
	StageChooseVillage:    stepChooseVillage,
	StageConfirmKelurahan: stepConfirmKelurahan,
	StageAskRole:          stepAskRole,
	StageQuestion:         stepQuestion,
	StageLessonEnd:        stepLessonEnd,
	StageCourseEnd:        stepCourseEnd,
}

// Step runs the conversation one inbound message forward. It never fails:
// whatever the learner sends, they get a short answer that moves them on
// (or, once they opted out, nothing).
func Step(st State, in Input, course *lessons.Course) Output {
	t := &turn{st: clone(st), in: in, course: course}
	if t.st.Learner.Channel == "" {
		t.st.Learner.Channel = in.Channel
	}
	gap := !st.Conversation.LastSeen.IsZero() && in.Now.Sub(st.Conversation.LastSeen) >= ResumeAfter
	t.st.Conversation.LastSeen = in.Now
	moved := t.fixPosition()
	if t.st.Learner.Registered && t.st.Progress == nil && t.st.Conversation.Stage != StageNew {
		// Waiting in a course this learner has no progress in (the served
		// course changed): start it rather than answer a question of
		// another course.
		t.goTo(StageNew)
	}

	kw := ParseKeyword(in.Text)
	if kw != KeyPause {
		// Writing at all shows they are back: the pause ends.
		t.st.Conversation.PausedUntil = time.Time{}
	}
	reviewed := !t.st.Learner.OptedOut && t.reviewAnswer(kw)
	if reviewed {
		gap = false
	}
	if gap && t.st.Learner.Registered && !t.st.Learner.OptedOut && kw != KeyStop && kw != KeyCheck {
		t.welcomeBack()
	}
	switch {
	case reviewed:
		// Answered the review question (review.go).
	case t.st.Learner.OptedOut && kw != KeyStart:
		// Opted out: nothing is ever sent until MULAI.
	case kw != KeyNone && kw != keyRetryAlt:
		keywordHandlers[kw](t)
	case moved:
		t.text(msgCourseUpdated)
		t.resume()
	case gap && t.st.Learner.Registered && !t.expects(in.Text) && !isFreeText(in.Text):
		// Back after a while with something that is not an answer ("halo"):
		// show again what they were doing rather than a hint. A sentence
		// is still passed on to the admins by the step.
		t.resume()
	default:
		handler, ok := stepHandlers[t.st.Conversation.Stage]
		if !ok {
			// A step this version does not know (written by another
			// release): carry on from where the course says.
			t.resume()
			break
		}
		handler(t)
	}
	t.issueCertificate()
	if len(t.out) > 0 && kw != KeyRepeat {
		t.st.Conversation.LastReply = t.out
	}
	reply := t.st.Learner.Channel
	if in.Channel == SMS {
		reply = SMS
	}
	return Output{State: t.st, Messages: t.out, Events: t.events, Channel: reply}
}

// clone copies the parts of a state that a step mutates in place, so that
// the caller's value is never changed behind its back.
func clone(st State) State {
	if st.Progress != nil {
		p := *st.Progress
		p.Answers = slices.Clone(p.Answers)
		p.LessonsDone = slices.Clone(p.LessonsDone)
		p.Review = slices.Clone(p.Review)
		p.Scores = maps.Clone(st.Progress.Scores)
		if p.Scores == nil {
			p.Scores = map[string]Score{}
		}
		p.Best = maps.Clone(st.Progress.Best)
		if p.Best == nil {
			p.Best = map[string]Score{}
		}
		st.Progress = &p
	}
	st.Conversation.LastReply = slices.Clone(st.Conversation.LastReply)
	return st
}
