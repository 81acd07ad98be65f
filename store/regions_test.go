package store_test

import (
	"context"
	"os"
	"testing"

	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/region"
)

func TestImportRegionsIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	rows := []region.Region{{Code: "32", Name: "Jawa Barat"}, {Code: "32.04", Name: "Kabupaten Bandung"},
		{Code: "32.04.05", Name: "Cileunyi"}, {Code: "32.04.05.2001", Name: "Cileunyi Kulon"}}
	got, err := db.ImportRegions(ctx, rows)
	if err != nil || got.Inserted != 4 || got.Updated != 0 {
		t.Fatalf("first import: %+v, %v", got, err)
	}
	rows[3].Name = "Cileunyi Kulon (baru)"
	got, err = db.ImportRegions(ctx, rows)
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
	f, err := os.Open("../../shared/data/wilayah.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, bad, err := region.ReadCSV(f)
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	first, err := db.ImportRegions(ctx, rows)
	if err != nil || first.Inserted != 91599 {
		t.Fatalf("first: %+v %v", first, err)
	}
	second, err := db.ImportRegions(ctx, rows)
	if err != nil || second.Unchanged != 91599 {
		t.Fatalf("second: %+v %v", second, err)
	}
}
