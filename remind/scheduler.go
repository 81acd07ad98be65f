// Package remind runs the reminder scheduler inside pamong serve: a pass
// every minute that queues the day's nudges and review questions. The
// rules live in package bot and the decisions in package store; this is
// only the loop, so that any number of serve processes can run it (the
// store makes a pass exclusive and each learner's day idempotent).
package remind

import (
	"context"
	"log/slog"
	"time"

	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/store"
)

// Store is what the scheduler needs of the database.
type Store interface {
	RunReminders(ctx context.Context, course *lessons.Course, opt store.ReminderOptions) (store.ReminderPass, error)
}

var _ Store = (*store.DB)(nil)

// DefaultEvery is the time between passes: short enough that a learner's
// usual hour is met within minutes, long enough to cost nothing.
const DefaultEvery = time.Minute

// Scheduler runs passes until its context ends.
type Scheduler struct {
	Store   Store
	Course  *lessons.Course
	Options store.ReminderOptions
	// Every is the time between passes; DefaultEvery when zero.
	Every time.Duration
	Log   *slog.Logger
}

// Run passes at once and then every Every. A failed pass is logged and the
// next one tries again: nothing is lost, since a pass only ever looks at
// today. After downtime it sends no backlog for the same reason.
func (s *Scheduler) Run(ctx context.Context) {
	if !s.Options.Nudges && !s.Options.Reviews {
		s.Log.Info("reminders and reviews are off (PAMONG_REMINDERS, PAMONG_REVIEW)")
		return
	}
	every := s.Every
	if every <= 0 {
		every = DefaultEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		s.pass(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// pass runs passes until one leaves nobody due: a pass decides for at most
// a batch of learners, and the day's first one at 09:00 may find tens of
// thousands.
func (s *Scheduler) pass(ctx context.Context) {
	opt := s.Options
	for ctx.Err() == nil {
		start := time.Now()
		res, err := s.Store.RunReminders(ctx, s.Course, opt)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				s.Log.Error("reminder pass failed", "err", err)
			}
			return
		case res.Mismatched > 0:
			// The SQL and package bot disagree about a rule: a bug, and
			// those learners get nothing today rather than a wrong message.
			s.Log.Warn("reminder pass: rules refused learners the query chose", "learners", res.Mismatched)
		}
		if res.Nudges+res.Reviews > 0 {
			s.Log.Info("reminders queued", "nudges", res.Nudges, "reviews", res.Reviews, "messages", res.Messages,
				"candidates", res.Candidates, "took", time.Since(start).Round(time.Millisecond).String())
		}
		if !res.More {
			return
		}
		opt.After = res.Next
	}
}
