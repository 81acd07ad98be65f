package bot

import (
	"fmt"
	"strings"

	"github.com/pamong-desa/pamong/lessons"
)

// keywordHandlers answer the keywords, which work in every step.
var keywordHandlers = map[Keyword]func(*turn){
	KeyMenu:   keyMenu,
	KeyNext:   keyNext,
	KeyRepeat: keyRepeat,
	KeyScore:  keyScore,
	KeyHelp:   keyHelp,
	KeyStop:   keyStop,
	KeyStart:  keyStart,
	// MATERI sends the cards again (reread.go).
	KeyMaterial: keyMaterial,
	// Certificates (certificate.go).
	KeyCertificate: keyCertificate,
	KeyCheck:       keyCheck,
	// JEDA pauses reminders and reviews (pause.go).
	KeyPause: keyPause,
	KeyWhatsApp: func(t *turn) {
		t.st.Learner.Channel = WhatsApp
		t.text(msgPreferWhatsApp)
		t.resumeIfRegistering()
	},
	KeySMS: func(t *turn) {
		t.st.Learner.Channel = SMS
		t.text(msgPreferSMS)
		t.resumeIfRegistering()
	},
}

func keyMenu(t *turn) {
	if !t.st.Learner.Registered {
		t.text(msgRegisterFirst)
		t.resume()
		return
	}
	var next, smsNext string
	p := t.st.Progress
	switch {
	case t.st.Conversation.Stage == StageCourseEnd && p != nil && p.Passed:
		// LANJUT leads nowhere after the course: offer what does.
		next = "Balas NILAI untuk nilai, MATERI untuk membaca lagi materi, 1 untuk mengulang post-test, BANTUAN untuk daftar perintah."
		smsNext = "Balas NILAI untuk nilai, MATERI baca lagi materi, 1 ulang post-test."
	case t.st.Conversation.Stage == StageCourseEnd:
		next = "Balas 1 untuk mengulang post-test, MATERI untuk membaca lagi materi, NILAI untuk nilai, BANTUAN untuk daftar perintah."
		smsNext = "Balas 1 untuk ulang post-test, MATERI baca lagi materi, NILAI untuk nilai."
	case t.canReread():
		next = "Balas LANJUT untuk meneruskan, MATERI untuk membaca lagi materi, NILAI untuk nilai, BANTUAN untuk daftar perintah."
		smsNext = "Balas LANJUT untuk meneruskan, MATERI baca lagi materi, NILAI untuk nilai."
	default:
		next = "Balas LANJUT untuk meneruskan, NILAI untuk nilai, BANTUAN untuk daftar perintah."
		smsNext = "Balas LANJUT untuk meneruskan, NILAI untuk nilai."
	}
	t.say(Message{Kind: KindText, Title: "Kursus: " + t.course.Title,
		Text: "Posisi Anda: " + t.where() + ".\n" + next,
		SMS:  "Posisi: " + t.where() + ". " + smsNext})
}

// canReread tells whether MATERI alone has a current lesson to send: one
// is under way or just finished, and no pretest or post-test is.
func (t *turn) canReread() bool {
	p := t.st.Progress
	return p != nil && p.LessonID != "" && t.hasLesson(p.LessonID) &&
		!(t.st.Conversation.Stage == StageQuestion && (p.QuizID == Pretest || p.QuizID == Posttest))
}

func keyNext(t *turn) {
	if t.st.Conversation.Stage == StageLessonEnd {
		t.nextLesson()
		return
	}
	t.resume()
}

func keyRepeat(t *turn) {
	if len(t.st.Conversation.LastReply) == 0 {
		t.resume()
		return
	}
	t.say(t.st.Conversation.LastReply...)
}

func keyHelp(t *turn) {
	t.say(msgHelp())
	if !t.st.Learner.Registered {
		// Someone new who asks for help first still needs to be asked
		// their name, or they are stuck.
		t.resume()
	}
}

func keyStop(t *turn) {
	t.st.Learner.OptedOut = true
	t.emit(OptedOut{})
	t.text(msgOptedOut)
}

func keyStart(t *turn) {
	if t.st.Learner.OptedOut {
		t.st.Learner.OptedOut = false
		t.emit(OptedIn{})
		if t.st.Learner.Registered {
			t.welcomeBack()
		}
	}
	t.resume()
}

// keyScore lists the scores: the best attempt of each quiz, and the latest
// beside it when a retake went worse.
func keyScore(t *turn) {
	p := t.st.Progress
	if p == nil {
		t.text(msgNotStartedYet)
		t.resume()
		return
	}
	var lines []string
	if s, ok := p.Scores[Pretest]; ok {
		lines = append(lines, fmt.Sprintf("Pretest: %d", s.Percent()))
	}
	for i, l := range t.course.Lessons() {
		b, ok := p.best(l.ID)
		if !ok || b.Total == 0 {
			continue
		}
		line := fmt.Sprintf("Pelajaran %d: %d/%d", i+1, b.Correct, b.Total)
		if last := p.Scores[l.ID]; b.better(last) {
			line += fmt.Sprintf(" (terakhir %d/%d)", last.Correct, last.Total)
		}
		lines = append(lines, line)
	}
	if p.BestPosttest >= 0 {
		line := fmt.Sprintf("Post-test terbaik: %d (lulus %d)", p.BestPosttest, t.course.PassMark)
		if last, ok := p.Scores[Posttest]; ok && last.Percent() < p.BestPosttest {
			line += fmt.Sprintf(", terakhir %d", last.Percent())
		}
		lines = append(lines, line)
	}
	done := fmt.Sprintf("%d dari %d pelajaran selesai", len(p.LessonsDone), len(t.course.Lessons()))
	if len(lines) == 0 {
		t.say(Message{Kind: KindText, Title: "Nilai Anda", Text: done + "."})
		return
	}
	t.say(Message{Kind: KindText, Title: "Nilai Anda", Text: done + "\n" + strings.Join(lines, "\n"),
		SMS: done + ". " + strings.Join(lines, ", ")})
}

// resume sends again what the learner is expected to answer now.
func (t *turn) resume() {
	if !t.st.Learner.Registered {
		t.resumeRegistration()
		return
	}
	if t.st.Progress == nil {
		t.startCourse()
		return
	}
	switch t.st.Conversation.Stage {
	case StageQuestion:
		if t.st.Progress.QuestionID == "" {
			t.finishQuiz()
			return
		}
		t.askQuestion()
	case StageLessonEnd:
		t.lessonEnd(false)
	case StageCourseEnd:
		t.courseSummary()
	default:
		t.nextLesson()
	}
}

func (t *turn) welcomeBack() {
	if t.welcomed {
		return
	}
	t.welcomed = true
	text := fmt.Sprintf("Selamat datang kembali, %s. Posisi Anda: %s.", t.st.Learner.Name, t.where())
	if t.canReread() {
		// After days away the cards are half forgotten: say how to read
		// them again before answering.
		text += " Ketik MATERI untuk membaca lagi materi pelajaran ini."
	}
	t.text(text)
}

// where says where the learner is in the course, e.g. "Pelajaran 3 dari
// 6, pertanyaan 2".
func (t *turn) where() string {
	p := t.st.Progress
	if p == nil {
		return "belum mulai kursus"
	}
	total := len(t.course.Lessons())
	_, li, _ := t.course.Lesson(p.LessonID)
	switch t.st.Conversation.Stage {
	case StageQuestion:
		_, qi, _ := lessons.Find(t.quiz(p.QuizID), p.QuestionID)
		switch p.QuizID {
		case Pretest:
			return fmt.Sprintf("pretest, pertanyaan %d dari %d", qi+1, len(t.course.Pretest))
		case Posttest:
			return fmt.Sprintf("post-test, pertanyaan %d dari %d", qi+1, len(t.course.Posttest))
		}
		return fmt.Sprintf("Pelajaran %d dari %d, pertanyaan %d", li+1, total, qi+1)
	case StageLessonEnd:
		return fmt.Sprintf("Pelajaran %d dari %d selesai", li+1, total)
	case StageCourseEnd:
		if p.Passed {
			return "kursus selesai, lulus"
		}
		return "post-test selesai, belum lulus"
	}
	return fmt.Sprintf("Pelajaran %d dari %d", li+1, total)
}

// fixPosition repairs a position that an edit of the course has made
// invalid (README.md of lessons/ documents the rules) and tells whether it
// had to.
func (t *turn) fixPosition() bool {
	p := t.st.Progress
	if p == nil || !t.st.Learner.Registered {
		return false
	}
	step := t.st.Conversation.Stage
	lessonGone := p.LessonID != "" && !t.hasLesson(p.LessonID)
	switch {
	case step == StageQuestion && p.QuizID != Pretest && p.QuizID != Posttest && !t.hasLesson(p.QuizID):
		// The lesson being quizzed was removed: on to the next one.
		p.LessonID, p.QuizID, p.QuestionID, p.Answers = "", "", "", nil
		t.goTo("")
		return true
	case step == StageQuestion:
		if _, _, ok := lessons.Find(t.quiz(p.QuizID), p.QuestionID); ok {
			return false
		}
		// The pending question was removed: the next unanswered one of the
		// same quiz takes its place, or the quiz ends (resume finishes it).
		p.QuestionID = ""
		for _, q := range t.quiz(p.QuizID) {
			if !p.answered(q.ID) {
				p.QuestionID = q.ID
				break
			}
		}
		return true
	case step == StageLessonEnd && lessonGone:
		p.LessonID = ""
		t.goTo("")
		return true
	}
	return false
}

func (t *turn) hasLesson(id string) bool {
	_, _, ok := t.course.Lesson(id)
	return ok
}
