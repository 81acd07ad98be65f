package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

func officialsCmd(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "officials", "officials import FILE.csv [--strict] [--scope CODE]\n\n"+
		"Imports village officials: a header naming the columns phone,name,role,village_code and optionally\n"+
		"channel (whatsapp or sms), one official per line; Excel's semicolons and byte-order mark are fine.\n"+
		"Phones become +62…; roles are the names of the registration menu or their abbreviations (Kades,\n"+
		"Sekdes, Kaur Keu, Kadus, BPD, …); village codes must be among the imported regions. Re-importing\n"+
		"updates name, role, village and channel by phone and nothing else. Bad rows are reported as\n"+
		"FILE:LINE: reason (the first 100, then a count) and skipped (exit status 1); with --strict nothing\n"+
		"is imported if any row is bad.\n"+
		"--scope limits the import to a region, as for a regency admin (default: national).")
	strict := fs.Bool("strict", false, "all or nothing: import nothing if any row is bad")
	scope := fs.String("scope", "", "only accept officials inside this region code prefix")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] != "import" {
		fs.Usage()
		return errors.New("officials: want 'officials import FILE.csv'")
	}
	who, err := operator(*scope)
	if err != nil {
		return err
	}
	path := pos[1]
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open officials file: %w", err)
	}
	defer f.Close()
	svc, db, err := adminService(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	// The same streaming import as the API's: a file of any size is read
	// in bounded memory, and the first problems are listed.
	rep, err := svc.ImportOfficials(ctx, who, f, *strict)
	for _, p := range rep.Problems {
		fmt.Fprintf(e.stderr, "%s:%d: %s\n", path, p.Line, p.Reason)
	}
	if more := rep.ProblemCount - len(rep.Problems); more > 0 {
		fmt.Fprintf(e.stderr, "%s: and %d more rows with problems\n", path, more)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if !rep.Imported {
		fmt.Fprintf(e.stdout, "%s: %d rows read, %d bad: nothing imported (--strict)\n", path, rep.Read, rep.ProblemCount)
		return errFailed
	}
	fmt.Fprintf(e.stdout, "%s: %d rows read, %d new, %d updated, %d unchanged, %d bad rows skipped (%.1fs)\n",
		path, rep.Read, rep.Inserted, rep.Updated, rep.Unchanged, rep.ProblemCount, time.Since(start).Seconds())
	if rep.ProblemCount > 0 {
		return errFailed
	}
	return nil
}
