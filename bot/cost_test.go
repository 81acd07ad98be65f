package bot

import (
	"testing"

	"github.com/pamong-desa/pamong/lessons"
)

// What one lesson of the bundled course costs a learner: it is what the
// programme pays per official on SMS and what fills a WhatsApp screen.
// `go test ./bot -run TestBundledLessonCost -v` prints the table; the test
// holds the SMS budget of issue 12 (a lesson with its quiz in at most 8 SMS
// when every answer is right, 11 with one wrong) and the WhatsApp size of
// one message per card.
const (
	maxLessonSMS         = 8
	maxLessonSMSOneWrong = 11
	// maxWhatsAppMessage is "about 400 characters": a card is at most
	// lessons.MaxCardChars, and its lesson title comes on top.
	maxWhatsAppMessage = 480
)

// lessonCost is one lesson replayed through the engine and the renderer,
// from LANJUT to the lesson-end menu.
type lessonCost struct {
	SMS, SMSOneWrong int
	WhatsAppBytes    int
	WhatsAppMessages int
	WhatsAppLongest  int // characters of the longest WhatsApp message
}

func TestBundledLessonCost(t *testing.T) {
	course, err := lessons.BundledDefault()
	if err != nil {
		t.Fatal(err)
	}
	var total lessonCost
	t.Logf("%-24s %4s %9s %9s %7s %8s", "lesson", "SMS", "SMS 1 bad", "WA bytes", "WA msgs", "WA max")
	for i, l := range course.Lessons() {
		c := costOf(t, course, i)
		t.Logf("%-24s %4d %9d %9d %7d %8d", l.ID, c.SMS, c.SMSOneWrong, c.WhatsAppBytes, c.WhatsAppMessages, c.WhatsAppLongest)
		total.SMS += c.SMS
		total.SMSOneWrong += c.SMSOneWrong
		total.WhatsAppBytes += c.WhatsAppBytes
		total.WhatsAppMessages += c.WhatsAppMessages
		if c.SMS > maxLessonSMS {
			t.Errorf("lesson %s takes %d SMS with every answer right; want at most %d", l.ID, c.SMS, maxLessonSMS)
		}
		if c.SMSOneWrong > maxLessonSMSOneWrong {
			t.Errorf("lesson %s takes %d SMS with one wrong answer; want at most %d", l.ID, c.SMSOneWrong, maxLessonSMSOneWrong)
		}
		if c.WhatsAppLongest > maxWhatsAppMessage {
			t.Errorf("lesson %s sends a WhatsApp message of %d characters; want at most %d", l.ID, c.WhatsAppLongest, maxWhatsAppMessage)
		}
	}
	t.Logf("%-24s %4d %9d %9d %7d", "all lessons", total.SMS, total.SMSOneWrong, total.WhatsAppBytes, total.WhatsAppMessages)
}

// costOf replays lesson i of course: every answer right on SMS and on
// WhatsApp, then once more on SMS with the worst single wrong answer.
func costOf(t *testing.T, course *lessons.Course, i int) lessonCost {
	t.Helper()
	var c lessonCost
	c.SMS = len(playLesson(t, course, i, SMS, -1))
	for _, text := range playLesson(t, course, i, WhatsApp, -1) {
		c.WhatsAppMessages++
		c.WhatsAppBytes += len(text)
		c.WhatsAppLongest = max(c.WhatsAppLongest, len([]rune(text)))
	}
	for q := range course.Lessons()[i].Quiz {
		c.SMSOneWrong = max(c.SMSOneWrong, len(playLesson(t, course, i, SMS, q)))
	}
	return c
}

// playLesson replays lesson i with PlayLesson and checks that every SMS is
// one GSM-7 segment.
func playLesson(t *testing.T, course *lessons.Course, i int, ch Channel, wrong int) []string {
	t.Helper()
	sent, err := PlayLesson(course, i, ch, wrong)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, r := range sent {
		if n, enc := Segments(r.Text); ch == SMS && (n != 1 || enc != "GSM-7") {
			t.Errorf("lesson %d: an SMS of %d %s segments: %q", i+1, n, enc, r.Text)
		}
		texts = append(texts, r.Text)
	}
	return texts
}
