package admin

import "github.com/pamong-desa/pamong/role"

// ParseRole returns the post s names, as role.Parse reads it: a full name
// in any case ("kepala desa"), a short form or alias (Kades, Sekdes,
// Bendahara, Kaur Keu, Kasi Pem, Kadus, BPD, …) or a regional name for the
// village head (Kuwu, Wali Nagari, Keuchik, …), which is recorded as Kepala
// Desa. The engine reads the same list, so import and chat agree.
func ParseRole(s string) (string, error) {
	m, err := role.Parse(s)
	if err != nil {
		return "", err
	}
	return m.Name, nil
}
