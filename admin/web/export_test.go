package web_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

// The export's keyset walk gives every certificate of the filter once, in
// the list's order, across page boundaries that fall inside a run of
// certificates issued at the same moment (the seed issues them all at
// once, so only the id breaks ties).
func TestCertificatesAfterWalksEveryCertificateOnce(t *testing.T) {
	f := newFixture(t)
	f.seed(600, villages)
	for _, filter := range []store.CertificateFilter{
		{Scope: ""},
		{Scope: "52"},
		{Scope: "52", Regions: []region.Code{"52.01"}},
		{Scope: "", Status: "valid"},
	} {
		var want []int64
		if err := f.raw.Select(&want, `SELECT id FROM certificates WHERE pamong_within(village_code, $1) AND village_code LIKE $2 || '%'
			ORDER BY issued_at DESC, id DESC`, string(filter.Scope), prefix(filter)); err != nil {
			t.Fatal(err)
		}
		if len(want) < 10 {
			t.Fatalf("%+v: only %d certificates; the walk would cross no page", filter, len(want))
		}
		var got []int64
		var at *time.Time
		var id int64
		for pages := 0; ; pages++ {
			rows, err := f.db.CertificatesAfter(context.Background(), filter, at, id, 7)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range rows {
				got = append(got, c.ID)
			}
			if len(rows) < 7 {
				break
			}
			last := rows[len(rows)-1]
			at, id = &last.IssuedAt, last.ID
		}
		if !slices.Equal(got, want) {
			t.Errorf("%+v: walked %d certificates; want %d in order", filter, len(got), len(want))
		}
	}
}

func prefix(f store.CertificateFilter) string {
	if len(f.Regions) > 0 {
		return string(f.Regions[0])
	}
	return ""
}
