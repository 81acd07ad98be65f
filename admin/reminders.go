package admin

import (
	"context"
	"fmt"
	"net/http"

	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

// ReminderStatsStore is what the reminder statistics need of the database;
// asked for as an optional interface, like CertificateStore, so fakes of
// Store need not grow.
type ReminderStatsStore interface {
	ReminderStats(ctx context.Context, scope region.Code) ([]store.ReminderRegionStats, error)
}

// ReminderStats is what nudges and spaced review did, per region one level
// below the asked one.
type ReminderStats struct {
	Region  string              `json:"region"`
	Regions []ReminderRegionRow `json:"regions"`
}

// ReminderRegionRow is one region's line.
type ReminderRegionRow struct {
	Region string `json:"region"`
	Name   string `json:"name"`
	Nudges int    `json:"nudges_sent"`
	// CameBackShare is the share of nudges answered within 2 days, 0..1.
	CameBack      int      `json:"came_back_within_2_days"`
	CameBackShare float64  `json:"came_back_share"`
	ReviewsSent   int      `json:"reviews_sent"`
	ItemsDue      int      `json:"review_items_due"`
	ItemsLive     int      `json:"review_items_live"`
	Retired       int      `json:"review_items_retired"`
	Answered      int      `json:"review_answers"`
	Accuracy      float64  `json:"review_accuracy"`
	ByBox         []BoxRow `json:"accuracy_by_box"`
}

// BoxRow is the review accuracy in one Leitner box.
type BoxRow struct {
	Box      int     `json:"box"`
	Answered int     `json:"answered"`
	Correct  int     `json:"correct"`
	Accuracy float64 `json:"accuracy"`
}

func share(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

// ReminderStats counts nudges and reviews inside who's region, or inside
// regionArg (which must lie inside it).
func (s *Service) ReminderStats(ctx context.Context, who store.Admin, regionArg string) (ReminderStats, error) {
	rs, ok := s.Store.(ReminderStatsStore)
	if !ok {
		return ReminderStats{}, fmt.Errorf("reminder statistics: %T keeps none", s.Store)
	}
	scope := who.Scope
	if regionArg != "" {
		code, err := region.Parse(regionArg)
		if err != nil {
			return ReminderStats{}, invalid("region: %v", err)
		}
		if !code.Within(who.Scope) {
			return ReminderStats{}, forbidden("region %s is outside your region %s", code, ScopeName(who.Scope))
		}
		scope = code
	}
	rows, err := rs.ReminderStats(ctx, scope)
	if err != nil {
		return ReminderStats{}, err
	}
	out := ReminderStats{Region: string(scope), Regions: []ReminderRegionRow{}}
	for _, r := range rows {
		row := ReminderRegionRow{Region: r.Region, Name: r.Name, Nudges: r.Nudges, CameBack: r.CameBack,
			CameBackShare: share(r.CameBack, r.Nudges), ReviewsSent: r.ReviewsSent, ItemsDue: r.ItemsDue,
			ItemsLive: r.ItemsLive, Retired: r.Retired, Answered: r.Answered, Accuracy: share(r.Correct, r.Answered),
			ByBox: []BoxRow{}}
		for _, b := range r.ByBox {
			row.ByBox = append(row.ByBox, BoxRow{Box: b.Box, Answered: b.Answered, Correct: b.Correct,
				Accuracy: share(b.Correct, b.Answered)})
		}
		out.Regions = append(out.Regions, row)
	}
	return out, nil
}

// reminderStats answers GET /api/v1/reminders?region=.
func (h *api) reminderStats(w http.ResponseWriter, r *http.Request) {
	st, err := h.s.ReminderStats(r.Context(), caller(r), r.URL.Query().Get("region"))
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	writeJSON(w, http.StatusOK, st)
}
