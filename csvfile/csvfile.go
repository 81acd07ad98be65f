// Package csvfile reads the CSV files people save from spreadsheets: a
// UTF-8 byte-order mark is skipped, Excel's semicolons (an Indonesian
// locale) are recognised from the header line, and no record may grow past
// a limit, so an unclosed quote or a file that is not CSV cannot make the
// reader gather the whole file in memory.
package csvfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
)

// TooLongError is a record longer than the reader's limit. The rest of
// the file cannot be read reliably after it.
type TooLongError struct {
	// After is the last line of the record before it (0: the header).
	After int
	Limit int
}

func (e *TooLongError) Error() string {
	if e.After == 0 {
		return fmt.Sprintf("line 1 is longer than %d KB; is this a CSV file?", e.Limit>>10)
	}
	return fmt.Sprintf("the row after line %d is longer than %d KB; is a quote left open?", e.After, e.Limit>>10)
}

// Reader reads records like encoding/csv, with a bounded record size. The
// record it returns is reused by the next Read.
type Reader struct {
	cr   *csv.Reader
	lim  *limiter
	line int // the last line of the latest record
}

// readAhead is what the csv.Reader's own buffer may hold beyond the record
// it is reading.
const readAhead = 4096

// NewReader reads r, whose records may have at most maxRecord bytes.
func NewReader(r io.Reader, maxRecord int) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		if _, err := br.Discard(3); err != nil {
			return nil, fmt.Errorf("read file: %w", err)
		}
	}
	head, err := br.Peek(4096)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("read file: %w", err)
	}
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	lim := &limiter{r: br, max: int64(maxRecord) + readAhead}
	cr := csv.NewReader(lim)
	if bytes.Count(head, []byte(";")) > bytes.Count(head, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	return &Reader{cr: cr, lim: lim}, nil
}

// Comma is the separator the header line chose.
func (r *Reader) Comma() rune { return r.cr.Comma }

// Read returns the next record, a *csv.ParseError for a malformed one
// (reading may go on), a *TooLongError (it may not), or io.EOF.
func (r *Reader) Read() ([]string, error) {
	rec, err := r.cr.Read()
	// The csv.Reader may report a malformed record in place of the
	// limiter's error: the limiter remembers.
	if r.lim.tripped {
		return nil, &TooLongError{After: r.line, Limit: int(r.lim.max - readAhead)}
	}
	r.lim.mark(r.cr.InputOffset())
	var pe *csv.ParseError
	switch {
	case err == nil && len(rec) > 0:
		r.line, _ = r.cr.FieldPos(len(rec) - 1)
	case errors.As(err, &pe):
		r.line = pe.Line
	}
	return rec, err
}

// Problem explains a malformed record (Read's *csv.ParseError) to the
// person who will fix the file: csv's reason and, when an unclosed quote
// swallowed the lines after it, where the quoted field runs. The record's
// line is pe.StartLine.
func Problem(pe *csv.ParseError) string {
	reason := pe.Err.Error()
	if pe.Line > pe.StartLine {
		reason = fmt.Sprintf("%s: a quoted field runs from line %d to line %d; close the quote", reason, pe.StartLine, pe.Line)
	}
	return reason
}

// FieldPos is csv.Reader.FieldPos of the latest record read without error.
func (r *Reader) FieldPos(field int) (line, column int) { return r.cr.FieldPos(field) }

var errLimit = errors.New("record too long")

// limiter lets the csv.Reader read at most max bytes past the end of the
// latest record: InputOffset tells where that is, so no quote tracking is
// needed here.
type limiter struct {
	r        io.Reader
	max      int64
	read     int64 // handed to the csv.Reader
	boundary int64 // the end of its latest record
	tripped  bool
}

func (l *limiter) mark(offset int64) { l.boundary = offset }

func (l *limiter) Read(p []byte) (int, error) {
	room := l.boundary + l.max - l.read
	if room <= 0 || l.tripped {
		l.tripped = true
		return 0, errLimit
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}
