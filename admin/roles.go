package admin

import (
	"fmt"
	"strings"

	"github.com/pamong-desa/pamong/bot"
)

// roleAliases are the short and regional names officials' spreadsheets use
// for the positions of bot.Roles, written as normRole leaves them. The full
// names themselves are accepted in any case too.
var roleAliases = map[string][]string{
	// The village head is called differently in some provinces.
	"Kepala Desa": {"kades", "kepdes", "kepala kampung", "kepala gampong", "keuchik", "geuchik", "wali nagari",
		"perbekel", "kuwu", "pambakal", "kepala pekon"},
	"Sekretaris Desa":           {"sekdes", "carik"},
	"Kaur Keuangan":             {"kaur keu", "bendahara", "bendahara desa"},
	"Kaur Umum dan Perencanaan": {"kaur umum/ren", "kaur ren", "kaur perencanaan"},
	"Kaur Tata Usaha dan Umum":  {"kaur tu", "kaur tu dan umum", "kaur tata usaha"},
	"Kasi Pemerintahan":         {"kasi pem"},
	"Kasi Kesejahteraan":        {"kasi kesra"},
	"Kasi Pelayanan":            {"kasi pel"},
	"Kepala Dusun":              {"kadus", "kawil"},
	"Anggota BPD":               {"bpd", "ketua bpd", "wakil ketua bpd", "sekretaris bpd"},
	"Lainnya":                   {"lain-lain", "lain lain"},
}

// roleByName finds a role by its normalized full name or alias.
var roleByName = func() map[string]string {
	m := map[string]string{}
	for _, r := range bot.Roles {
		m[normRole(r)] = r
	}
	for r, aliases := range roleAliases {
		for _, a := range aliases {
			m[a] = r
		}
	}
	return m
}()

// ParseRole returns the position of bot.Roles that s names: a full name in
// any case ("kepala desa"), or a common abbreviation or regional name
// (Kades, Sekdes, Kaur Keu, Kasi Pem, Kadus, BPD, Keuchik, Wali Nagari, …;
// see roleAliases). Dots and repeated spaces are ignored.
func ParseRole(s string) (string, error) {
	key := normRole(s)
	if key == "" {
		return "", fmt.Errorf("role is empty; want one of %s", strings.Join(bot.Roles, ", "))
	}
	if r, ok := roleByName[key]; ok {
		return r, nil
	}
	return "", fmt.Errorf("role %q is not known; want one of %s (or Kades, Sekdes, Kaur Keu, Kadus, BPD)", strings.TrimSpace(s), strings.Join(bot.Roles, ", "))
}

// roleSeparators are read as spaces ("Kasi.Pem", "kasi_pem"), and & as
// "dan".
var roleSeparators = strings.NewReplacer(".", " ", "_", " ", "&", " dan ")

func normRole(s string) string {
	s = strings.ToLower(roleSeparators.Replace(s))
	return strings.Join(strings.Fields(s), " ")
}
