package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/pamong-desa/pamong/region"
)

func regionsCmd(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "regions", "regions import FILE.csv\n\nImports Kemendagri region codes (header `code,name`; codes like 32.04.05.2001 or 3204052001).\nRe-importing updates names and changes nothing else. Malformed rows are reported with their\nline numbers and skipped; the good rows are imported.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.Arg(0) != "import" || fs.NArg() != 2 {
		fs.Usage()
		return fmt.Errorf("regions: want 'regions import FILE.csv'")
	}
	path := fs.Arg(1)
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
	start := time.Now()
	res, err := db.ImportRegions(ctx, rows)
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
