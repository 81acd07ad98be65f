package region

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pamong-desa/pamong/csvfile"
)

// Region is one row of the reference file.
type Region struct {
	Code Code   `db:"code"`
	Name string `db:"name"`
}

// RowError is a malformed row of a CSV file, with the line it starts on.
type RowError struct {
	Line int
	Msg  string
}

func (e RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// maxRow bounds one row, far above a region's code and name: past it the
// file is refused rather than gathered in memory.
const maxRow = 64 << 10

// ReadCSV reads a reference file with the header `code,name` (Excel's
// semicolons and a UTF-8 byte-order mark are accepted too) and returns its
// good rows and, separately, every malformed row with its line number, so an
// admin can fix all of them in one pass. A missing or wrong header, or a file
// that is not CSV at all, is an error.
func ReadCSV(r io.Reader) ([]Region, []RowError, error) {
	cr, err := csvfile.NewReader(r, maxRow)
	if err != nil {
		return nil, nil, err
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, errors.New("the file is empty; want a header line `code,name` and one region per line")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read header: %w", err)
	}
	if len(header) < 2 || !strings.EqualFold(strings.TrimSpace(header[0]), "code") || !strings.EqualFold(strings.TrimSpace(header[1]), "name") {
		h := strings.Join(header, ",")
		if len(h) > 100 {
			// Name a long header by its start; the rest tells nothing more.
			h = strings.ToValidUTF8(h[:100], "") + "…"
		}
		return nil, nil, fmt.Errorf("line 1: header is %q; want `code,name`", h)
	}
	var (
		rows []Region
		bad  []RowError
		seen = make(map[Code]int)
	)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad = append(bad, RowError{Line: pe.StartLine, Msg: csvfile.Problem(pe)})
				continue
			}
			return nil, nil, fmt.Errorf("read region file: %w", err)
		}
		// Only a record read without error has field positions.
		line, _ := cr.FieldPos(0)
		if len(rec) != 2 {
			bad = append(bad, RowError{Line: line, Msg: fmt.Sprintf("has %d fields; want 2 (code,name)", len(rec))})
			continue
		}
		code, err := Parse(rec[0])
		if err != nil {
			bad = append(bad, RowError{Line: line, Msg: err.Error()})
			continue
		}
		name := strings.TrimSpace(rec[1])
		if name == "" {
			bad = append(bad, RowError{Line: line, Msg: fmt.Sprintf("region %s has no name", code)})
			continue
		}
		if first, dup := seen[code]; dup {
			bad = append(bad, RowError{Line: line, Msg: fmt.Sprintf("region %s appears again (first on line %d)", code, first)})
			continue
		}
		seen[code] = line
		rows = append(rows, Region{Code: code, Name: name})
	}
	return rows, bad, nil
}
