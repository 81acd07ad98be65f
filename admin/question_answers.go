package admin

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

// MarkAnswered records that who answered question id (by phone, in
// person, or through the outbox). A question of a learner outside who's
// region is ErrForbidden; an unknown one ErrNotFound.
func (s *Service) MarkAnswered(ctx context.Context, who store.Admin, id int64) error {
	ds, err := s.dash()
	if err != nil {
		return err
	}
	return fromStore(ds.MarkQuestionAnswered(ctx, who.Scope, id, answeredBy(who)))
}

// answeredBy is how who is kept as the one who answered.
func answeredBy(who store.Admin) string {
	if who.ID != 0 {
		return fmt.Sprintf("%s (admin %d)", who.Name, who.ID)
	}
	return who.Name
}

// replyStore is what replying to learners' questions needs of the
// database.
type replyStore interface {
	ReplyToQuestion(ctx context.Context, scope region.Code, r store.QuestionReply) (store.QuestionReplied, error)
	QuestionReplies(ctx context.Context, questionIDs []int64) ([]store.QuestionReplyRow, error)
}

var _ replyStore = (*store.DB)(nil)

func (s *Service) replies() (replyStore, error) {
	rs, ok := s.Store.(replyStore)
	if !ok {
		return nil, fmt.Errorf("reply to questions: %T keeps no replies", s.Store)
	}
	return rs, nil
}

// QuestionReply is an admin's reply to a learner's question.
type QuestionReply struct {
	By       string    `json:"by"`
	Text     string    `json:"text"`
	Channel  string    `json:"channel"`
	Messages int       `json:"messages"`
	At       time.Time `json:"at"`
	// Status is where its (first) message is in the outbox: queued,
	// sending, sent, delivered, read, failed, superseded (sent again by
	// SMS) or cancelled.
	Status string `json:"status"`
}

// Replied is what replying queued.
type Replied struct {
	ID      int64  `json:"id"`
	Channel string `json:"channel"`
	// Messages are the outbox rows: one on WhatsApp, one per SMS part.
	Messages int `json:"messages"`
}

// replyHeading tells the learner who answers and to what, so that the
// reply is not read as the next step of the course.
const replyHeading = "Jawaban dari %s atas pertanyaan Anda:\n"

// replyMessage is the reply as the learner gets it.
func replyMessage(who store.Admin, text string) bot.Message {
	name := who.Name
	if who.ID == 0 {
		name = "Pamong"
	}
	return bot.Message{Kind: bot.KindText, Text: fmt.Sprintf(replyHeading, name) + text}
}

// ReplyToQuestion sends text to the learner who asked question id, by
// their channel as a reply (not bulk: it leaves at once, ahead of
// announcements, whatever the hour), records who replied, when and what,
// and marks the question answered. The same limits as an announcement
// hold. Outside who's region is ErrForbidden, an unknown question
// ErrNotFound, and a learner who opted out ErrInvalid: nothing is sent.
func (s *Service) ReplyToQuestion(ctx context.Context, who store.Admin, id int64, text string) (Replied, error) {
	rs, err := s.replies()
	if err != nil {
		return Replied{}, err
	}
	text = strings.TrimSpace(text)
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		return Replied{}, invalid("the reply has no text")
	case n > MaxTextRunes:
		return Replied{}, invalid("the reply has %d characters; at most %d", n, MaxTextRunes)
	case strings.IndexFunc(text, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0:
		return Replied{}, invalid("the reply has a control character; only line breaks and tabs are allowed")
	}
	msg := replyMessage(who, text)
	// Checked for SMS whatever the learner's channel: a WhatsApp message
	// that is not delivered is sent again by SMS.
	if n := len(bot.Render(bot.SMS, []bot.Message{msg})); n > MaxSMSParts {
		return Replied{}, invalid("the reply needs %d SMS; at most %d: shorten it", n, MaxSMSParts)
	}
	r, err := rs.ReplyToQuestion(ctx, who.Scope, store.QuestionReply{QuestionID: id, AdminID: who.ID, By: answeredBy(who),
		Text: text, Message: msg})
	if errors.Is(err, store.ErrOptedOut) {
		return Replied{}, invalid("question %d: the learner has opted out (BERHENTI); nothing is sent to them", id)
	}
	if err != nil {
		return Replied{}, fromStore(err)
	}
	return Replied{ID: r.ID, Channel: string(r.Channel), Messages: len(r.OutboxIDs)}, nil
}

// withReplies fills in the replies of the listed questions.
func (s *Service) withReplies(ctx context.Context, qs []Question) error {
	rs, ok := s.Store.(replyStore)
	if !ok || len(qs) == 0 {
		return nil
	}
	ids := make([]int64, len(qs))
	at := make(map[int64]int, len(qs))
	for i, q := range qs {
		ids[i], at[q.ID] = q.ID, i
	}
	rows, err := rs.QuestionReplies(ctx, ids)
	if err != nil {
		return err
	}
	for _, r := range rows {
		q := &qs[at[r.QuestionID]]
		q.Replies = append(q.Replies, QuestionReply{By: r.By, Text: r.Text, Channel: r.Channel, Messages: r.Messages,
			At: r.CreatedAt, Status: r.Status})
	}
	return nil
}
