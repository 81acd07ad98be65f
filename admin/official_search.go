package admin

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/pamong-desa/pamong/phone"
	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

// OfficialSearchPage is how many officials one page of the search lists.
const OfficialSearchPage = 50

// OfficialSearch is what an admin typed into the officials search.
type OfficialSearch struct {
	// Query is a name, a phone number (any form, or part of one), a
	// village name or a region code; "" lists everyone in scope.
	Query string
	// Stage is one of store.Stages; "" is any.
	Stage string
	// After is the cursor of the page before ("" is the first page).
	After string
}

// OfficialItem is one official in a list. The phone is masked: a list is
// read over shoulders and exported in screenshots, while the official's
// own page (scope-checked) shows it whole for the admin who must call.
type OfficialItem struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	PhoneMasked string `json:"phone_masked"`
	Role        string `json:"role"`
	VillageCode string `json:"village_code"`
	VillageName string `json:"village_name"`
	Channel     string `json:"channel"`
	OptedOut    bool   `json:"opted_out"`
	Stage       string `json:"stage"`
}

// OfficialResults is one page of the officials search.
type OfficialResults struct {
	Officials []OfficialItem `json:"officials"`
	// Next is the cursor of the following page; "" on the last one.
	Next string `json:"next"`
}

// SearchOfficials finds officials inside who's scope by name, phone,
// village or region code, optionally at one stage of the course, a page at
// a time in name order. Officials outside the scope are never matched.
func (s *Service) SearchOfficials(ctx context.Context, who store.Admin, q OfficialSearch) (OfficialResults, error) {
	sq := store.OfficialQuery{Scope: who.Scope, CourseID: s.CourseID, Limit: OfficialSearchPage + 1}
	if q.Stage != "" && !slices.Contains(store.Stages, q.Stage) {
		return OfficialResults{}, invalid("stage %q: want one of %s", q.Stage, strings.Join(store.Stages, ", "))
	}
	sq.Stage = q.Stage
	text := strings.Join(strings.Fields(q.Query), " ")
	if len(text) > 100 {
		return OfficialResults{}, invalid("the search is %d characters long; type at most 100", len(text))
	}
	sq.Text, sq.Digits, sq.Code = searchTerms(text)
	if q.After != "" {
		name, id, ok := parseCursor(q.After)
		if !ok {
			return OfficialResults{}, invalid("page cursor %q is not one this dashboard wrote; start from the first page", q.After)
		}
		sq.AfterName, sq.AfterID = name, id
	}
	os, err := s.officialStore()
	if err != nil {
		return OfficialResults{}, err
	}
	hits, err := os.SearchOfficials(ctx, sq)
	if err != nil {
		return OfficialResults{}, err
	}
	res := OfficialResults{Officials: make([]OfficialItem, 0, min(len(hits), OfficialSearchPage))}
	for i, h := range hits {
		if i == OfficialSearchPage {
			last := hits[i-1]
			res.Next = cursor(last.Name, last.ID)
			break
		}
		res.Officials = append(res.Officials, OfficialItem{ID: h.ID, Name: h.Name, PhoneMasked: phone.MaskDigits(h.Phone),
			Role: h.Role, VillageCode: h.VillageCode, VillageName: h.VillageName, Channel: h.Channel, OptedOut: h.OptedOut, Stage: h.Stage})
	}
	return res, nil
}

// officialSearcher is the store's side of the officials pages, asked for
// by type assertion so that fakes of Store need not grow.
type officialSearcher interface {
	SearchOfficials(ctx context.Context, q store.OfficialQuery) ([]store.OfficialHit, error)
	OfficialDetail(ctx context.Context, scope region.Code, course string, id int64) (store.OfficialDetail, error)
}

var _ officialSearcher = (*store.DB)(nil)

func (s *Service) officialStore() (officialSearcher, error) {
	os, ok := s.Store.(officialSearcher)
	if !ok {
		return nil, fmt.Errorf("officials pages: %T cannot search officials", s.Store)
	}
	return os, nil
}

// searchTerms reads what was typed: text with a letter searches names and
// village names; a region code ("52.01.01.2001", "5201") searches a
// region; four digits or more search phones, a leading 08 read as +628 as
// Indonesians write their mobile numbers.
func searchTerms(q string) (text, digits string, code region.Code) {
	if q == "" {
		return "", "", ""
	}
	if strings.IndexFunc(q, unicode.IsLetter) >= 0 {
		return q, "", ""
	}
	if c, err := region.Parse(q); err == nil && strings.ContainsRune(q, '.') {
		return "", "", c
	}
	var b strings.Builder
	for _, r := range q {
		if '0' <= r && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if strings.HasPrefix(d, "08") {
		d = "62" + d[1:]
	}
	if len(d) >= 4 {
		digits = d
	}
	// Digits that also read as a region code without dots (5201) search
	// both, since an admin may mean either.
	if c, err := region.Parse(q); err == nil {
		code = c
	}
	if digits == "" && code == "" {
		// Too few digits to mean anything: search names, which finds
		// "Aparat 12" for "12" and nothing harmful otherwise.
		return q, "", ""
	}
	return "", digits, code
}

// cursor encodes the last row of a page: its id and its name, which the
// next page's keyset starts after.
func cursor(name string, id int64) string {
	return strconv.FormatInt(id, 10) + "." + base64.RawURLEncoding.EncodeToString([]byte(name))
}

func parseCursor(c string) (string, int64, bool) {
	idText, nameText, ok := strings.Cut(c, ".")
	if !ok {
		return "", 0, false
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return "", 0, false
	}
	name, err := base64.RawURLEncoding.DecodeString(nameText)
	if err != nil {
		return "", 0, false
	}
	return string(name), id, true
}
