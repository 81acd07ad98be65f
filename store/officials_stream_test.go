package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/pamong-desa/pamong/store"
)

// An import streams its rows: the database finds repeated phones and
// refused villages, lists the first of them and counts all; an error from
// the rows rolls everything back and comes back as it is.
func TestImportOfficialsFrom(t *testing.T) {
	ctx := context.Background()
	db, _ := openRaw(t)
	rows := func(n int, fail error) func(yield func(store.Official, error) bool) {
		return func(yield func(store.Official, error) bool) {
			for i := range n {
				o := official(i+2, fmt.Sprintf("+6281277%06d", i%(n/2)), "Pejabat", "Kepala Desa", villageLobar1, "")
				if i%5 == 4 {
					o.VillageCode = "52.01.01.2999"
				}
				if !yield(o, nil) {
					return
				}
			}
			if fail != nil {
				yield(store.Official{}, fail)
			}
		}
	}
	cut := errors.New("the upload broke off")
	res, err := db.ImportOfficialsFrom(ctx, "", rows(1000, cut), false, 10)
	if !errors.Is(err, cut) || res.Committed {
		t.Fatalf("a failing source: %+v %v", res, err)
	}
	if n := count(t, db, `SELECT count(*) FROM learners`); n != 0 {
		t.Fatalf("%d officials written by an import that failed", n)
	}

	res, err = db.ImportOfficialsFrom(ctx, "", rows(1000, nil), false, 10)
	if err != nil {
		t.Fatal(err)
	}
	// Rows 0..499 are new phones, 500..999 repeat them; every fifth row
	// names an unknown village.
	if !res.Committed || res.Inserted != 400 || res.RejectedCount != 600 || len(res.Rejected) != 10 {
		t.Fatalf("%+v", res)
	}
	if r := res.Rejected[0]; r.Line != 6 || r.Reason != "village 52.01.01.2999 is not among the imported regions" {
		t.Errorf("first refused row: %+v", r)
	}
	for i := 1; i < len(res.Rejected); i++ {
		if res.Rejected[i].Line <= res.Rejected[i-1].Line {
			t.Fatalf("refused rows out of line order: %+v", res.Rejected)
		}
	}
	res, err = db.ImportOfficialsFrom(ctx, "", rows(1000, nil), true, 1000)
	if err != nil || res.Committed || res.RejectedCount != 600 || len(res.Rejected) != 600 {
		t.Fatalf("strict: %+v %v", res, err)
	}
	want := "phone +6281277000000 is also on line 2; only line 2 is imported"
	for _, r := range res.Rejected {
		if r.Line == 502 && r.Reason != want {
			t.Errorf("line 502: %q; want %q", r.Reason, want)
		}
	}
}
