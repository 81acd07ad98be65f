package bot

import "testing"

func TestReadYesNo(t *testing.T) {
	tests := []struct {
		text    string
		yes, ok bool
	}{
		{"1", true, true}, {"ya", true, true}, {"Ya benar", true, true}, {"iya", true, true}, {"betul", true, true},
		{"benar", true, true}, {"ok", true, true}, {"OK deh", true, true}, {"y", true, true}, {"Iya, itu desa saya pak", true, true},
		{"tidak salah", true, true},
		{"2", false, true}, {"tidak", false, true}, {"bukan", false, true}, {"salah", false, true}, {"n", false, true},
		{"bukan itu", false, true}, {"tidak benar", false, true}, {"Salah pak", false, true},
		{"ya tidak", false, false}, {"mungkin", false, false}, {"", false, false},
		{"iya benar itu desa saya yang di kecamatan cileunyi", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if yes, ok := readYesNo(tt.text); yes != tt.yes || ok != tt.ok {
				t.Errorf("readYesNo(%q) = %v, %v; want %v, %v", tt.text, yes, ok, tt.yes, tt.ok)
			}
		})
	}
}
