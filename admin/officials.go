package admin

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

// ImportReport is the outcome of an officials import.
type ImportReport struct {
	// Read counts the data rows of the file (blank lines not counted).
	Read      int `json:"read"`
	Inserted  int `json:"inserted"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	// Problems are the rows not imported, by line.
	Problems []store.RowProblem `json:"problems"`
	// Imported is false when nothing was written: a strict import with a
	// bad row, or a file reaching outside the admin's region.
	Imported bool `json:"imported"`
}

// ImportOfficials loads an officials file (see ReadOfficials) for who.
// Good rows are upserted by phone: a new official is created ready to be
// greeted by name, a known one gets the file's name, role, village and
// channel, and nothing else of theirs changes (progress, conversation,
// opt-out). Bad rows are reported and skipped, or, with strict, nothing is
// imported at all. A file with an official whose village lies outside
// who's region is refused whole with ErrForbidden, naming the lines.
func (s *Service) ImportOfficials(ctx context.Context, who store.Admin, r io.Reader, strict bool) (ImportReport, error) {
	rep := ImportReport{Problems: []store.RowProblem{}}
	rows, bad, err := ReadOfficials(r)
	if err != nil {
		return rep, err
	}
	rep.Read = len(rows) + len(bad)
	var outside []store.RowProblem
	for _, o := range rows {
		if !o.VillageCode.Within(who.Scope) {
			outside = append(outside, store.RowProblem{Line: o.Line,
				Reason: fmt.Sprintf("village %s is outside your region %s", o.VillageCode, ScopeName(who.Scope))})
		}
	}
	if len(outside) > 0 {
		rep.Problems = outside
		return rep, forbidden("%d officials of the file are outside %s (first on line %d); nothing was imported",
			len(outside), ScopeName(who.Scope), outside[0].Line)
	}
	rep.Problems = append(rep.Problems, bad...)
	if strict && len(bad) > 0 {
		return rep, nil
	}
	res, err := s.Store.ImportOfficials(ctx, who.Scope, rows, strict)
	if err != nil {
		return rep, fromStore(err)
	}
	rep.Problems = append(rep.Problems, res.Rejected...)
	sort.SliceStable(rep.Problems, func(i, j int) bool { return rep.Problems[i].Line < rep.Problems[j].Line })
	rep.Imported = res.Committed
	if res.Committed {
		rep.Inserted, rep.Updated, rep.Unchanged = res.Inserted, res.Updated, res.Unchanged
	}
	return rep, nil
}

// Filter is a selection of officials as an admin composes it.
type Filter struct {
	// Regions are region codes in any form region.Parse accepts.
	Regions []string `json:"regions,omitempty"`
	// Roles are names or abbreviations ParseRole accepts.
	Roles []string `json:"roles,omitempty"`
	// Status is not_started, in_progress or completed (the course).
	Status []string `json:"status,omitempty"`
	// Channels are whatsapp or sms.
	Channels []string `json:"channels,omitempty"`
}

// CourseStatuses are the values of Filter.Status.
var CourseStatuses = []string{"not_started", "in_progress", "completed"}

// audience turns a filter into the store's terms inside who's scope. A
// region outside the scope is ErrForbidden; an unknown value ErrInvalid.
func (s *Service) audience(ctx context.Context, who store.Admin, f Filter) (store.Audience, Filter, error) {
	a := store.Audience{Scope: who.Scope, CourseID: s.CourseID}
	var norm Filter
	for _, r := range f.Regions {
		code, err := region.Parse(r)
		if err != nil {
			return a, norm, invalid("region: %v", err)
		}
		if !code.Within(who.Scope) {
			return a, norm, forbidden("region %s is outside your region %s", code, ScopeName(who.Scope))
		}
		ok, err := s.Store.RegionExists(ctx, code)
		if err != nil {
			return a, norm, err
		}
		if !ok {
			return a, norm, invalid("region %s is not among the imported regions", code)
		}
		a.Regions = append(a.Regions, code)
		norm.Regions = append(norm.Regions, string(code))
	}
	for _, r := range f.Roles {
		role, err := ParseRole(r)
		if err != nil {
			return a, norm, invalid("%v", err)
		}
		a.Roles = append(a.Roles, role)
	}
	norm.Roles = a.Roles
	for _, st := range f.Status {
		ok := false
		for _, known := range CourseStatuses {
			ok = ok || st == known
		}
		if !ok {
			return a, norm, invalid("status %q: want not_started, in_progress or completed", st)
		}
		a.Statuses = append(a.Statuses, st)
	}
	norm.Status = a.Statuses
	for _, c := range f.Channels {
		ch, err := parseChannel(c)
		if err != nil || ch == "" {
			return a, norm, invalid("channel %q: want whatsapp or sms", c)
		}
		a.Channels = append(a.Channels, ch)
	}
	norm.Channels = a.Channels
	return a, norm, nil
}

// OfficialList is one page of officials.
type OfficialList struct {
	Officials []store.OfficialRow `json:"officials"`
	Total     int                 `json:"total"`
	Limit     int                 `json:"limit"`
	Offset    int                 `json:"offset"`
}

// MaxPage is the most officials one list call returns.
const MaxPage = 1000

// Officials lists the officials who match f inside who's region (the
// whole region when f is empty), opted-out ones included.
func (s *Service) Officials(ctx context.Context, who store.Admin, f Filter, limit, offset int) (OfficialList, error) {
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	offset = max(offset, 0)
	a, _, err := s.audience(ctx, who, f)
	if err != nil {
		return OfficialList{}, err
	}
	rows, total, err := s.Store.Officials(ctx, a, limit, offset)
	if err != nil {
		return OfficialList{}, err
	}
	if rows == nil {
		rows = []store.OfficialRow{}
	}
	return OfficialList{Officials: rows, Total: total, Limit: limit, Offset: offset}, nil
}
