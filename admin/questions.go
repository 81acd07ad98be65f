package admin

import (
	"context"
	"time"

	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

// Question is something a learner wrote to a person in the middle of the
// course, as admins read it: who, where in the course, and what.
type Question struct {
	ID          int64  `json:"id"`
	LearnerID   int64  `json:"learner_id"`
	Name        string `json:"name"`
	Phone       string `json:"phone"`
	Role        string `json:"role"`
	VillageCode string `json:"village_code"`
	CourseID    string `json:"course_id"`
	// QuizID and QuestionID are the question that was waiting for an
	// answer, "" when none was; Context says it in the learner's words.
	QuizID     string    `json:"quiz_id"`
	QuestionID string    `json:"question_id"`
	Context    string    `json:"context"`
	Text       string    `json:"text"`
	AskedAt    time.Time `json:"asked_at"`
	// AnsweredAt is when an admin marked it answered (the dashboard), and
	// AnsweredBy who; absent while open.
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
	AnsweredBy string     `json:"answered_by,omitempty"`
	// Replies are what admins wrote back through the outbox, oldest first.
	Replies []QuestionReply `json:"replies,omitempty"`
}

// QuestionList is one page of learners' questions, the newest first.
type QuestionList struct {
	Questions []Question `json:"questions"`
	Total     int        `json:"total"`
	Limit     int        `json:"limit"`
	Offset    int        `json:"offset"`
}

// Questions lists the questions of learners inside who's region, or
// inside regionArg when given (which must lie inside it: ErrForbidden
// otherwise).
func (s *Service) Questions(ctx context.Context, who store.Admin, regionArg string, limit, offset int) (QuestionList, error) {
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	offset = max(offset, 0)
	scope := who.Scope
	if regionArg != "" {
		code, err := region.Parse(regionArg)
		if err != nil {
			return QuestionList{}, invalid("region: %v", err)
		}
		if !code.Within(who.Scope) {
			return QuestionList{}, forbidden("region %s is outside your region %s", code, ScopeName(who.Scope))
		}
		ok, err := s.Store.RegionExists(ctx, code)
		if err != nil {
			return QuestionList{}, err
		}
		if !ok {
			return QuestionList{}, invalid("region %s is not among the imported regions", code)
		}
		scope = code
	}
	rows, total, err := s.Store.LearnerQuestions(ctx, scope, limit, offset)
	if err != nil {
		return QuestionList{}, err
	}
	list := QuestionList{Questions: make([]Question, len(rows)), Total: total, Limit: limit, Offset: offset}
	for i, q := range rows {
		list.Questions[i] = Question{ID: q.ID, LearnerID: q.LearnerID, Name: q.Name, Phone: q.Phone, Role: q.Role,
			VillageCode: q.VillageCode, CourseID: q.CourseID, QuizID: q.QuizID, QuestionID: q.QuestionID,
			Context: q.Context, Text: q.Text, AskedAt: q.AskedAt, AnsweredAt: q.AnsweredAt, AnsweredBy: q.AnsweredBy}
	}
	if err := s.withReplies(ctx, list.Questions); err != nil {
		return QuestionList{}, err
	}
	return list, nil
}
