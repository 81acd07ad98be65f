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
	// Certificates (certificate.go).
	KeyCertificate: keyCertificate,
	KeyCheck:       keyCheck,
	KeyWhatsApp: func(t *turn) {
		t.st.Learner.Channel = WhatsApp
		t.text(msgPreferWhatsApp)
	},
	KeySMS: func(t *turn) {
		t.st.Learner.Channel = SMS
		t.text(msgPreferSMS)
	},
}

func keyMenu(t *turn) {
	if !t.st.Learner.Registered {
		t.text(msgRegisterFirst)
		t.resume()
		return
	}
	t.say(Message{Kind: KindText, Title: "Kursus: " + t.course.Title, SMSTitle: "Kursus",
		Text: "Posisi Anda: " + t.where() + ".\nBalas LANJUT untuk meneruskan, NILAI untuk nilai, BANTUAN untuk daftar perintah.",
		SMS:  "Posisi: " + t.where() + ". Balas LANJUT untuk meneruskan, NILAI untuk nilai."})
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
		if s, ok := p.Scores[l.ID]; ok && s.Total > 0 {
			lines = append(lines, fmt.Sprintf("Pelajaran %d: %d/%d", i+1, s.Correct, s.Total))
		}
	}
	if p.BestPosttest >= 0 {
		lines = append(lines, fmt.Sprintf("Post-test terbaik: %d (lulus %d)", p.BestPosttest, t.course.PassMark))
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
		switch t.st.Conversation.Stage {
		case StageAskName:
			t.askName()
		case StageAskVillage:
			t.askVillage()
		case StageConfirmVillage:
			t.confirmVillage()
		case StageAskRole:
			t.askRole()
		default:
			stepNew(t)
		}
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
	name := t.st.Learner.Name
	t.text(fmt.Sprintf("Selamat datang kembali, %s. Posisi Anda: %s.", name, t.where()))
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
