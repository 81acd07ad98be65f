package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pamong-desa/pamong/region"
)

const regionsUsage = `regions import FILE.csv | regions status

Pamong ships Kemendagri's region codes (` + region.EmbeddedSource + `) and imports them
by itself into an empty database.

  import FILE.csv  loads a newer official file over them (header code,name; codes like
                   32.04.05.2001 or 3204052001). Re-importing updates names and changes nothing
                   else. Malformed rows are reported with their line numbers and skipped; the good
                   rows are imported.
  status           counts the regions per level and tells where they came from.`

func regionsCmd(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "regions", regionsUsage)
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.Arg(0) == "import" && fs.NArg() == 2:
		return regionsImport(ctx, e, fs.Arg(1))
	case fs.Arg(0) == "status" && fs.NArg() == 1:
		return regionsStatus(ctx, e)
	}
	fs.Usage()
	return fmt.Errorf("regions: want 'regions import FILE.csv' or 'regions status'")
}

func regionsImport(ctx context.Context, e *env, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open region file: %w", err)
	}
	defer f.Close()
	rows, bad, err := region.ReadCSV(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, b := range bad {
		fmt.Fprintf(e.stderr, "%s:%d: %s\n", path, b.Line, b.Msg)
	}
	log := newLogger(e)
	db, err := openStore(ctx, e, log)
	if err != nil {
		return err
	}
	defer db.Close()
	source := path
	if abs, err := filepath.Abs(path); err == nil {
		source = abs
	}
	start := time.Now()
	res, err := db.ImportRegions(ctx, rows, source)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %d regions read, %d new, %d updated, %d unchanged, %d malformed rows skipped (%.1fs)\n",
		path, len(rows), res.Inserted, res.Updated, res.Unchanged, len(bad), time.Since(start).Seconds())
	if len(bad) > 0 {
		return errFailed
	}
	return nil
}

func regionsStatus(ctx context.Context, e *env) error {
	db, err := openStore(ctx, e, newLogger(e))
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.RegionStatus(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "provinces  %6d\nregencies  %6d\ndistricts  %6d\nvillages   %6d (%d kelurahan)\n",
		st.Provinces, st.Regencies, st.Districts, st.Villages, st.Kelurahan)
	switch l := st.Last; {
	case l == nil:
		fmt.Fprintln(e.stdout, "source     unknown (no import recorded)")
	case l.Embedded:
		fmt.Fprintf(e.stdout, "source     %s, imported %s\n", l.Source, l.ImportedAt.Local().Format(time.DateTime))
	default:
		fmt.Fprintf(e.stdout, "source     file %s, imported %s (%d rows: %d new, %d updated)\n",
			l.Source, l.ImportedAt.Local().Format(time.DateTime), l.Rows, l.Inserted, l.Updated)
	}
	return nil
}
