package csvfile

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"
)

// readAll reads every record; it stops at the first error that is not a
// malformed record.
func readAll(t *testing.T, in string, limit int) (recs []string, parseErrs int, err error) {
	t.Helper()
	r, err := NewReader(strings.NewReader(in), limit)
	if err != nil {
		return nil, 0, err
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return recs, parseErrs, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			parseErrs++
			continue
		}
		if err != nil {
			return recs, parseErrs, err
		}
		recs = append(recs, strings.Join(rec, "|"))
	}
}

func TestReader(t *testing.T) {
	many := "a,b\n" + strings.Repeat("1,2\n", 100_000)
	tests := []struct {
		name      string
		in        string
		limit     int
		records   int
		first     string
		parseErrs int
		wantErr   string
	}{
		{name: "commas", in: "a,b\n1,2\n", limit: 1 << 10, records: 2, first: "a|b"},
		{name: "BOM, semicolons, CRLF", in: "\ufeffa;b\r\n1;\"2;3\"\r\n", limit: 1 << 10, records: 2, first: "a|b"},
		{name: "many short records add up past the limit", in: many, limit: 1 << 10, records: 100_001, first: "a|b"},
		{name: "a quoted field over lines, under the limit", in: "a,b\n1,\"x\ny\nz\"\n2,3\n", limit: 1 << 10, records: 3, first: "a|b"},
		{name: "an unclosed quote short of the limit is a malformed record", in: "a,b\n1,\"x\n2,3\n", limit: 1 << 10, records: 1, parseErrs: 1},
		{name: "a long header", in: strings.Repeat("a,", 20_000) + "\n1,2\n", limit: 1 << 10, wantErr: "line 1 is longer than 1 KB"},
		{name: "an unclosed quote", in: "a,b\n1,2\n3,\"x\n" + strings.Repeat("4,5\n", 20_000), limit: 1 << 10, records: 2,
			wantErr: "the row after line 2 is longer than 1 KB; is a quote left open?"},
		{name: "a long line with a bare quote", in: "a,b\n1,2\n" + strings.Repeat("x\"y", 20_000) + "\n3,4\n", limit: 1 << 10, records: 2,
			wantErr: "the row after line 2 is longer than 1 KB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, parseErrs, err := readAll(t, tt.in, tt.limit)
			if tt.wantErr != "" {
				var tl *TooLongError
				if !errors.As(err, &tl) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v; want %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if len(recs) != tt.records || parseErrs != tt.parseErrs {
				t.Fatalf("%d records, %d malformed; want %d, %d", len(recs), parseErrs, tt.records, tt.parseErrs)
			}
			if tt.first != "" && recs[0] != tt.first {
				t.Errorf("first record %q; want %q", recs[0], tt.first)
			}
		})
	}
}

// The limit holds however far the record runs: the reader stops within
// the limit plus its read-ahead.
func TestReaderStopsWithinTheLimit(t *testing.T) {
	counted := &countingReader{r: strings.NewReader("a,b\n1,\"" + strings.Repeat("x", 10<<20))}
	r, err := NewReader(counted, 64<<10)
	if err != nil {
		t.Fatal(err)
	}
	for err == nil {
		_, err = r.Read()
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			err = nil
		}
	}
	var tl *TooLongError
	if !errors.As(err, &tl) {
		t.Fatalf("err = %v", err)
	}
	// The 64 KB peek buffer, the record and the read-ahead.
	if max := int64(64<<10 + 64<<10 + readAhead + 64<<10); counted.n > max {
		t.Errorf("read %d bytes of the file; want at most %d", counted.n, max)
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func TestProblem(t *testing.T) {
	tests := []struct {
		name, in string
		want     string
		line     int
	}{
		{"a bare quote on one line", "a,b\n1,x\"y\n", `bare " in non-quoted-field`, 2},
		{"an unclosed quote swallows the lines after it", "a,b\n1,\"x\n2,3\n",
			`extraneous or missing " in quoted-field: a quoted field runs from line 2 to line 3; close the quote`, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tt.in), 1<<10)
			if err != nil {
				t.Fatal(err)
			}
			var pe *csv.ParseError
			for err == nil {
				_, err = r.Read()
			}
			if !errors.As(err, &pe) {
				t.Fatalf("err %v; want a *csv.ParseError", err)
			}
			if got := Problem(pe); got != tt.want || pe.StartLine != tt.line {
				t.Errorf("Problem = %q at line %d; want %q at line %d", got, pe.StartLine, tt.want, tt.line)
			}
		})
	}
}
