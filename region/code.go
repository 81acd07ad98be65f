// Package region knows Kemendagri's administrative region codes: their
// shapes (province 32, regency 32.04, district 32.04.05, village
// 32.04.05.2001), how officials type them, and the reference CSV file that
// admins import.
package region

import (
	"fmt"
	"strings"
)

// Level is the depth of a region in the administrative tree.
type Level int

// The four levels of Kemendagri codes, from the widest.
const (
	Province Level = 1
	Regency  Level = 2 // kabupaten or kota
	District Level = 3 // kecamatan
	Village  Level = 4 // desa or kelurahan
)

// Code is a region code in its canonical dotted form, e.g. "32.04.05.2001".
type Code string

// digitsPerLevel is how many digits each dotted group holds.
var digitsPerLevel = [...]int{2, 2, 2, 4}

// Parse accepts a region code as officials type it, dotted ("32.04.05.2001")
// or bare ("3204052001"), with surrounding spaces, and returns its canonical
// dotted form. Spaces, dashes and dots inside are tolerated because people
// copy codes from documents that format them differently.
func Parse(s string) (Code, error) {
	var digits strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == '.' || r == ' ' || r == '-':
		default:
			return "", fmt.Errorf("region code %q has a character that is not a digit or a dot", s)
		}
	}
	d := digits.String()
	var groups []string
	for _, n := range digitsPerLevel {
		if len(d) == 0 {
			break
		}
		if len(d) < n {
			return "", fmt.Errorf("region code %q has %d digits; want 2, 4, 6 or 10", s, digits.Len())
		}
		groups = append(groups, d[:n])
		d = d[n:]
	}
	if len(groups) == 0 || len(d) > 0 {
		return "", fmt.Errorf("region code %q has %d digits; want 2, 4, 6 or 10", s, digits.Len())
	}
	for _, g := range groups {
		if strings.Trim(g, "0") == "" {
			return "", fmt.Errorf("region code %q has a part that is all zeros", s)
		}
	}
	return Code(strings.Join(groups, ".")), nil
}

// ParseVillage is Parse restricted to village codes (10 digits).
func ParseVillage(s string) (Code, error) {
	c, err := Parse(s)
	if err != nil {
		return "", err
	}
	if c.Level() != Village {
		return "", fmt.Errorf("%q is a %s code; a village code has 10 digits, like 32.04.05.2001", s, c.Level())
	}
	return c, nil
}

// Level tells how deep the code is; 0 for a malformed code.
func (c Code) Level() Level {
	switch len(c) {
	case 2:
		return Province
	case 5:
		return Regency
	case 8:
		return District
	case 13:
		return Village
	}
	return 0
}

// Parent returns the code one level up, or "" for a province.
func (c Code) Parent() Code {
	if i := strings.LastIndexByte(string(c), '.'); i > 0 {
		return c[:i]
	}
	return ""
}

// Ancestors returns the province, regency and district codes above c, widest
// first.
func (c Code) Ancestors() []Code {
	var up []Code
	for p := c.Parent(); p != ""; p = p.Parent() {
		up = append([]Code{p}, up...)
	}
	return up
}

// Province returns the two-digit province part.
func (c Code) Province() string {
	if len(c) < 2 {
		return ""
	}
	return string(c[:2])
}

// IsKelurahan tells a kelurahan (an urban village run by civil servants,
// 4-digit part starting with 1) from a desa (starting with 2, or 3 for the
// customary villages of Papua).
func (c Code) IsKelurahan() bool {
	return c.Level() == Village && c[9] == '1'
}

// Within tells whether c lies inside the region prefix p ("" is all of
// Indonesia); "32.04" contains "32.04.05.2001" but not "32.040".
func (c Code) Within(p Code) bool {
	if p == "" {
		return true
	}
	return c == p || strings.HasPrefix(string(c), string(p)+".")
}

func (l Level) String() string {
	switch l {
	case Province:
		return "province"
	case Regency:
		return "regency"
	case District:
		return "district"
	case Village:
		return "village"
	}
	return "unknown"
}
