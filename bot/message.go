package bot

import "time"

// Input is one inbound message with what the caller looked up for it.
type Input struct {
	Text    string
	Channel Channel
	Now     time.Time
	// Place is the region named by Text when Text reads as a village code
	// that exists; the caller looks it up, since the engine does no I/O.
	Place *Place
	// Search is what the caller found for the PlaceLookup of this text: a
	// name or a kecamatan code typed where a village is asked for.
	Search *PlaceSearch
	// RegionsKnown tells whether any regions are imported; without them a
	// well-formed village code is accepted unchecked.
	RegionsKnown bool
	// Certificate is the learner's certificate of this course, or the one
	// they would be issued (Pending); Check answers "CEK <code>"
	// (certificate.go).
	Certificate *Certificate
	Check       *Check
}

// Place is a village with the names of the regions above it.
type Place struct {
	Code                                 string
	Province, Regency, District, Village string
	Kelurahan                            bool
}

// Kind tells the renderer how to lay a message out.
type Kind string

// The kinds of message.
const (
	KindText     Kind = "text"
	KindCard     Kind = "card"
	KindQuestion Kind = "question"
)

// Message is one outbound message before rendering for a channel. It is
// kept in this form in the outbox too, so that a message that WhatsApp
// failed to deliver can be rendered again for SMS.
type Message struct {
	Kind Kind `json:"kind"`
	// Title is bold on WhatsApp; SMSTitle, when set, replaces it on SMS.
	Title    string `json:"title,omitempty"`
	SMSTitle string `json:"sms_title,omitempty"`
	Text     string `json:"text,omitempty"`
	// SMS replaces Text on SMS when set (authors' shorter variants).
	SMS string `json:"sms,omitempty"`
	// Options are numbered from 1 (questions and menus).
	Options    []string `json:"options,omitempty"`
	SMSOptions []string `json:"sms_options,omitempty"`
	// Footer follows the options ("Balas 1-4.").
	Footer string `json:"footer,omitempty"`
	// SMSBrief marks Text as something the learner can do without, such
	// as the explanation after a right answer, which restates the card:
	// on SMS the title alone is sent when the text would cost one more SMS.
	SMSBrief bool `json:"sms_brief,omitempty"`
	// Attachment names a document WhatsApp sends with the text (the
	// certificate PDF); SMS carries the text alone.
	Attachment string `json:"attachment,omitempty"`
}

// Output is what one step decided.
type Output struct {
	State    State
	Messages []Message
	Events   []Event
	// Channel is where the replies go: SMS to someone who wrote by SMS
	// (it is what works for them now), else the learner's preference.
	Channel Channel
}

// Event is something the outside world records or reacts to.
type Event interface{ event() }

// AnswerRecorded is a scored answer, to be stored once per question and
// attempt.
type AnswerRecorded struct {
	CourseID, QuizID, QuestionID string
	Attempt                      int
	Choice                       int
	Correct                      bool
}

// Registered is a learner finishing registration.
type Registered struct{}

// OptedOut is a learner asking for no more messages.
type OptedOut struct{}

// OptedIn is a learner coming back after opting out.
type OptedIn struct{}

// CourseCompleted is the post-test passed.
type CourseCompleted struct {
	CourseID string
	Score    int
}

// RegionsMissing is a village code accepted unchecked because no regions
// are imported: the server should tell its operator.
type RegionsMissing struct{ Code string }

// LearnerQuestion is something the learner wrote to a person in the
// middle of the course ("Maaf pak, saya kurang paham pertanyaannya"), to
// be kept where admins read it.
type LearnerQuestion struct {
	CourseID string
	// QuizID and QuestionID are the question waiting for an answer, if one
	// was.
	QuizID, QuestionID string
	// Context is where the learner was, as they saw it: "Pelajaran 1 dari
	// 2, pertanyaan 2: Apa arti akuntabel?".
	Context string
	Text    string
}

func (AnswerRecorded) event()  {}
func (LearnerQuestion) event() {}
func (Registered) event()      {}
func (OptedOut) event()        {}
func (OptedIn) event()         {}
func (CourseCompleted) event() {}
func (RegionsMissing) event()  {}
