package role

import (
	"strings"
	"testing"
)

func TestFind(t *testing.T) {
	tests := []struct{ in, name, title string }{
		{"Kepala Desa", "Kepala Desa", ""},
		{"  KEPALA   DESA ", "Kepala Desa", ""},
		{"kades.", "Kepala Desa", ""},
		{"Kuwu", "Kepala Desa", "Kuwu"},
		{"perbekel", "Kepala Desa", "Perbekel"},
		{"WALI NAGARI", "Kepala Desa", "Wali Nagari"},
		{"Keuchik", "Kepala Desa", "Keuchik"},
		{"kepala kampung", "Kepala Desa", "Kepala Kampung"},
		{"Pambakal", "Kepala Desa", "Pambakal"},
		{"hukum tua", "Kepala Desa", "Hukum Tua"},
		{"Lurah Desa", "Kepala Desa", "Lurah Desa"},
		{"bendahara", "Kaur Keuangan", ""},
		{"Kaur Perencanaan", "Kaur Perencanaan", ""},
		{"kaur ren", "Kaur Perencanaan", ""},
		{"Kaur Umum/Ren", "Kaur Umum dan Perencanaan", ""},
		{"Kaur TU & Umum", "Kaur Tata Usaha dan Umum", ""},
		{"kasi_pel", "Kasi Pelayanan", ""},
		{"Ketua BPD", "Anggota BPD", ""},
		{"Camat", "", ""},
		{"lurah", "Kepala Desa", "Lurah"}, // the head of a kalurahan (a desa) in DIY
		{"", "", ""},
		{"1", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			m, ok := Find(tt.in)
			if m.Name != tt.name || m.Title != tt.title || ok != (tt.name != "") {
				t.Errorf("Find(%q) = %+v, %v; want %q (%q)", tt.in, m, ok, tt.name, tt.title)
			}
		})
	}
}

func TestEveryPostFindsItself(t *testing.T) {
	seen := map[string]string{}
	for _, p := range Posts {
		for _, w := range append(append([]string{p.Name, p.Short}, p.Aliases...), p.Titles...) {
			if other, dup := seen[Normalize(w)]; dup && other != p.Name {
				t.Errorf("%q names both %s and %s", w, other, p.Name)
			}
			seen[Normalize(w)] = p.Name
			if m, ok := Find(w); !ok || m.Name != p.Name {
				t.Errorf("Find(%q) = %+v, %v; want %s", w, m, ok, p.Name)
			}
		}
	}
}

func TestParseSaysWhatIsWrong(t *testing.T) {
	for _, in := range []string{"", "Camat"} {
		_, err := Parse(in)
		if err == nil || !strings.Contains(err.Error(), "Kepala Desa") {
			t.Errorf("Parse(%q) = %v; want an error listing the posts", in, err)
		}
	}
	if m, err := Parse("Kuwu"); err != nil || m.Label() != "Kepala Desa (Kuwu)" {
		t.Errorf("Parse(Kuwu) = %+v, %v", m, err)
	}
}

func TestLurahOfAKelurahanIsNoKepalaDesa(t *testing.T) {
	m, _ := Find("Lurah")
	if got := AtKelurahan(m); got.Name != Lainnya || got.Title != "Lurah" {
		t.Errorf("AtKelurahan(%+v) = %+v", m, got)
	}
	if m, _ := Find("Kades"); AtKelurahan(m) != m {
		t.Errorf("AtKelurahan changed %+v", m)
	}
}
