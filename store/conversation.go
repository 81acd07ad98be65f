package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/lessons"
)

// Inbound is a message as a channel received it.
type Inbound struct {
	Channel bot.Channel
	// Provider is the gateway the message came through ("twilio",
	// "kannel", "whatsmeow"); replies go back through it.
	Provider string
	// ProviderID is the provider's id of the message: a second delivery of
	// the same id changes nothing.
	ProviderID string
	Phone      string // E.164
	Text       string
	// Terminal marks the replies as already delivered (pamong chat prints
	// them): they are recorded in the outbox but never sent.
	Terminal bool
}

// Reply is one outbox row written for an inbound message.
type Reply struct {
	ID       int64
	Channel  bot.Channel
	To       string
	Text     string
	Segments int
	Encoding string
}

// Handled is the outcome of one inbound message.
type Handled struct {
	// Duplicate is true when the message had been handled before.
	Duplicate bool
	LearnerID int64
	Replies   []Reply
	Events    []bot.Event
}

// outboxChannel is the NOTIFY channel the dispatcher listens on.
const outboxChannel = "pamong_outbox"

// HandleInbound applies one inbound message in one transaction: record it
// (or stop at a duplicate), lock the learner, run the engine, and write the
// new state, the scored answers, the learner's questions and the replies
// to the outbox. Messages of one learner are applied one at a time, in the
// order their transactions take the learner's lock; different learners run
// in parallel.
func (d *DB) HandleInbound(ctx context.Context, in Inbound, course *lessons.Course) (Handled, error) {
	var res Handled
	now := d.now()
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("handle message %s/%s: begin: %w", in.Channel, in.ProviderID, err)
	}
	defer tx.Rollback()

	lr, err := lockLearner(ctx, tx, in.Phone, in.Channel)
	if err != nil {
		return res, err
	}
	res.LearnerID = lr.ID
	inboundID, dup, err := insertInbound(ctx, tx, lr.ID, in, now)
	if err != nil || dup {
		res.Duplicate = dup
		return res, err
	}
	enr, err := loadEnrolment(ctx, tx, lr.ID, course.ID)
	if err != nil {
		return res, err
	}
	st, err := toState(lr, enr)
	if err != nil {
		return res, err
	}
	if err := loadPendingReview(ctx, tx, lr.ID, &st); err != nil {
		return res, err
	}
	input := bot.Input{Text: in.Text, Channel: in.Channel, Now: now}
	if err := lookupPlace(ctx, tx, bot.PlaceLookup(st, in.Text), &input); err != nil {
		return res, err
	}
	own, check, err := d.certificateInput(ctx, tx, lr, course, in, now)
	if err != nil {
		return res, err
	}
	input.Certificate, input.Check = own, check
	out := bot.Step(st, input, course)
	res.Events = out.Events

	if err := saveLearner(ctx, tx, lr.ID, out, now); err != nil {
		return res, err
	}
	if out.State.Progress != nil {
		if err := saveEnrolment(ctx, tx, lr.ID, out.State, now); err != nil {
			return res, err
		}
	}
	if err := insertAnswers(ctx, tx, lr.ID, inboundID, out.Events, now); err != nil {
		return res, err
	}
	if err := applyReviews(ctx, tx, lr.ID, inboundID, out.Events, now); err != nil {
		return res, err
	}
	if err := insertQuestions(ctx, tx, lr.ID, inboundID, out.Events, now); err != nil {
		return res, err
	}
	if err := d.applyCertificates(ctx, tx, lr.ID, course, own, out, now); err != nil {
		return res, err
	}
	for _, e := range out.Events {
		if _, ok := e.(bot.OptedOut); ok {
			// Whatever was queued (an announcement, a reply not yet sent)
			// must not reach someone who said stop; only the confirmation,
			// written below, goes.
			if _, err := tx.ExecContext(ctx, cancelQueued, lr.ID, "learner opted out"); err != nil {
				return res, fmt.Errorf("cancel messages of learner %d: %w", lr.ID, err)
			}
		}
	}
	if res.Replies, err = insertReplies(ctx, tx, lr.ID, inboundID, in, out.Channel, out.Messages, now); err != nil {
		return res, err
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("handle message %s/%s: commit: %w", in.Channel, in.ProviderID, err)
	}
	// After the commit, not inside it: a NOTIFY in every transaction
	// serialises their commits (wake.go).
	if len(res.Replies) > 0 && !in.Terminal {
		d.wakeDispatchers()
	}
	return res, nil
}

// learnerRow is a learners row as the engine needs it.
type learnerRow struct {
	ID           int64          `db:"id"`
	Phone        string         `db:"phone"`
	Name         string         `db:"name"`
	Role         string         `db:"role"`
	RoleTitle    string         `db:"role_title"`
	VillageCode  sql.NullString `db:"village_code"`
	Channel      string         `db:"preferred_channel"`
	Registered   bool           `db:"registered"`
	OptedOut     bool           `db:"opted_out"`
	Conversation []byte         `db:"conversation"`
}

const (
	insertLearner = `INSERT INTO learners (phone, preferred_channel) VALUES ($1, $2) ON CONFLICT (phone) DO NOTHING`
	selectLearner = `
SELECT id, phone, name, role, role_title, village_code, preferred_channel,
       registered_at IS NOT NULL AS registered, opted_out_at IS NOT NULL AS opted_out, conversation
FROM learners WHERE phone = $1 FOR NO KEY UPDATE`
)

// lockLearner returns the learner with this phone, created if new, locked
// until the transaction ends. Almost every message comes from a known
// learner: the lock is tried first, and the insert (then the lock again)
// only when there is no row, which saves a statement per message.
func lockLearner(ctx context.Context, tx *sqlx.Tx, phone string, ch bot.Channel) (learnerRow, error) {
	var lr learnerRow
	err := tx.GetContext(ctx, &lr, selectLearner, phone)
	if err == nil {
		return lr, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return lr, fmt.Errorf("lock learner: %w", err)
	}
	if _, err := tx.ExecContext(ctx, insertLearner, phone, string(ch)); err != nil {
		return lr, fmt.Errorf("create learner: %w", err)
	}
	if err := tx.GetContext(ctx, &lr, selectLearner, phone); err != nil {
		return lr, fmt.Errorf("lock learner: %w", err)
	}
	return lr, nil
}

const insertInboundMessage = `
INSERT INTO inbound_messages (channel, provider, provider_id, learner_id, text, received_at)
VALUES ($1, $6, $2, $3, $4, $5)
ON CONFLICT (channel, provider, provider_id) DO NOTHING
RETURNING id`

func insertInbound(ctx context.Context, tx *sqlx.Tx, learnerID int64, in Inbound, now time.Time) (id int64, dup bool, err error) {
	err = tx.GetContext(ctx, &id, insertInboundMessage, string(in.Channel), in.ProviderID, learnerID, in.Text, now, in.Provider)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, true, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("record inbound message %s/%s: %w", in.Channel, in.ProviderID, err)
	}
	return id, false, nil
}

const updateLearner = `
UPDATE learners SET
    name = $2, role = $3, role_title = $10, village_code = NULLIF($4, ''), preferred_channel = $5,
    registered_at = CASE WHEN $6 THEN coalesce(registered_at, $9) END,
    opted_out_at  = CASE WHEN $7 THEN coalesce(opted_out_at, $9) END,
    conversation = $8, last_inbound_at = $9, updated_at = $9
WHERE id = $1`

func saveLearner(ctx context.Context, tx *sqlx.Tx, id int64, out bot.Output, now time.Time) error {
	l := out.State.Learner
	conv, err := json.Marshal(out.State.Conversation)
	if err != nil {
		return fmt.Errorf("save learner %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, updateLearner, id, l.Name, l.Role, l.VillageCode, string(l.Channel),
		l.Registered, l.OptedOut, conv, now, l.RoleTitle); err != nil {
		return fmt.Errorf("save learner %d: %w", id, err)
	}
	return nil
}

const insertAnswer = `
INSERT INTO answers (learner_id, course_id, quiz_id, question_id, attempt, choice, correct, inbound_id, answered_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (learner_id, course_id, quiz_id, question_id, attempt) DO NOTHING`

func insertAnswers(ctx context.Context, tx *sqlx.Tx, learnerID, inboundID int64, events []bot.Event, now time.Time) error {
	for _, e := range events {
		a, ok := e.(bot.AnswerRecorded)
		if !ok {
			continue
		}
		if _, err := tx.ExecContext(ctx, insertAnswer, learnerID, a.CourseID, a.QuizID, a.QuestionID, a.Attempt,
			a.Choice, a.Correct, inboundID, now); err != nil {
			return fmt.Errorf("record answer to %s for learner %d: %w", a.QuestionID, learnerID, err)
		}
	}
	return nil
}

// insertOutbox writes all replies of one message in one statement, in
// order: ids follow the order of the arrays.
const insertOutbox = `
INSERT INTO outbox (learner_id, channel, provider, to_address, text, content, segments, priority, status, in_reply_to,
                    sent_at, created_at, next_attempt_at)
SELECT $1, $2, $3, $4, u.text, u.content::jsonb, u.segments, 0, $8, $9, CASE WHEN $8 = 'sent' THEN $10::timestamptz END, $10, $10
FROM unnest($5::text[], $6::text[], $7::int[]) WITH ORDINALITY AS u(text, content, segments, n)
ORDER BY u.n
RETURNING id`

// insertReplies renders the engine's messages for the reply channel and
// queues them, in order, at reply priority; on the channel the learner
// wrote from, through the same gateway.
func insertReplies(ctx context.Context, tx *sqlx.Tx, learnerID, inboundID int64, in Inbound, ch bot.Channel, msgs []bot.Message, now time.Time) ([]Reply, error) {
	status, provider := "queued", in.Provider
	if ch != in.Channel {
		provider = ""
	}
	if in.Terminal {
		status, provider = "sent", "terminal"
	}
	rendered := bot.Render(ch, msgs)
	if len(rendered) == 0 {
		return nil, nil
	}
	replies := make([]Reply, len(rendered))
	texts, contents, segments := make([]string, len(rendered)), make([]string, len(rendered)), make([]int64, len(rendered))
	for i, r := range rendered {
		content, err := json.Marshal(r.Content)
		if err != nil {
			return nil, fmt.Errorf("queue reply: %w", err)
		}
		replies[i] = Reply{Channel: ch, To: in.Phone, Text: r.Text}
		replies[i].Segments, replies[i].Encoding = bot.Segments(r.Text)
		texts[i], contents[i], segments[i] = r.Text, string(content), int64(replies[i].Segments)
	}
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, insertOutbox, learnerID, string(ch), provider, in.Phone,
		pq.Array(texts), pq.Array(contents), pq.Array(segments), status, inboundID, now); err != nil {
		return nil, fmt.Errorf("queue replies to learner %d: %w", learnerID, err)
	}
	for i := range replies {
		replies[i].ID = ids[i]
	}
	return replies, nil
}
