package admin

import (
	"context"
	"time"

	"github.com/pamong-desa/pamong/store"
)

// FunnelStep is one bar of the completion funnel.
type FunnelStep struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Count int    `json:"count"`
	// Percent is of the officials in scope, 0 when there are none.
	Percent float64 `json:"percent"`
}

// ChannelStats is the traffic of one channel with its rates, in percent of
// the messages written.
type ChannelStats struct {
	Channel       string  `json:"channel"`
	Messages      int     `json:"messages"`
	Delivered     int     `json:"delivered"`
	Failed        int     `json:"failed"`
	Pending       int     `json:"pending"`
	DeliveredRate float64 `json:"delivered_rate"`
	FailedRate    float64 `json:"failed_rate"`
}

// Overview is the first page of the dashboard: the funnel of the admin's
// scope, the average gain, who is active and what was sent.
type Overview struct {
	Scope string       `json:"scope"`
	Steps []FunnelStep `json:"steps"`
	// AverageGain is in percentage points; nil when no one took both tests.
	AverageGain *float64       `json:"average_gain"`
	Gained      int            `json:"gained"`
	Active7d    int            `json:"active_7d"`
	Channels    []ChannelStats `json:"channels"`
	// At is when the numbers were counted: now, or the rollup's time when
	// FromRollup (see RollupEvery).
	At         time.Time `json:"at"`
	FromRollup bool      `json:"from_rollup"`
}

func percent(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) * 100 / float64(of)
}

// Overview counts the funnel and the last 30 days' messages inside who's
// scope: from the rollup serve keeps when it is fresh (RollupMaxAge), else
// live from the tables.
func (s *Service) Overview(ctx context.Context, who store.Admin) (Overview, error) {
	ds, err := s.dash()
	if err != nil {
		return Overview{}, err
	}
	now := s.now()
	f, traffic, at, fromRollup, err := s.rollupOverview(ctx, ds, who.Scope)
	if err != nil {
		return Overview{}, err
	}
	if !fromRollup {
		at = now
		if f, err = ds.Funnel(ctx, who.Scope, s.CourseID, now.Add(-7*24*time.Hour)); err != nil {
			return Overview{}, err
		}
		if traffic, err = ds.ChannelTraffic(ctx, who.Scope, now.Add(-30*24*time.Hour)); err != nil {
			return Overview{}, err
		}
	}
	o := Overview{Scope: ScopeName(who.Scope), Active7d: f.Active, Gained: f.Gained, At: at, FromRollup: fromRollup}
	for _, st := range []struct {
		key, label string
		n          int
	}{
		{"officials", "Aparat tercatat", f.Officials},
		{"registered", "Sudah mendaftar", f.Registered},
		{"pretest", "Pretest selesai", f.Pretest},
		{"lesson", "≥1 pelajaran selesai", f.Lesson},
		{"passed", "Lulus post-test", f.Passed},
		{"certified", "Bersertifikat", f.Certified},
	} {
		o.Steps = append(o.Steps, FunnelStep{Key: st.key, Label: st.label, Count: st.n, Percent: percent(st.n, f.Officials)})
	}
	if f.Gained > 0 {
		g := float64(f.GainSum) / float64(f.Gained)
		o.AverageGain = &g
	}
	for _, t := range traffic {
		o.Channels = append(o.Channels, ChannelStats{Channel: t.Channel, Messages: t.Messages, Delivered: t.Delivered,
			Failed: t.Failed, Pending: t.Pending + t.Sent,
			DeliveredRate: percent(t.Delivered, t.Messages), FailedRate: percent(t.Failed, t.Messages)})
	}
	return o, nil
}
