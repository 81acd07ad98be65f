package bot

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pamong-desa/pamong/lessons"
)

func (t *turn) startCourse() {
	c := t.course
	t.st.Progress = &Progress{CourseID: c.ID, BestPosttest: -1, Scores: map[string]Score{}, Best: map[string]Score{}}
	t.say(Message{Kind: KindText, Title: "Kursus: " + c.Title,
		Text: fmt.Sprintf("%d pelajaran, masing-masing dengan kuis singkat.", len(c.Lessons()))})
	if len(c.Pretest) > 0 {
		t.text(fmt.Sprintf(msgPretestIntro, len(c.Pretest)))
		t.startQuiz(Pretest)
		return
	}
	t.nextLesson()
}

// nextLesson starts the first lesson in course order that is not done, or
// the post-test when all are: following ids, not positions, keeps progress
// sound when an author inserts or reorders lessons.
func (t *turn) nextLesson() {
	p := t.st.Progress
	for _, l := range t.course.Lessons() {
		if !p.lessonDone(l.ID) {
			t.startLesson(l)
			return
		}
	}
	if len(t.course.Posttest) == 0 {
		t.finishCourse(-1)
		return
	}
	p.LessonID = ""
	t.text(fmt.Sprintf(msgPosttestIntro, len(t.course.Posttest), t.course.PassMark))
	t.startQuiz(Posttest)
}

func (t *turn) startLesson(l lessons.Lesson) {
	t.st.Progress.LessonID = l.ID
	t.sendCards(l)
	if len(l.Quiz) == 0 {
		p := t.st.Progress
		p.QuizID, p.Attempt, p.Answers = l.ID, 1, nil
		t.finishQuiz()
		return
	}
	t.startQuiz(l.ID)
}

// quiz returns the questions of a quiz id.
func (t *turn) quiz(id string) []lessons.Question {
	switch id {
	case Pretest:
		return t.course.Pretest
	case Posttest:
		return t.course.Posttest
	}
	l, _, _ := t.course.Lesson(id)
	return l.Quiz
}

func (t *turn) startQuiz(id string) {
	p := t.st.Progress
	p.QuizID, p.Attempt, p.Answers = id, p.Scores[id].Attempt+1, nil
	t.askNext()
}

// askNext asks the first question of the quiz not answered in this attempt,
// or finishes the quiz.
func (t *turn) askNext() {
	p := t.st.Progress
	for _, q := range t.quiz(p.QuizID) {
		if !p.answered(q.ID) {
			p.QuestionID = q.ID
			t.goTo(StageQuestion)
			t.askQuestion()
			return
		}
	}
	t.finishQuiz()
}

func (t *turn) askQuestion() {
	p := t.st.Progress
	qs := t.quiz(p.QuizID)
	q, i, _ := lessons.Find(qs, p.QuestionID)
	title := fmt.Sprintf("Pertanyaan %d dari %d", i+1, len(qs))
	switch p.QuizID {
	case Pretest:
		title = "Pretest, p" + title[1:]
	case Posttest:
		title = "Post-test, p" + title[1:]
	}
	t.say(Message{Kind: KindQuestion, Title: title, SMSTitle: fmt.Sprintf("%d/%d", i+1, len(qs)),
		Text: q.Prompt, SMS: q.SMSPrompt, Options: q.Options, SMSOptions: q.SMSOptions,
		Footer: fmt.Sprintf("Balas 1-%d", len(q.Options))})
}

// expects tells whether text is a valid answer to what the current stage
// asked (a question's option, a menu choice).
func (t *turn) expects(text string) bool {
	p := t.st.Progress
	if p == nil {
		return false
	}
	n := 0
	switch t.st.Conversation.Stage {
	case StageQuestion:
		q, _, _ := lessons.Find(t.quiz(p.QuizID), p.QuestionID)
		_, ok := ParseAnswer(text, q.Options, q.SMSOptions)
		return ok
	case StageLessonEnd:
		n = len(lessonEndOptions)
	case StageCourseEnd:
		n = 1 + len(t.review())
	}
	choice, ok := ParseChoice(text, n)
	return ok && InRange(choice, n)
}

func stepQuestion(t *turn) {
	p := t.st.Progress
	q, _, _ := lessons.Find(t.quiz(p.QuizID), p.QuestionID)
	choice, ok := ParseAnswer(t.in.Text, q.Options, q.SMSOptions)
	switch {
	case !ok && isFreeText(t.in.Text):
		t.passOn()
		return
	case !ok:
		t.text(fmt.Sprintf(msgChoiceHint, len(q.Options)))
		t.askQuestion()
		return
	case !InRange(choice, len(q.Options)):
		t.text(fmt.Sprintf(msgChoiceRange, choice, len(q.Options)))
		t.askQuestion()
		return
	}
	correct := choice == q.Answer
	p.Answers = append(p.Answers, Answered{QuestionID: q.ID, Correct: correct})
	t.emit(AnswerRecorded{CourseID: p.CourseID, QuizID: p.QuizID, QuestionID: q.ID, Attempt: p.Attempt, Choice: choice, Correct: correct})
	// Pretest and post-test measure: their answers are not revealed, so
	// that the post-test after a retry still means something.
	if p.QuizID != Pretest && p.QuizID != Posttest {
		t.feedback(q, correct)
	}
	t.askNext()
}

func (t *turn) feedback(q lessons.Question, correct bool) {
	if correct {
		t.say(Message{Kind: KindText, Title: "Benar!", Text: q.Explanation, SMSBrief: true})
		return
	}
	right := q.Options[q.Answer-1]
	smsRight := right
	if len(q.SMSOptions) == len(q.Options) {
		smsRight = q.SMSOptions[q.Answer-1]
	}
	t.say(Message{Kind: KindText, Title: "Belum tepat.",
		Text: fmt.Sprintf(msgRightAnswer, q.Answer, right, q.Explanation),
		SMS:  fmt.Sprintf(msgRightAnswer, q.Answer, smsRight, q.Explanation)})
}

func (t *turn) finishQuiz() {
	p := t.st.Progress
	s := Score{Total: len(p.Answers), Attempt: p.Attempt}
	var wrong []string
	for _, a := range p.Answers {
		if a.Correct {
			s.Correct++
		} else {
			wrong = append(wrong, a.QuestionID)
		}
	}
	quiz := p.QuizID
	prev, had := p.best(quiz)
	p.Scores[quiz] = s
	p.Best[quiz] = s
	if had && prev.better(s) {
		p.Best[quiz] = prev
	}
	p.Answers, p.QuestionID = nil, ""
	switch quiz {
	case Pretest:
		t.text(fmt.Sprintf("Pretest selesai: %s. Sekarang kita mulai belajar.", scoreText(s)))
		t.nextLesson()
	case Posttest:
		p.Review = reviewLessons(t.course, wrong)
		t.finishCourse(s.Percent())
	default:
		if !p.lessonDone(quiz) {
			p.LessonsDone = append(p.LessonsDone, quiz)
		}
		t.lessonEnd(true)
	}
}

// lessonEndOptions are the choices at the end of a lesson, in order.
var lessonEndOptions = []string{"Lanjut", "Ulangi kuis", "Baca lagi materi"}

// lessonEnd tells the lesson's score and what comes next, then waits.
func (t *turn) lessonEnd(withScore bool) {
	p := t.st.Progress
	t.goTo(StageLessonEnd)
	l, i, _ := t.course.Lesson(p.LessonID)
	text := fmt.Sprintf("Pelajaran %d selesai.", i+1)
	if s, ok := p.Scores[l.ID]; ok && withScore && s.Total > 0 {
		score := scoreText(s)
		if b, _ := p.best(l.ID); b.better(s) {
			// A retake that went worse: the earlier, better result stands.
			score = fmt.Sprintf("%d dari %d benar (nilai %d; terbaik %d)", s.Correct, s.Total, s.Percent(), b.Percent())
		}
		text = fmt.Sprintf("Pelajaran %d selesai. Nilai kuis: %s.", i+1, score)
	}
	next, smsNext := "post-test", "post-test"
	for _, nl := range t.course.Lessons() {
		if !p.lessonDone(nl.ID) {
			_, ni, _ := t.course.Lesson(nl.ID)
			next = fmt.Sprintf("Pelajaran %d: %s", ni+1, nl.Title)
			// On SMS the title would push the menu into a second SMS.
			smsNext = fmt.Sprintf("Pelajaran %d", ni+1)
			break
		}
	}
	t.say(Message{Kind: KindQuestion, Text: text + " Berikutnya: " + next + ".", SMS: text + " Berikutnya: " + smsNext + ".",
		Options: lessonEndOptions, Footer: msgLessonEndFooter})
}

func stepLessonEnd(t *turn) {
	n, ok := ParseAnswer(t.in.Text, lessonEndOptions, nil)
	switch {
	case ok && n == 1:
		t.nextLesson()
	case (ok && n == 2) || ParseKeyword(t.in.Text) == keyRetryAlt:
		t.startQuiz(t.st.Progress.LessonID)
	case ok && n == 3:
		l, _, _ := t.course.Lesson(t.st.Progress.LessonID)
		t.sendCards(l)
		t.lessonEnd(false)
	case isFreeText(t.in.Text):
		t.passOn()
	default:
		t.text(msgLessonEndHint)
		t.lessonEnd(false)
	}
}

// finishCourse reports the post-test (percent < 0: the course has none).
// A learner who has passed stays passed: a retake is reported as one, with
// the best score beside it, never as "not passed".
func (t *turn) finishCourse(percent int) {
	p := t.st.Progress
	t.goTo(StageCourseEnd)
	if percent > p.BestPosttest {
		p.BestPosttest = percent
	}
	if p.Passed && percent >= 0 {
		t.say(Message{Kind: KindText, Title: "Post-test ulang selesai.",
			Text: fmt.Sprintf("Nilai ulangan ini: %s. Anda tetap LULUS dengan nilai terbaik %d.", scoreText(p.Scores[Posttest]), p.BestPosttest)})
		t.afterCourse()
		return
	}
	pass := percent < 0 || percent >= t.course.PassMark
	var text string
	if percent >= 0 {
		text = fmt.Sprintf("Post-test selesai: %s. Nilai minimal lulus %d.", scoreText(p.Scores[Posttest]), t.course.PassMark)
		if pre, ok := p.Scores[Pretest]; ok {
			text += fmt.Sprintf(" Pretest %d, post-test %d: %s.", pre.Percent(), percent, gainText(percent-pre.Percent()))
		}
	}
	if pass {
		t.say(Message{Kind: KindText, Title: "Selamat, Anda LULUS!", Text: text})
		if !p.Completed {
			p.Completed, p.Passed = true, true
			t.emit(CourseCompleted{CourseID: p.CourseID, Score: p.BestPosttest})
		}
		t.afterCourse()
		return
	}
	t.say(Message{Kind: KindText, Title: "Belum lulus.", Text: text})
	t.retryMenu()
}

func gainText(d int) string {
	switch {
	case d > 0:
		return fmt.Sprintf("naik %d poin", d)
	case d < 0:
		return fmt.Sprintf("turun %d poin", -d)
	}
	return "tetap"
}

// afterCourse says what a learner who has passed can still do: LANJUT
// leads nowhere now, so it is not offered.
func (t *turn) afterCourse() {
	if len(t.course.Posttest) == 0 {
		t.text(msgAfterCourseNoTest)
		return
	}
	t.text(msgAfterCourse)
}

// retryMenu offers a learner who has not passed the post-test again, and
// the lessons behind their wrong answers to read first.
func (t *turn) retryMenu() {
	review := t.review()
	if len(review) == 0 {
		t.text(msgRetryPosttest)
		return
	}
	numbers := make([]string, len(review))
	options, smsOptions := []string{"Ulangi post-test"}, []string{"Ulangi post-test"}
	for i, l := range review {
		numbers[i] = strconv.Itoa(l.number)
		options = append(options, "Baca lagi Pelajaran "+numbers[i])
		smsOptions = append(smsOptions, "Baca Pel. "+numbers[i])
	}
	t.say(Message{Kind: KindQuestion, Text: "Pelajari lagi: Pelajaran " + strings.Join(numbers, ", ") + ".",
		Options: options, SMSOptions: smsOptions, Footer: fmt.Sprintf("Balas 1-%d", len(options))})
}

func stepCourseEnd(t *turn) {
	review := t.review()
	n, ok := ParseChoice(t.in.Text, 1+len(review))
	switch {
	case ok && n == 1 && len(t.course.Posttest) > 0:
		t.text(fmt.Sprintf(msgPosttestIntro, len(t.course.Posttest), t.course.PassMark))
		t.startQuiz(Posttest)
	case ok && n >= 2 && n <= 1+len(review):
		t.sendCards(review[n-2].lesson)
		t.retryMenu()
	case !ok && isFreeText(t.in.Text):
		t.passOn()
	default:
		t.courseSummary()
	}
}

func (t *turn) courseSummary() {
	p := t.st.Progress
	if p.Passed {
		if p.BestPosttest >= 0 {
			t.text(fmt.Sprintf(msgCourseDoneScore, p.BestPosttest))
		} else {
			t.text(msgCourseDone)
		}
		t.afterCourse()
		return
	}
	t.text(fmt.Sprintf("Nilai post-test terbaik Anda %d; minimal lulus %d.", p.BestPosttest, t.course.PassMark))
	t.retryMenu()
}
