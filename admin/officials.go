package admin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

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
	// Problems are the first MaxProblems rows not imported, by line;
	// ProblemCount counts all of them.
	Problems     []RowProblem `json:"problems"`
	ProblemCount int          `json:"problem_count"`
	// Imported is false when nothing was written: a strict import with a
	// bad row, or a file reaching outside the admin's region.
	Imported bool `json:"imported"`
}

// MaxProblems is how many bad rows an import report lists: enough to fix a
// file by, and a file of a million bad rows still gets a short answer.
const MaxProblems = 100

// ImportOfficials loads an officials file (see OfficialsReader) for who,
// streaming it: rows go to the database as they are read, so memory stays
// bounded whatever the file's size. Good rows are upserted by phone: a new
// official is created ready to be greeted by name, a known one gets the
// file's name, role, village and channel, and nothing else of theirs
// changes (progress, conversation, opt-out). Bad rows (and all but the
// first of several rows with one phone) are reported and skipped, or, with
// strict, nothing is imported at all. A file with an official whose
// village lies outside who's region is refused whole with ErrForbidden,
// naming the first such lines.
func (s *Service) ImportOfficials(ctx context.Context, who store.Admin, r io.Reader, strict bool) (ImportReport, error) {
	rep := ImportReport{Problems: []RowProblem{}}
	rd, err := NewOfficialsReader(r)
	if err != nil {
		return rep, err
	}
	run := &importRun{rd: rd, who: who, strict: strict, rep: &rep}
	res, err := s.Store.ImportOfficialsFrom(ctx, who.Scope, run.rows, strict, MaxProblems)
	if done, err := run.refused(err); done {
		return rep, err
	}
	rep.Problems, rep.ProblemCount = mergeProblems(run.bad.list, rowProblems(res.Rejected)), run.bad.count+res.RejectedCount
	rep.Imported = res.Committed
	if res.Committed {
		rep.Inserted, rep.Updated, rep.Unchanged = res.Inserted, res.Updated, res.Unchanged
	}
	return rep, nil
}

// importRun reads an officials file for an import or its preview: it
// passes good rows on and keeps the bad ones and those outside the
// admin's region, to report.
type importRun struct {
	rd           *OfficialsReader
	who          store.Admin
	strict       bool
	rep          *ImportReport
	bad, outside problems
}

// rows yields the rows to write. They are passed on only while the import
// can still be written: after an official outside the region (or, with
// strict, a bad row) the file is read on only to count and list what is
// wrong with it.
func (run *importRun) rows(yield func(store.Official, error) bool) {
	for {
		o, problem, err := run.rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			yield(o, err)
			return
		}
		run.rep.Read++
		switch {
		case problem != "":
			run.bad.add(o.Line, problem)
		case !o.VillageCode.Within(run.who.Scope):
			run.outside.add(o.Line, fmt.Sprintf("village %s is outside your region %s", o.VillageCode, ScopeName(run.who.Scope)))
		case run.outside.count == 0 && (!run.strict || run.bad.count == 0):
			if !yield(o, nil) {
				return
			}
		}
	}
	if run.outside.count > 0 || (run.strict && run.bad.count > 0) {
		yield(store.Official{}, errNotImported)
	}
}

// refused reports a file that must not be written (done is true then),
// with the store's error as the run's outcome: a file reaching outside the
// region is ErrForbidden listing those rows; a strict file with bad rows
// lists them; any other error is returned as it is.
func (run *importRun) refused(err error) (bool, error) {
	switch {
	case run.outside.count > 0 && errors.Is(err, errNotImported):
		run.rep.Problems, run.rep.ProblemCount = run.outside.list, run.outside.count
		return true, forbidden("%d officials of the file are outside %s (first on line %d); nothing was imported",
			run.outside.count, ScopeName(run.who.Scope), run.outside.list[0].Line)
	case errors.Is(err, errNotImported):
		run.rep.Problems, run.rep.ProblemCount = run.bad.list, run.bad.count
		return true, nil
	case err != nil:
		return true, fromStore(err)
	}
	return false, nil
}

// errNotImported ends the rows of an import that must not be written.
var errNotImported = errors.New("the file is not imported")

// problems keeps the first MaxProblems rows not imported and counts them
// all; rows come in line order.
type problems struct {
	list  []RowProblem
	count int
}

func (p *problems) add(line int, reason string) {
	p.count++
	if len(p.list) < MaxProblems {
		p.list = append(p.list, RowProblem{Line: line, Reason: reason})
	}
}

// mergeProblems merges two lists ordered by line into the first
// MaxProblems of both.
func mergeProblems(a, b []RowProblem) []RowProblem {
	out := make([]RowProblem, 0, min(len(a)+len(b), MaxProblems))
	for len(out) < MaxProblems && (len(a) > 0 || len(b) > 0) {
		if len(b) == 0 || (len(a) > 0 && a[0].Line <= b[0].Line) {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return out
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
	if len(f.Regions) > MaxRegions {
		return a, norm, invalid("%d regions: at most %d regions in one request; name their common parent instead", len(f.Regions), MaxRegions)
	}
	seen := make(map[region.Code]bool, len(f.Regions))
	for _, r := range f.Regions {
		code, err := region.Parse(r)
		if err != nil {
			return a, norm, invalid("region: %v", err)
		}
		if !code.Within(who.Scope) {
			return a, norm, forbidden("region %s is outside your region %s", code, ScopeName(who.Scope))
		}
		if !seen[code] {
			seen[code] = true
			a.Regions = append(a.Regions, code)
			norm.Regions = append(norm.Regions, string(code))
		}
	}
	if len(a.Regions) > 0 {
		missing, err := s.Store.MissingRegions(ctx, a.Regions)
		if err != nil {
			return a, norm, err
		}
		switch len(missing) {
		case 0:
		case 1:
			return a, norm, invalid("region %s is not among the imported regions", missing[0])
		default:
			names := make([]string, len(missing))
			for i, m := range missing {
				names[i] = string(m)
			}
			return a, norm, invalid("regions %s are not among the imported regions", strings.Join(names, ", "))
		}
	}
	for _, r := range f.Roles {
		role, err := ParseRole(r)
		if err != nil {
			return a, norm, invalid("%v", err)
		}
		a.Roles = appendNew(a.Roles, role)
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
		a.Statuses = appendNew(a.Statuses, st)
	}
	norm.Status = a.Statuses
	for _, c := range f.Channels {
		ch, err := parseChannel(c)
		if err != nil || ch == "" {
			return a, norm, invalid("channel %q: want whatsapp or sms", c)
		}
		a.Channels = appendNew(a.Channels, ch)
	}
	norm.Channels = a.Channels
	return a, norm, nil
}

// appendNew appends v unless list has it: a value repeated thousands of
// times in a query string is one value to the database. The lists are
// short (valid values are few), so a scan is enough.
func appendNew(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// OfficialList is one page of officials.
type OfficialList struct {
	Officials []Official `json:"officials"`
	Total     int        `json:"total"`
	Limit     int        `json:"limit"`
	Offset    int        `json:"offset"`
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
	return OfficialList{Officials: officials(rows), Total: total, Limit: limit, Offset: offset}, nil
}
