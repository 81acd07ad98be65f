// Package lessons holds course content: the types the conversation engine
// walks through, the loader for the YAML files course authors write, the
// checker behind `pamong lessons check`, and the bundled default course.
//
// Progress elsewhere in Pamong refers to lessons and questions by their ids,
// never by position, so an author can reorder or extend a course without
// corrupting anyone's progress (see README.md in this directory).
package lessons

// Course is one course as loaded from a course directory.
type Course struct {
	ID       string
	Title    string
	Language string
	// PassMark is the post-test score, in percent, needed to pass the course.
	PassMark int
	Pretest  []Question
	Modules  []Module
	Posttest []Question
}

// Module groups lessons under a heading.
type Module struct {
	ID      string
	Title   string
	Lessons []Lesson
}

// Lesson is a handful of cards followed by the quiz on them.
type Lesson struct {
	ID    string
	Title string
	Cards []Card
	Quiz  []Question
}

// Card is one short text a learner reads on one phone screen.
type Card struct {
	// Text is the card as written by the author; WhatsApp shows it as is.
	Text string
	// SMS optionally replaces Text on SMS, for text that does not survive
	// the GSM-7 alphabet or needs shortening.
	SMS string
}

// Question is a multiple-choice question with 2 to 4 options.
type Question struct {
	ID     string
	Prompt string
	// Options are shown numbered from 1.
	Options []string
	// Answer is the 1-based number of the correct option.
	Answer int
	// Explanation is the one sentence shown after the learner answers.
	Explanation string
	// SMSPrompt and SMSOptions optionally replace Prompt and Options on SMS.
	SMSPrompt  string
	SMSOptions []string
}

// Lessons returns every lesson of the course in order, across modules.
func (c *Course) Lessons() []Lesson {
	var all []Lesson
	for _, m := range c.Modules {
		all = append(all, m.Lessons...)
	}
	return all
}

// Lesson finds a lesson by id and returns it with its 0-based position in
// course order.
func (c *Course) Lesson(id string) (Lesson, int, bool) {
	for i, l := range c.Lessons() {
		if l.ID == id {
			return l, i, true
		}
	}
	return Lesson{}, -1, false
}

// Find looks a question up by id in a list and returns it with its position.
func Find(qs []Question, id string) (Question, int, bool) {
	for i, q := range qs {
		if q.ID == id {
			return q, i, true
		}
	}
	return Question{}, -1, false
}
