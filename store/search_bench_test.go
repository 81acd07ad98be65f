package store_test

import (
	"context"
	"testing"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/region"
)

// BenchmarkFindPlace measures one look-up at the village step, as
// HandleInbound runs it, for what officials type, over the 91,599 regions
// embedded in the binary.
func BenchmarkFindPlace(b *testing.B) {
	ctx := context.Background()
	db := pgtest.New(b)
	// The whole embedded list: the search's cost is what it costs over the
	// 91,599 regions a deployment has.
	rows, err := region.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.ImportRegions(ctx, rows, "embedded"); err != nil {
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
