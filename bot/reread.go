package bot

import (
	"fmt"
	"math"
	"strings"

	"github.com/pamong-desa/pamong/lessons"
)

// Re-reading: MATERI (or BACA) sends a lesson's cards again, the end of a
// lesson offers it, and a failed post-test names the lessons to read.

// materialFillers may follow MATERI or BACA: "baca lagi materi", "materi
// pelajaran 2".
var materialFillers = set("lagi", "materi", "pelajaran", "pel", "ulang", "kembali", "no", "nomor")

// parseMaterial reads "MATERI", "BACA", "baca lagi materi", "MATERI 2",
// "baca pelajaran dua": lesson is the number given, 0 for none.
func parseMaterial(text string) (lesson int, ok bool) {
	words := answerWords(text)
	if len(words) == 0 || (words[0] != "materi" && words[0] != "baca") {
		return 0, false
	}
	for _, w := range words[1:] {
		if materialFillers[w] {
			continue
		}
		n, isNumber := choiceWord(w, 0)
		if !isNumber || lesson != 0 {
			return 0, false
		}
		lesson = n
	}
	return lesson, true
}

// sendCards sends a lesson's cards, the first under the lesson's title.
func (t *turn) sendCards(l lessons.Lesson) {
	_, i, _ := t.course.Lesson(l.ID)
	n := len(t.course.Lessons())
	for j, card := range l.Cards {
		m := Message{Kind: KindCard, Text: card.Text, SMS: card.SMS}
		if j == 0 {
			m.Title = fmt.Sprintf("Pelajaran %d dari %d: %s", i+1, n, l.Title)
			m.SMSTitle = lessons.SMSLessonTitle(i+1, n, l.Title)
		}
		t.say(m)
	}
}

// keyMaterial sends the cards of the current lesson again, or of the
// lesson named ("MATERI 2"), then what the learner was asked before.
// During the pretest and the post-test the cards stay closed: those
// measure what a learner knows, not what they can look up.
func keyMaterial(t *turn) {
	p := t.st.Progress
	switch {
	case !t.st.Learner.Registered:
		t.text(msgRegisterFirst)
		t.resume()
		return
	case p == nil:
		t.text(msgNotStartedYet)
		t.resume()
		return
	case t.st.Conversation.Stage == StageQuestion && p.QuizID == Pretest:
		t.text(fmt.Sprintf(msgMaterialAfter, "pretest"))
		t.resume()
		return
	case t.st.Conversation.Stage == StageQuestion && p.QuizID == Posttest:
		t.text(fmt.Sprintf(msgMaterialAfter, "post-test"))
		t.resume()
		return
	}
	all := t.course.Lessons()
	n, _ := parseMaterial(t.in.Text)
	switch {
	case n > 0 && n <= len(all):
		t.sendCards(all[n-1])
	case n > 0:
		t.text(fmt.Sprintf(msgNoSuchLesson, n, len(all)))
		t.lessonList()
		return
	case p.LessonID != "" && t.hasLesson(p.LessonID):
		l, _, _ := t.course.Lesson(p.LessonID)
		t.sendCards(l)
	default:
		// No lesson under way (the course is finished): which one?
		t.lessonList()
		return
	}
	t.afterReading()
}

// afterReading shows what was waiting before the cards: the pending
// question, the lesson-end menu, or what can be done after the post-test
// (without repeating the whole summary).
func (t *turn) afterReading() {
	if t.st.Conversation.Stage != StageCourseEnd {
		t.resume()
		return
	}
	if t.st.Progress.Passed {
		t.afterCourse()
		return
	}
	t.retryMenu()
}

// lessonList names the lessons with the keyword that opens each. It is
// not a numbered menu: a bare "1" keeps meaning what the step asked.
func (t *turn) lessonList() {
	var lines, sms []string
	for i, l := range t.course.Lessons() {
		lines = append(lines, fmt.Sprintf("MATERI %d: %s", i+1, l.Title))
		sms = append(sms, fmt.Sprintf("MATERI %d %s", i+1, l.Title))
	}
	t.say(Message{Kind: KindText, Title: "Baca lagi materi",
		Text: msgLessonList + "\n" + strings.Join(lines, "\n"),
		SMS:  msgLessonList + " " + strings.Join(sms, ", ")})
}

// reviewLesson is a lesson to read again, with its number in the course.
type reviewLesson struct {
	lesson lessons.Lesson
	number int
}

// review returns the lessons of Progress.Review that the course still has.
func (t *turn) review() []reviewLesson {
	var out []reviewLesson
	for _, id := range t.st.Progress.Review {
		if l, i, ok := t.course.Lesson(id); ok {
			out = append(out, reviewLesson{lesson: l, number: i + 1})
		}
	}
	return out
}

// reviewLessons are the lessons that teach the wrongly answered post-test
// questions, in course order.
func reviewLessons(c *lessons.Course, wrong []string) []string {
	want := map[string]bool{}
	var ix *lessonIndex // built once, and only when a question was missed
	for _, id := range wrong {
		if q, _, ok := lessons.Find(c.Posttest, id); ok {
			if ix == nil {
				ix = newLessonIndex(c)
			}
			if l, ok := ix.lessonOf(q); ok {
				want[l] = true
			}
		}
	}
	var out []string
	for _, l := range c.Lessons() {
		if want[l.ID] {
			out = append(out, l.ID)
		}
	}
	return out
}

// lessonOf finds the lesson that teaches a post-test question. The course
// format does not link the two, so the question (its prompt, right answer
// and explanation) is compared with each lesson's cards and quiz: the
// lesson that shares the most words wins, each word weighing more the
// fewer lessons use it (a word every lesson uses says nothing). No lesson,
// or a tie, is no answer rather than a guess.
func lessonOf(c *lessons.Course, q lessons.Question) (string, bool) {
	return newLessonIndex(c).lessonOf(q)
}

// lessonIndex is the words of each lesson and in how many lessons each
// word occurs. Building it reads the whole course (it was a quarter of
// the engine's time per message when built again for every missed
// question, and its words again for every lesson): build it once per
// turn that needs it.
type lessonIndex struct {
	ids  []string
	docs []map[string]bool
	df   map[string]int
}

func newLessonIndex(c *lessons.Course) *lessonIndex {
	all := c.Lessons()
	ix := &lessonIndex{ids: make([]string, len(all)), docs: make([]map[string]bool, len(all)), df: map[string]int{}}
	for i, l := range all {
		var b strings.Builder
		b.WriteString(l.Title)
		for _, card := range l.Cards {
			b.WriteString(" " + card.Text)
		}
		for _, lq := range l.Quiz {
			b.WriteString(" " + lq.Prompt + " " + lq.Explanation + " " + strings.Join(lq.Options, " "))
		}
		ix.ids[i] = l.ID
		ix.docs[i] = wordSet(b.String())
		for w := range ix.docs[i] {
			ix.df[w]++
		}
	}
	return ix
}

func (ix *lessonIndex) lessonOf(q lessons.Question) (string, bool) {
	right := ""
	if q.Answer >= 1 && q.Answer <= len(q.Options) {
		right = q.Options[q.Answer-1]
	}
	words := wordSet(q.Prompt + " " + right + " " + q.Explanation)
	best, bestScore, tie := -1, 0.0, false
	for i, doc := range ix.docs {
		score := 0.0
		for w := range words {
			if doc[w] {
				score += math.Log(float64(len(ix.docs)) / float64(ix.df[w]))
			}
		}
		switch {
		case score > bestScore+1e-9:
			best, bestScore, tie = i, score, false
		case score > 0 && math.Abs(score-bestScore) <= 1e-9:
			tie = true
		}
	}
	if best < 0 || tie {
		return "", false
	}
	return ix.ids[best], true
}

// wordSet is the distinct words of a text, as answers are read; one
// letter words are left out.
func wordSet(text string) map[string]bool {
	set := map[string]bool{}
	for _, w := range answerWords(text) {
		if len(w) > 1 {
			set[w] = true
		}
	}
	return set
}
