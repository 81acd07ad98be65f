package region

import "testing"

// The embedded copy is the decree's whole list: the counts per level are the
// ones the decree publishes, and well-known places read as expected.
func TestEmbedded(t *testing.T) {
	rows, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != EmbeddedCount {
		t.Fatalf("%d rows; want %d", len(rows), EmbeddedCount)
	}
	perLevel := map[Level]int{}
	names := map[Code]string{}
	for _, r := range rows {
		perLevel[r.Code.Level()]++
		names[r.Code] = r.Name
	}
	want := map[Level]int{Province: 38, Regency: 514, District: 7285, Village: 83762}
	for l, n := range want {
		if perLevel[l] != n {
			t.Errorf("level %d: %d regions; want %d", l, perLevel[l], n)
		}
	}
	for code, name := range map[Code]string{
		"32":            "Jawa Barat",
		"32.04":         "Kabupaten Bandung",
		"32.04.05":      "Cileunyi",
		"32.04.05.2001": "Cileunyi Kulon",
		"11":            "Aceh",
	} {
		if names[code] != name {
			t.Errorf("%s is %q; want %q", code, names[code], name)
		}
	}
}
