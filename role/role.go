// Package role is the one list of village posts Pamong knows: the menu the
// engine offers at registration and the names officials' spreadsheets use
// at import. Both read it from here so that a word accepted in one door is
// accepted in the other.
package role

import (
	"fmt"
	"strings"
)

// Post is a position in a village government as Pamong records it.
type Post struct {
	// Name is what is stored and filtered on ("Kaur Keuangan").
	Name string
	// Short is the form officials use themselves; it keeps the SMS menu
	// short ("Kaur Keu").
	Short string
	// Aliases are other words for the same post, written as Normalize
	// leaves them.
	Aliases []string
	// Titles are regional names for the post (Kuwu for Kepala Desa). They
	// are recorded as Name, and the title is kept beside it.
	Titles []string
}

// KepalaDesa is the village head, the post with regional names.
const KepalaDesa = "Kepala Desa"

// AnggotaBPD is a member of the village consultative body.
const AnggotaBPD = "Anggota BPD"

// Lainnya is any other post.
const Lainnya = "Lainnya"

// Posts is the menu, in the order the engine numbers it. The posts follow
// Permendagri 84/2015 as the course teaches it: a secretariat of three
// urusan (tata usaha dan umum, keuangan, perencanaan) or of two (umum dan
// perencanaan, keuangan), three seksi, and the dusun heads.
var Posts = []Post{
	{Name: KepalaDesa, Short: "Kades", Aliases: []string{"kades", "kepdes", "kepala desa"},
		Titles: []string{"Kuwu", "Perbekel", "Wali Nagari", "Keuchik", "Geuchik", "Kepala Gampong", "Kepala Kampung",
			"Pambakal", "Hukum Tua", "Lurah Desa", "Lurah", "Kepala Pekon", "Kepala Tiyuh", "Kepala Lembang", "Petinggi"}},
	{Name: "Sekretaris Desa", Short: "Sekdes", Aliases: []string{"sekdes", "carik", "sekretaris"}},
	{Name: "Kaur Keuangan", Short: "Kaur Keu", Aliases: []string{"kaur keu", "bendahara", "bendahara desa", "kaur keuangan desa"}},
	{Name: "Kaur Perencanaan", Short: "Kaur Ren", Aliases: []string{"kaur ren", "kaur perencanaan", "kaur renc"}},
	{Name: "Kaur Umum dan Perencanaan", Short: "Kaur Umum/Ren", Aliases: []string{"kaur umum/ren", "kaur umum ren", "kaur umum perencanaan"}},
	{Name: "Kaur Tata Usaha dan Umum", Short: "Kaur TU", Aliases: []string{"kaur tu", "kaur tu dan umum", "kaur tata usaha", "kaur tu umum"}},
	{Name: "Kasi Pemerintahan", Short: "Kasi Pem", Aliases: []string{"kasi pem", "kasi pemerintahan desa"}},
	{Name: "Kasi Kesejahteraan", Short: "Kasi Kesra", Aliases: []string{"kasi kesra"}},
	{Name: "Kasi Pelayanan", Short: "Kasi Pel", Aliases: []string{"kasi pel", "kasi pelayanan masyarakat"}},
	{Name: "Kepala Dusun", Short: "Kadus", Aliases: []string{"kadus", "kawil", "kepala wilayah", "kepala lingkungan", "kaling"}},
	{Name: AnggotaBPD, Short: "BPD", Aliases: []string{"bpd", "ketua bpd", "wakil ketua bpd", "sekretaris bpd", "anggota bpd"}},
	{Name: Lainnya, Short: "Lainnya", Aliases: []string{"lain-lain", "lain lain", "lainnya"}},
}

// Names returns the posts' names in menu order.
func Names() []string {
	out := make([]string, len(Posts))
	for i, p := range Posts {
		out[i] = p.Name
	}
	return out
}

// Shorts returns the posts' short forms in menu order.
func Shorts() []string {
	out := make([]string, len(Posts))
	for i, p := range Posts {
		out[i] = p.Short
	}
	return out
}

// Match is a post found in what someone wrote.
type Match struct {
	// Name is the post as recorded (one of Posts' names).
	Name string
	// Title is the regional name used for it ("Kuwu"), spelled as the list
	// spells it; "" when the post was named by its own name or an alias.
	Title string
}

// Label is how the post reads to people: "Kepala Desa (Kuwu)".
func (m Match) Label() string {
	if m.Title == "" {
		return m.Name
	}
	return m.Name + " (" + m.Title + ")"
}

// AtKelurahan reads a post named by an official of a kelurahan. There a
// Lurah is the civil servant who heads it, not a Kepala Desa (in DIY the
// head of a desa, a kalurahan, is also called Lurah): recorded as
// Lainnya, keeping the word.
func AtKelurahan(m Match) Match {
	if m.Name == KepalaDesa && m.Title == "Lurah" {
		return Match{Name: Lainnya, Title: m.Title}
	}
	return m
}

// byWord maps every accepted word, normalized, to its post.
var byWord = func() map[string]Match {
	m := map[string]Match{}
	for _, p := range Posts {
		m[Normalize(p.Name)] = Match{Name: p.Name}
		m[Normalize(p.Short)] = Match{Name: p.Name}
		for _, a := range p.Aliases {
			m[Normalize(a)] = Match{Name: p.Name}
		}
		for _, t := range p.Titles {
			m[Normalize(t)] = Match{Name: p.Name, Title: t}
		}
	}
	return m
}()

// Find returns the post s names: a full name, short form, alias or regional
// title, in any case, with dots, underscores and repeated spaces ignored and
// "&" read as "dan".
func Find(s string) (Match, bool) {
	m, ok := byWord[Normalize(s)]
	return m, ok
}

// Parse is Find for imports: it says what is wrong when nothing matches.
func Parse(s string) (Match, error) {
	key := Normalize(s)
	if key == "" {
		return Match{}, fmt.Errorf("role is empty; want one of %s", strings.Join(Names(), ", "))
	}
	if m, ok := byWord[key]; ok {
		return m, nil
	}
	return Match{}, fmt.Errorf("role %q is not known; want one of %s (or Kades, Sekdes, Kaur Keu, Kadus, BPD, or a regional name such as Kuwu or Wali Nagari)",
		strings.TrimSpace(s), strings.Join(Names(), ", "))
}

// separators are read as spaces ("Kasi.Pem", "kasi_pem"), and & as "dan".
var separators = strings.NewReplacer(".", " ", "_", " ", "&", " dan ", ",", " ", "!", " ")

// Normalize lowers s and collapses its separators, the form lookups use.
func Normalize(s string) string {
	s = strings.ToLower(separators.Replace(s))
	return strings.Join(strings.Fields(s), " ")
}
