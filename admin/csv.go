package admin

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/pamong-desa/pamong/csvfile"
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

// maxRow bounds one row of an officials file, far above any real one:
// past it the file is refused rather than gathered in memory.
const maxRow = 64 << 10

// OfficialsReader reads an officials file one row at a time, so that a
// file of any size is read in bounded memory: a header naming the columns
// phone,name,role,village_code and optionally channel (in any order; the
// Indonesian names telepon/hp, nama, jabatan, kode_desa, kanal work too),
// then one official per line. It accepts what spreadsheets produce: a
// UTF-8 byte-order mark, semicolons instead of commas (Excel in an
// Indonesian locale), quoted fields with commas inside, blank lines (and
// rows of empty cells).
type OfficialsReader struct {
	cr    *csvfile.Reader
	cols  map[string]int
	width int
}

// NewOfficialsReader reads the header of r. An empty file or a header
// without the needed columns is ErrInvalid.
func NewOfficialsReader(r io.Reader) (*OfficialsReader, error) {
	cr, err := csvfile.NewReader(r, maxRow)
	if err != nil {
		return nil, err
	}
	header, err := cr.Read()
	var tooLong *csvfile.TooLongError
	switch {
	case errors.Is(err, io.EOF):
		return nil, invalid("the file is empty; want a header line phone,name,role,village_code[,channel] and one official per line")
	case errors.As(err, &tooLong):
		return nil, invalid("%v", err)
	case err != nil:
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, invalid("read header: %v", err)
		}
		return nil, fmt.Errorf("read officials file: %w", err)
	}
	cols, err := headerColumns(header)
	if err != nil {
		return nil, err
	}
	// The record is reused by the reader: keep only its width.
	return &OfficialsReader{cr: cr, cols: cols, width: len(header)}, nil
}

// Next returns the next row that is not blank, o with o.Line set. A row
// that cannot be imported as it is has a non-empty problem giving every
// reason; o is otherwise normalized (phone to E.164, role to its name in
// role.Posts with a regional title kept, village code to its dotted form, channel whatsapp or sms, ""
// when not given). At the end Next returns io.EOF. A row too long to be
// an official's is ErrInvalid, and a failure to read is returned wrapped:
// after either, the rest of the file cannot be read. Phones repeated on
// several lines are not found here (that takes a set the size of the
// file): the store finds them.
func (r *OfficialsReader) Next() (o store.Official, problem string, err error) {
	for {
		rec, err := r.cr.Read()
		if err != nil {
			var (
				pe      *csv.ParseError
				tooLong *csvfile.TooLongError
			)
			switch {
			case errors.Is(err, io.EOF):
				return o, "", io.EOF
			case errors.As(err, &pe):
				return store.Official{Line: pe.StartLine}, csvfile.Problem(pe), nil
			case errors.As(err, &tooLong):
				return o, "", invalid("%v", err)
			}
			return o, "", fmt.Errorf("read officials file: %w", err)
		}
		if blank(rec) {
			continue
		}
		// Only a record read without error has field positions.
		line, _ := r.cr.FieldPos(0)
		o, problems := parseOfficial(rec, r.cols, r.width)
		o.Line = line
		return o, clip(strings.Join(problems, "; "), maxReason), nil
	}
}

// maxReason bounds a problem's text: reasons quote the cells they are
// about, and a cell may be long.
const maxReason = 1000

// clip shortens s to at most n bytes, on a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
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
		// The header is quoted to show what was read; a long one only by
		// its start.
		return nil, invalid("line 1: header %q lacks %s; want phone,name,role,village_code[,channel]",
			clip(strings.Join(header, ","), 200), strings.Join(missing, ", "))
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
