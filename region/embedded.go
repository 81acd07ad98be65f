package region

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
)

//go:generate go run gen_embedded.go -in ../../shared/data/wilayah.csv -out wilayah.csv.gz

// embeddedCSV is Kemendagri's region list as the reference CSV, gzipped.
// See NOTICE for its source and licence.
//
//go:embed wilayah.csv.gz
var embeddedCSV []byte

// EmbeddedSource names the decree the embedded codes come from.
const EmbeddedSource = "Kepmendagri No 300.2.2-2138 Tahun 2025 (embedded)"

// EmbeddedCount is how many regions the embedded copy holds; a test keeps it
// honest.
const EmbeddedCount = 91599

// Embedded returns the region codes shipped inside the binary, so a fresh
// installation can confirm villages without any file of its own.
func Embedded() ([]Region, error) {
	zr, err := gzip.NewReader(bytes.NewReader(embeddedCSV))
	if err != nil {
		return nil, fmt.Errorf("open embedded region codes: %w", err)
	}
	defer zr.Close()
	rows, bad, err := ReadCSV(zr)
	if err != nil {
		return nil, fmt.Errorf("read embedded region codes: %w", err)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("read embedded region codes: %s", bad[0])
	}
	// Drain so that gzip checks the trailer's checksum.
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return nil, fmt.Errorf("read embedded region codes: %w", err)
	}
	return rows, nil
}
