package store_test

import (
	"context"
	"os"
	"testing"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/region"
)

// BenchmarkFindPlace measures one look-up at the village step, as
// HandleInbound runs it, for what officials type. With PAMONG_REGIONS_CSV
// naming the Kemendagri reference file (91,599 regions) it measures at
// full size; without it, over the test fixture, which says little about
// time.
func BenchmarkFindPlace(b *testing.B) {
	ctx := context.Background()
	db := pgtest.New(b)
	rows := searchRegions
	if path := os.Getenv("PAMONG_REGIONS_CSV"); path != "" {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		var bad []region.RowError
		rows, bad, err = region.ReadCSV(f)
		f.Close()
		if err != nil || len(bad) > 0 {
			b.Fatalf("read %s: %v %v", path, err, bad)
		}
	} else {
		b.Logf("PAMONG_REGIONS_CSV is unset: searching the %d-region fixture, not the full reference file", len(searchRegions))
	}
	if _, err := db.ImportRegions(ctx, rows); err != nil {
		b.Fatal(err)
	}
	if err := db.Analyze(ctx); err != nil {
		b.Fatal(err)
	}
	for _, text := range []string{
		"3204052001", "320405", "cileunyi kulon", "Cileuny Kulon", "Desa Cileunyi Kulon Kab Bandung",
		"sukamaju", "sukamaju kab bandung", "kecamatan cileunyi", "kuta",
	} {
		q := bot.ParsePlaceQuery(text)
		b.Run(text, func(b *testing.B) {
			for b.Loop() {
				if _, _, _, err := db.FindPlace(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
