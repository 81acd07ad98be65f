package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

func TestImportRegionsIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	rows := []region.Region{{Code: "32", Name: "Jawa Barat"}, {Code: "32.04", Name: "Kabupaten Bandung"},
		{Code: "32.04.05", Name: "Cileunyi"}, {Code: "32.04.05.2001", Name: "Cileunyi Kulon"}}
	got, err := db.ImportRegions(ctx, rows, "test")
	if err != nil || got.Inserted != 4 || got.Updated != 0 {
		t.Fatalf("first import: %+v, %v", got, err)
	}
	rows[3].Name = "Cileunyi Kulon (baru)"
	got, err = db.ImportRegions(ctx, rows, "test")
	if err != nil || got.Inserted != 0 || got.Updated != 1 || got.Unchanged != 3 {
		t.Fatalf("second import: %+v, %v", got, err)
	}
	path, err := db.RegionPath(ctx, "32.04.05.2001")
	if err != nil || len(path) != 4 || path[0].Name != "Jawa Barat" || path[3].Name != "Cileunyi Kulon (baru)" {
		t.Fatalf("path %v, %v", path, err)
	}
	if path, err := db.RegionPath(ctx, "32.04.05.2999"); err != nil || path != nil {
		t.Fatalf("unknown village: %v, %v", path, err)
	}
}

func TestImportReferenceFileTwice(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	rows, err := region.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	first, err := db.ImportRegions(ctx, rows, "wilayah.csv")
	if err != nil || first.Inserted != region.EmbeddedCount {
		t.Fatalf("first: %+v %v", first, err)
	}
	second, err := db.ImportRegions(ctx, rows, "wilayah.csv")
	if err != nil || second.Unchanged != region.EmbeddedCount {
		t.Fatalf("second: %+v %v", second, err)
	}
	st, err := db.RegionStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Provinces != 38 || st.Regencies != 514 || st.Districts != 7285 || st.Villages != 83762 || st.Last == nil || st.Last.Source != "wilayah.csv" || st.Last.Embedded {
		t.Fatalf("status %+v, last %+v", st, st.Last)
	}
}

// Several processes start together on an empty database: exactly one seeds,
// the others wait for it and find the rows, and a later file import still
// replaces names.
func TestSeedRegionsOnceUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	rows := []region.Region{
		{Code: "32", Name: "Jawa Barat"}, {Code: "32.04", Name: "Kabupaten Bandung"},
		{Code: "32.04.05", Name: "Cileunyi"}, {Code: "32.04.05.2001", Name: "Cileunyi Kulon"},
	}
	var (
		loads  atomic.Int32
		wg     sync.WaitGroup
		seeded = make([]int, 6)
		errs   = make([]error, 6)
	)
	for i := range seeded {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := store.Open(ctx, url)
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			seeded[i], errs[i] = db.SeedRegions(ctx, "embedded", func() ([]region.Region, error) {
				loads.Add(1)
				return rows, nil
			})
		}()
	}
	wg.Wait()
	total := 0
	for i := range seeded {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		total += seeded[i]
	}
	if total != len(rows) || loads.Load() != 1 {
		t.Fatalf("seeded %v (total %d), loaded %d times; want %d once", seeded, total, loads.Load(), len(rows))
	}

	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ImportRegions(ctx, []region.Region{{Code: "32.04.05.2001", Name: "Cileunyi Kulon Baru"}}, "/srv/wilayah-2026.csv"); err != nil {
		t.Fatal(err)
	}
	if n, err := db.SeedRegions(ctx, "embedded", func() ([]region.Region, error) { return nil, errors.New("must not load") }); err != nil || n != 0 {
		t.Fatalf("seed over existing rows: %d, %v", n, err)
	}
	st, err := db.RegionStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Provinces != 1 || st.Villages != 1 || st.Last == nil || st.Last.Source != "/srv/wilayah-2026.csv" || st.Last.Updated != 1 {
		t.Fatalf("status %+v, last %+v", st, st.Last)
	}
	path, err := db.RegionPath(ctx, "32.04.05.2001")
	if err != nil || len(path) != 4 || path[3].Name != "Cileunyi Kulon Baru" {
		t.Fatalf("path %v, %v", path, err)
	}
}
