package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/region"
)

// The scope is checked in the same statement: a question outside it
// reports whether it exists at all, so the caller can tell 403 from 404.
// Marking twice keeps the first time and marker.
const markQuestionAnswered = `
WITH q AS (
    SELECT q.id, pamong_within(l.village_code, $2) AS inside
    FROM learner_questions q JOIN learners l ON l.id = q.learner_id WHERE q.id = $1
), u AS (
    UPDATE learner_questions SET answered_at = coalesce(answered_at, $3),
           answered_by = CASE WHEN answered_at IS NULL THEN $4 ELSE answered_by END
    WHERE id = (SELECT id FROM q WHERE inside)
    RETURNING id
)
SELECT (SELECT count(*) FROM q) AS found, (SELECT count(*) FROM u) AS updated`

// MarkQuestionAnswered records that an admin of scope answered question
// id. ErrNotFound when there is no such question, ErrOutOfScope when its
// learner lies outside scope.
func (d *DB) MarkQuestionAnswered(ctx context.Context, scope region.Code, id int64, by string) error {
	var r struct {
		Found   int `db:"found"`
		Updated int `db:"updated"`
	}
	if err := d.db.GetContext(ctx, &r, markQuestionAnswered, id, string(scope), d.now(), by); err != nil {
		return fmt.Errorf("mark question %d answered: %w", id, err)
	}
	switch {
	case r.Found == 0:
		return fmt.Errorf("question %d: %w", id, ErrNotFound)
	case r.Updated == 0:
		return fmt.Errorf("question %d: %w", id, ErrOutOfScope)
	}
	return nil
}

// ErrOptedOut is a message for a learner who has opted out: nothing is
// sent to them.
var ErrOptedOut = errors.New("the learner has opted out")

// QuestionReply is an admin's answer to a learner's question, sent through
// the outbox.
type QuestionReply struct {
	QuestionID int64
	// AdminID is who replies (0: the operator); By how their name is kept.
	AdminID int64
	By      string
	// Text is the reply as the admin wrote it, kept for people; Message
	// what the learner gets, rendered here for their channel.
	Text    string
	Message bot.Message
}

// QuestionReplied is what replying wrote.
type QuestionReplied struct {
	ID      int64
	Channel bot.Channel
	// OutboxIDs are the messages queued, in order (several SMS for a long
	// reply).
	OutboxIDs []int64
}

const (
	// lockQuestionLearner reads the question's learner and locks the row,
	// as the conversation does, so an opt-out committing at the same time
	// is seen or waits.
	lockQuestionLearner = `
SELECT l.id, l.phone, l.preferred_channel, l.opted_out_at IS NOT NULL AS opted_out,
       pamong_within(l.village_code, $2) AS inside, q.inbound_id,
       coalesce(i.channel, '') AS inbound_channel, coalesce(i.provider, '') AS inbound_provider
FROM learner_questions q JOIN learners l ON l.id = q.learner_id
LEFT JOIN inbound_messages i ON i.id = q.inbound_id
WHERE q.id = $1
FOR UPDATE OF l`
	insertQuestionReply = `
INSERT INTO question_replies (question_id, admin_id, admin_name, text, channel, messages, outbox_id, created_at)
VALUES ($1, NULLIF($2, 0), $3, $4, $5, $6, $7, $8)
RETURNING id`
	markQuestionAnsweredIn = `
UPDATE learner_questions SET answered_at = coalesce(answered_at, $2),
       answered_by = CASE WHEN answered_at IS NULL THEN $3 ELSE answered_by END
WHERE id = $1`
)

// ReplyToQuestion queues an admin's reply to question id for its learner,
// by the learner's channel at reply priority (not bulk: it does not wait
// for quiet hours, and it goes through the gateway the question came by
// when that is the channel), records the reply and marks the question
// answered, in one transaction, and wakes the dispatcher. ErrNotFound when
// there is no such question, ErrOutOfScope when its learner lies outside
// scope, ErrOptedOut when the learner has opted out.
func (d *DB) ReplyToQuestion(ctx context.Context, scope region.Code, r QuestionReply) (QuestionReplied, error) {
	var out QuestionReplied
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return out, fmt.Errorf("reply to question %d: %w", r.QuestionID, err)
	}
	defer tx.Rollback()
	var l struct {
		ID              int64         `db:"id"`
		Phone           string        `db:"phone"`
		Channel         string        `db:"preferred_channel"`
		OptedOut        bool          `db:"opted_out"`
		Inside          bool          `db:"inside"`
		InboundID       sql.NullInt64 `db:"inbound_id"`
		InboundChannel  string        `db:"inbound_channel"`
		InboundProvider string        `db:"inbound_provider"`
	}
	err = tx.GetContext(ctx, &l, lockQuestionLearner, r.QuestionID, string(scope))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return out, fmt.Errorf("question %d: %w", r.QuestionID, ErrNotFound)
	case err != nil:
		return out, fmt.Errorf("reply to question %d: %w", r.QuestionID, err)
	case !l.Inside:
		return out, fmt.Errorf("question %d: %w", r.QuestionID, ErrOutOfScope)
	case l.OptedOut:
		return out, fmt.Errorf("question %d: %w", r.QuestionID, ErrOptedOut)
	}
	out.Channel = bot.Channel(l.Channel)
	provider := ""
	if l.InboundChannel == l.Channel {
		provider = l.InboundProvider
	}
	rendered := bot.Render(out.Channel, []bot.Message{r.Message})
	if len(rendered) == 0 {
		return out, fmt.Errorf("reply to question %d: the reply renders to nothing on %s", r.QuestionID, l.Channel)
	}
	texts, contents, segments := make([]string, len(rendered)), make([]string, len(rendered)), make([]int64, len(rendered))
	for i, m := range rendered {
		content, err := json.Marshal(m.Content)
		if err != nil {
			return out, fmt.Errorf("reply to question %d: %w", r.QuestionID, err)
		}
		n, _ := bot.Segments(m.Text)
		texts[i], contents[i], segments[i] = m.Text, string(content), int64(n)
	}
	now := d.now()
	if err := tx.SelectContext(ctx, &out.OutboxIDs, insertOutbox, l.ID, l.Channel, provider, l.Phone,
		pq.Array(texts), pq.Array(contents), pq.Array(segments), "queued", l.InboundID, now); err != nil {
		return out, fmt.Errorf("reply to question %d: queue it: %w", r.QuestionID, err)
	}
	if err := tx.GetContext(ctx, &out.ID, insertQuestionReply, r.QuestionID, r.AdminID, r.By, r.Text, l.Channel,
		len(out.OutboxIDs), out.OutboxIDs[0], now); err != nil {
		return out, fmt.Errorf("reply to question %d: record it: %w", r.QuestionID, err)
	}
	if _, err := tx.ExecContext(ctx, markQuestionAnsweredIn, r.QuestionID, now, r.By); err != nil {
		return out, fmt.Errorf("reply to question %d: mark it answered: %w", r.QuestionID, err)
	}
	if err := notify(ctx, tx); err != nil {
		return out, err
	}
	if err := tx.Commit(); err != nil {
		return out, fmt.Errorf("reply to question %d: commit: %w", r.QuestionID, err)
	}
	return out, nil
}

// QuestionReplyRow is a reply as the questions page shows it, with where
// its first message is.
type QuestionReplyRow struct {
	QuestionID int64     `db:"question_id"`
	By         string    `db:"admin_name"`
	Text       string    `db:"text"`
	Channel    string    `db:"channel"`
	Messages   int       `db:"messages"`
	CreatedAt  time.Time `db:"created_at"`
	// Status is the outbox status of its first message ("" once the row
	// is gone).
	Status string `db:"status"`
}

const selectQuestionReplies = `
SELECT r.question_id, r.admin_name, r.text, r.channel, r.messages, r.created_at, coalesce(o.status, '') AS status
FROM question_replies r LEFT JOIN outbox o ON o.id = r.outbox_id
WHERE r.question_id = ANY($1)
ORDER BY r.question_id, r.id`

// QuestionReplies returns the replies to the given questions, oldest
// first for each.
func (d *DB) QuestionReplies(ctx context.Context, questionIDs []int64) ([]QuestionReplyRow, error) {
	var rs []QuestionReplyRow
	if len(questionIDs) == 0 {
		return nil, nil
	}
	if err := d.db.SelectContext(ctx, &rs, selectQuestionReplies, pq.Array(questionIDs)); err != nil {
		return nil, fmt.Errorf("list replies to %d questions: %w", len(questionIDs), err)
	}
	return rs, nil
}
