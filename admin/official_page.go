package admin

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/pamong-desa/pamong/phone"
	"github.com/pamong-desa/pamong/store"
)

// QuizScore is one quiz of an official's course: the last finished
// attempt and the best one.
type QuizScore struct {
	Quiz string `json:"quiz"`
	// Latest and Best are "correct/total"; Attempt counts the attempts.
	LatestCorrect int `json:"latest_correct"`
	BestCorrect   int `json:"best_correct"`
	Total         int `json:"total"`
	Attempts      int `json:"attempts"`
	LatestPercent int `json:"latest_percent"`
	BestPercent   int `json:"best_percent"`
}

// OfficialView is an official's page: who they are, how to reach them,
// and how far they are in the course.
type OfficialView struct {
	OfficialItem
	// Phone is whole: only an admin whose scope holds the official gets
	// this view, and they may need to call.
	Phone        string     `json:"phone"`
	RoleTitle    string     `json:"role_title"`
	Source       string     `json:"source"`
	RegisteredAt *time.Time `json:"registered_at"`
	OptedOutAt   *time.Time `json:"opted_out_at"`
	CourseID     string     `json:"course_id"`
	CourseStatus string     `json:"course_status"`
	// CourseStage is the engine's stage (pretest, lesson, posttest, done).
	CourseStage   string      `json:"course_stage"`
	PretestScore  *int        `json:"pretest_score"`
	PosttestScore *int        `json:"posttest_score"`
	Passed        bool        `json:"passed"`
	Quizzes       []QuizScore `json:"quizzes"`
	// Certificate is the code of the valid certificate, "" when none;
	// RevokedCertificate is a revoked one when there is no valid one.
	Certificate        string `json:"certificate"`
	RevokedCertificate string `json:"revoked_certificate"`
	// LastMessage is nil when nothing was ever written either way.
	LastMessage *LastMessage `json:"last_message"`
}

// LastMessage is the newest message between the programme and an official.
type LastMessage struct {
	At time.Time `json:"at"`
	// Direction is "in" (from the official) or "out".
	Direction string `json:"direction"`
	Channel   string `json:"channel"`
	// Status is the outbox status of an outbound message, "" inbound.
	Status string `json:"status"`
}

// Official is the page of official id for who. An official outside who's
// scope is ErrForbidden, one that does not exist ErrNotFound.
func (s *Service) Official(ctx context.Context, who store.Admin, id int64) (OfficialView, error) {
	os, err := s.officialStore()
	if err != nil {
		return OfficialView{}, err
	}
	d, err := os.OfficialDetail(ctx, who.Scope, s.CourseID, id)
	if err != nil {
		return OfficialView{}, fromStore(err)
	}
	v := OfficialView{
		OfficialItem: OfficialItem{ID: d.ID, Name: d.Name, Role: d.Role, VillageCode: d.VillageCode, VillageName: d.VillageName,
			Channel: d.Channel, OptedOut: d.OptedOut, Stage: d.Stage},
		Phone: d.Phone, RoleTitle: d.RoleTitle, Source: d.Source, CourseID: d.CourseID, CourseStatus: d.CourseStatus,
		CourseStage: d.CourseStage, Passed: d.Passed, Certificate: d.CertificateCode, RevokedCertificate: d.CertificateRevoked,
		Quizzes: quizScores(d),
	}
	v.PhoneMasked = phone.MaskDigits(d.Phone)
	if d.RegisteredAt.Valid {
		v.RegisteredAt = &d.RegisteredAt.Time
	}
	if d.OptedOutAt.Valid {
		v.OptedOutAt = &d.OptedOutAt.Time
	}
	if d.PretestScore.Valid {
		n := int(d.PretestScore.Int64)
		v.PretestScore = &n
	}
	if d.PosttestScore.Valid {
		n := int(d.PosttestScore.Int64)
		v.PosttestScore = &n
	}
	if !d.LastMessage.At.IsZero() {
		v.LastMessage = &LastMessage{At: d.LastMessage.At, Direction: d.LastMessage.Direction, Channel: d.LastMessage.Channel,
			Status: d.LastMessage.Status}
	}
	return v, nil
}

// quizScores lists the quizzes in course order: the pretest, the lessons
// in the order they were done (then any other, by id), the post-test.
func quizScores(d store.OfficialDetail) []QuizScore {
	rank := func(quiz string) int {
		switch quiz {
		case "pretest":
			return -1
		case "posttest":
			return 1 << 30
		}
		if i := slices.Index(d.LessonsDone, quiz); i >= 0 {
			return i
		}
		return len(d.LessonsDone)
	}
	var out []QuizScore
	for quiz, last := range d.Scores {
		best, ok := d.Best[quiz]
		if !ok {
			best = last
		}
		// Percent rounds as the engine does, so the page and the chat agree.
		out = append(out, QuizScore{Quiz: quiz, LatestCorrect: last.Correct, BestCorrect: best.Correct, Total: last.Total,
			Attempts: last.Attempt, LatestPercent: last.Percent(), BestPercent: best.Percent()})
	}
	slices.SortFunc(out, func(a, b QuizScore) int {
		return cmp.Or(cmp.Compare(rank(a.Quiz), rank(b.Quiz)), cmp.Compare(a.Quiz, b.Quiz))
	})
	return out
}
