//go:build ignore

// gen_embedded converts the reference region file into wilayah.csv.gz, the
// copy that ships inside the binary. It validates every row with the same
// reader that imports use, writes them in one canonical form (dotted codes,
// file order) and gzips them without a timestamp, so that the same input
// always gives the same bytes and a regenerated file shows no diff.
//
//	go generate ./region   # reads ../../shared/data/wilayah.csv by default
//	go run gen_embedded.go -in FILE.csv -out wilayah.csv.gz
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"flag"
	"fmt"
	"os"

	"github.com/pamong-desa/pamong/region"
)

func main() {
	in := flag.String("in", "../../shared/data/wilayah.csv", "the reference file (header code,name)")
	out := flag.String("out", "wilayah.csv.gz", "where to write the embedded copy")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen_embedded:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, bad, err := region.ReadCSV(f)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if len(bad) > 0 {
		return fmt.Errorf("%s:%d: %s (and %d more malformed rows): the embedded copy must be clean", in, bad[0].Line, bad[0].Msg, len(bad)-1)
	}
	tmp := out + ".tmp"
	o, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	zw, err := gzip.NewWriterLevel(o, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	w := csv.NewWriter(bw)
	if err := w.Write([]string{"code", "name"}); err != nil {
		return err
	}
	for _, r := range rows {
		if err := w.Write([]string{string(r.Code), r.Name}); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := o.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		return err
	}
	fmt.Printf("%s: %d regions from %s\n", out, len(rows), in)
	return nil
}
