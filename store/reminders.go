package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/lessons"
)

// ReminderOptions are what the scheduler may send (PAMONG_REMINDERS,
// PAMONG_REVIEW).
type ReminderOptions struct {
	Nudges  bool
	Reviews bool
	// After is where a pass goes on: it considers only learners with a
	// greater id (0: from the first). A pass whose window is not the last
	// says where the next begins in ReminderPass.Next.
	After int64
}

// ReminderPass is what one scheduler pass did.
type ReminderPass struct {
	// Busy is true when another process was running a pass: this one did
	// nothing.
	Busy bool
	// Candidates are the learners the pass decided for.
	Candidates int
	Nudges     int
	Reviews    int
	// Messages are the outbox rows written (an SMS may take more than one).
	Messages int
	// More is true when learners after this pass's window are left to
	// look at: the caller runs another pass at once, with After = Next.
	More bool
	Next int64
	// Mismatched counts learners the SQL chose but the rules of package bot
	// refused; their day was given back. Always 0 unless the two disagree.
	Mismatched int
}

// ReminderBatch is how many learners one pass looks at: a window of ids. The
// day's first pass over a whole programme (72,000 learners due at 09:00)
// would otherwise be one long transaction writing 72,000 outbox rows, most
// of its time PostgreSQL's own per-row cost (an announcement of the same
// size costs the same), which no query shape removes. In batches each pass
// stays short and holds the scheduler's lock briefly, the scheduler runs
// the next at once, and the sweep as a whole looks at each learner once:
// a pass reads learners in id order from where the last one stopped. The
// WhatsApp pacing sends far fewer than a batch a minute anyway.
const ReminderBatch = 10000

// reminderLock is the advisory lock key of the scheduler pass: one pass at
// a time over the whole database, whichever process runs it.
const reminderLock = 0x70616d6f6e6701 // "pamong" 1

const takeReminderLock = `SELECT pg_try_advisory_xact_lock($1)`

// RunReminders runs one scheduler pass at the store's clock: it decides
// for each learner with something due whether today's one bot-initiated
// message is a nudge or a review question, and queues it at bulk
// priority, all in one transaction. A pass looks at ReminderBatch
// learners after opt.After; ReminderPass.More says whether more are left.
// Several processes may call it: one pass runs at a time (a process that
// finds the lock taken ends its sweep; the holder goes on), and a
// learner's day is taken at most once.
func (d *DB) RunReminders(ctx context.Context, course *lessons.Course, opt ReminderOptions) (ReminderPass, error) {
	var res ReminderPass
	if !opt.Nudges && !opt.Reviews {
		return res, nil
	}
	now := d.now()
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("reminder pass: begin: %w", err)
	}
	defer tx.Rollback()
	var locked bool
	if err := tx.GetContext(ctx, &locked, takeReminderLock, int64(reminderLock)); err != nil {
		return res, fmt.Errorf("reminder pass: lock: %w", err)
	}
	if !locked {
		res.Busy = true
		return res, nil
	}
	if _, err := tx.ExecContext(ctx, inMemory); err != nil {
		return res, fmt.Errorf("reminder pass: %w", err)
	}
	taken, next, err := decideReminders(ctx, tx, course, opt, now, ReminderBatch)
	if err != nil {
		return res, err
	}
	res.Candidates, res.More, res.Next = len(taken), next != 0, next
	if len(taken) == 0 {
		// Nothing written; the transaction only ends the lock.
		return res, nil
	}
	queue := make([]botMessage, 0, len(taken))
	var refused []*takenDay
	for i := range taken {
		t := &taken[i]
		msg, ok, err := renderReminder(t, course, opt, now)
		if err != nil {
			return res, err
		}
		if !ok {
			refused = append(refused, t)
			continue
		}
		if t.Kind == "review" {
			res.Reviews++
		} else {
			res.Nudges++
		}
		queue = append(queue, botMessage{LearnerID: t.ID, Channel: bot.Channel(t.Channel), To: t.Phone,
			VillageCode: t.VillageCode.String, Message: msg})
	}
	if res.Mismatched = len(refused); len(refused) > 0 {
		if err := giveBackDays(ctx, tx, refused); err != nil {
			return res, err
		}
	}
	if res.Messages, err = queueBotMessages(ctx, tx, queue, now); err != nil {
		return res, err
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("reminder pass: commit: %w", err)
	}
	return res, nil
}

// renderReminder checks the decision the SQL took for one learner against
// the rules of package bot, which own them, and renders its message. ok is
// false when the rules refuse it (or the course lost the question).
func renderReminder(t *takenDay, course *lessons.Course, opt ReminderOptions, now time.Time) (bot.Message, bool, error) {
	offset := time.Duration(t.OffsetSeconds) * time.Second
	if !bot.InDay(now, offset) || now.Before(bot.LocalSlot(now, offset, t.UsualHour)) {
		return bot.Message{}, false, nil
	}
	var enr *enrolmentRow
	if t.Enrolled {
		enr = &t.enrolmentRow
	}
	st, err := toState(t.learnerRow, enr)
	if err != nil {
		return bot.Message{}, false, fmt.Errorf("reminder pass: state of learner %d: %w", t.ID, err)
	}
	nudge := false
	if opt.Nudges && bot.WantsNudge(st, t.Imported, now) {
		h := bot.NudgeHistory{Sent: t.Sent, LastVariant: t.LastVariant}
		if t.LastAt != nil {
			h.Last = *t.LastAt
		}
		due, ok := bot.NudgeDue(st.Progress != nil, t.IdleSince, h)
		nudge = ok && !now.Before(due)
	}
	switch {
	case t.Kind == "nudge" && nudge && t.Variant == bot.NextVariant(t.LastVariant):
		return bot.Nudge(st, course, t.Variant), true, nil
	case t.Kind == "review" && !nudge && opt.Reviews:
		h := bot.ReviewHistory{Unanswered: t.Unanswered}
		if t.LastAny != nil {
			h.Last = *t.LastAny
		}
		if !bot.CanReview(st, h, now) {
			return bot.Message{}, false, nil
		}
		_, msg, ok := bot.AskReview(st, course, t.Quiz, t.Question, now)
		return msg, ok, nil
	}
	return bot.Message{}, false, nil
}

// deleteRefusedDays deletes the days the pass took for learners the rules
// refused, so that nothing is recorded as sent that was not.
const deleteRefusedDays = `
DELETE FROM reminders r USING unnest($1::bigint[], $2::date[]) AS u(learner_id, day)
WHERE r.learner_id = u.learner_id AND r.day = u.day`

func giveBackDays(ctx context.Context, tx *sqlx.Tx, refused []*takenDay) error {
	ids, days := make([]int64, len(refused)), make([]string, len(refused))
	for i, t := range refused {
		ids[i], days[i] = t.ID, t.Day.Format(time.DateOnly)
	}
	if _, err := tx.ExecContext(ctx, deleteRefusedDays, pq.Array(ids), pq.Array(days)); err != nil {
		return fmt.Errorf("reminder pass: give back %d days: %w", len(refused), err)
	}
	return nil
}
