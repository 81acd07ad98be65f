package admin

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/pamong-desa/pamong/phone"
	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/role"
	"github.com/pamong-desa/pamong/store"
)

// The columns of an officials file, by the names a header may give them.
var columnNames = map[string]string{
	"phone": "phone", "telepon": "phone", "hp": "phone", "no hp": "phone", "nomor hp": "phone", "no telepon": "phone",
	"name": "name", "nama": "name", "nama lengkap": "name",
	"role": "role", "jabatan": "role",
	"village code": "village_code", "village": "village_code", "kode desa": "village_code", "kode wilayah": "village_code",
	"channel": "channel", "kanal": "channel",
}

// maxNameRunes bounds a name; longer is a mistake (a whole row pasted into
// one cell).
const maxNameRunes = 100

// ReadOfficials reads an officials file: a header naming the columns
// phone,name,role,village_code and optionally channel (in any order; the
// Indonesian names telepon/hp, nama, jabatan, kode_desa, kanal work too),
// then one official per line. It accepts what spreadsheets produce: a
// UTF-8 byte-order mark, semicolons instead of commas (Excel in an
// Indonesian locale), quoted fields with commas inside, blank lines (and
// rows of empty cells). Each good row is normalized (phone to E.164, role
// to its name in role.Posts with a regional title kept, village code to its dotted form, channel
// whatsapp or sms, "" when not given). Bad rows are returned separately
// with their line number and every reason. A phone that appears again is a
// bad row naming the line where it first appeared; the first is kept. An
// unreadable file or header is an error.
func ReadOfficials(r io.Reader) ([]store.Official, []store.RowProblem, error) {
	cr, err := newCSVReader(r)
	if err != nil {
		return nil, nil, err
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, invalid("the file is empty; want a header line phone,name,role,village_code[,channel] and one official per line")
	}
	if err != nil {
		return nil, nil, invalid("read header: %v", err)
	}
	cols, err := headerColumns(header)
	if err != nil {
		return nil, nil, err
	}
	width := len(header) // the record is reused by the reader
	var (
		rows []store.Official
		bad  []store.RowProblem
		seen = map[string]int{}
	)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				reason := pe.Err.Error()
				if pe.Line > pe.StartLine {
					// An unclosed quote swallows the lines after it.
					reason = fmt.Sprintf("%s: a quoted field runs from line %d to line %d; close the quote", reason, pe.StartLine, pe.Line)
				}
				bad = append(bad, store.RowProblem{Line: pe.StartLine, Reason: reason})
				continue
			}
			return nil, nil, fmt.Errorf("read officials file: %w", err)
		}
		// Only a record read without error has field positions.
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		o, problems := parseOfficial(rec, cols, width)
		o.Line = line
		if first, dup := seen[o.Phone]; dup && o.Phone != "" {
			problems = append(problems, fmt.Sprintf("phone %s is also on line %d; only line %d is imported", o.Phone, first, first))
		}
		if len(problems) > 0 {
			bad = append(bad, store.RowProblem{Line: line, Reason: strings.Join(problems, "; ")})
			continue
		}
		seen[o.Phone] = line
		rows = append(rows, o)
	}
	sort.Slice(bad, func(i, j int) bool { return bad[i].Line < bad[j].Line })
	return rows, bad, nil
}

// headerColumns maps column names to field indexes.
func headerColumns(header []string) (map[string]int, error) {
	cols := map[string]int{}
	for i, h := range header {
		key := strings.Join(strings.Fields(strings.ToLower(strings.NewReplacer("_", " ", "-", " ").Replace(h))), " ")
		if c, ok := columnNames[key]; ok {
			if _, dup := cols[c]; dup {
				return nil, invalid("line 1: column %s appears twice", c)
			}
			cols[c] = i
		}
	}
	var missing []string
	for _, c := range []string{"phone", "name", "role", "village_code"} {
		if _, ok := cols[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, invalid("line 1: header %q lacks %s; want phone,name,role,village_code[,channel]",
			strings.Join(header, ","), strings.Join(missing, ", "))
	}
	return cols, nil
}

// parseOfficial validates one record; it returns every problem found.
func parseOfficial(rec []string, cols map[string]int, width int) (store.Official, []string) {
	var (
		o        store.Official
		problems []string
	)
	field := func(c string) string {
		i, ok := cols[c]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	if len(rec) > width {
		return o, []string{fmt.Sprintf("has %d fields; the header has %d", len(rec), width)}
	}
	for _, f := range rec {
		if !utf8.ValidString(f) || strings.ContainsRune(f, 0) {
			return o, []string{"has bytes that are not UTF-8 text: save the file as \"CSV UTF-8\""}
		}
	}
	var err error
	if o.Phone, err = normalizePhone(field("phone")); err != nil {
		problems = append(problems, err.Error())
	}
	o.Name = strings.Join(strings.Fields(field("name")), " ")
	switch {
	case o.Name == "":
		problems = append(problems, "name is empty")
	case utf8.RuneCountInString(o.Name) > maxNameRunes:
		problems = append(problems, fmt.Sprintf("name is longer than %d characters", maxNameRunes))
	}
	if post, err := role.Parse(field("role")); err != nil {
		problems = append(problems, err.Error())
	} else {
		if code, err := region.ParseVillage(field("village_code")); err == nil && code.IsKelurahan() {
			post = role.AtKelurahan(post)
		}
		o.Role, o.RoleTitle = post.Name, post.Title
	}
	if v := field("village_code"); v == "" {
		problems = append(problems, "village_code is empty")
	} else if o.VillageCode, err = region.ParseVillage(v); err != nil {
		problems = append(problems, err.Error())
	}
	if o.Channel, err = parseChannel(field("channel")); err != nil {
		problems = append(problems, err.Error())
	}
	return o, problems
}

// normalizePhone is phone.Normalize restricted to Indonesian mobiles: the
// programme is for Indonesian villages.
func normalizePhone(s string) (string, error) {
	if s == "" {
		return "", errors.New("phone is empty")
	}
	p, err := phone.Normalize(s)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(p, "+62") {
		return "", fmt.Errorf("phone %q is not an Indonesian number", s)
	}
	return p, nil
}

// parseChannel accepts whatsapp (or wa) and sms in any case; "" is "not
// given".
func parseChannel(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return "", nil
	case "whatsapp", "wa":
		return "whatsapp", nil
	case "sms":
		return "sms", nil
	}
	return "", fmt.Errorf("channel %q: want whatsapp or sms", s)
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// newCSVReader skips a UTF-8 byte-order mark and picks the separator from
// the header line: Excel in an Indonesian locale saves with semicolons.
func newCSVReader(r io.Reader) (*csv.Reader, error) {
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
	cr := csv.NewReader(br)
	if bytes.Count(head, []byte(";")) > bytes.Count(head, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	return cr, nil
}
