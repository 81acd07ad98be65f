package bot

import (
	"testing"
	"unicode"
)

func TestParseChoiceAsPeopleWrite(t *testing.T) {
	tests := []struct {
		in     string
		want   int
		wantOK bool
	}{
		{"dua", 2, true}, {"Satu", 1, true}, {"tiga", 3, true}, {"EMPAT", 4, true}, {"yang kedua", 2, true},
		{"nomor 2", 2, true}, {"no. 2", 2, true}, {"No.2", 2, true}, {"jwb 2", 2, true}, {"jwb2", 2, true},
		{"2 pak", 2, true}, {"B ya", 2, true}, {"b ya bu", 2, true}, {"ok 3", 3, true}, {"jawaban saya nomor 4", 4, true},
		{"pilih yang ke-3", 3, true}, {"3 saja, terima kasih", 3, true},
		{"3️⃣", 3, true}, {"3⃣", 3, true}, {"２", 2, true}, {"Ｂ", 2, true}, {"②", 2, true}, {"٣", 3, true}, {"🔟", 10, true},
		// Not a choice: nothing of one, two of them, a letter past the
		// last option, a number too long to be an option.
		{"ya", 0, false}, {"pak", 0, false}, {"2 atau 3", 0, false}, {"dua tiga", 0, false}, {"x", 0, false},
		{"e", 0, false}, {"2026", 0, false}, {"3204052001", 0, false},
		// A number past the options is a choice the caller reports as out
		// of range.
		{"lima", 5, true}, {"7", 7, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseChoice(tt.in, 4)
			if got != tt.want || ok != tt.wantOK {
				t.Fatalf("ParseChoice(%q, 4) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestParseAnswerByOptionText(t *testing.T) {
	options := []string{"Kepala Desa dibantu perangkat Desa", "Kepala Desa", "Camat dan Kepala Desa", "Tidak dibatasi"}
	sms := []string{"Kades+perangkat", "Kades", "Camat+Kades", "Tak terbatas"}
	tests := []struct {
		in     string
		want   int
		wantOK bool
	}{
		{"Kepala Desa", 2, true},                  // exact, though option 1 starts with it
		{"kepala desa dibantu", 1, true},          // a start only option 1 has
		{"Camat dan kepala desa.", 3, true},       // case and punctuation
		{"tidak", 4, true},                        // an unambiguous start
		{"tidak dibatasi pak", 4, true},           // courtesy around it
		{"4. Tidak dibatasi", 4, true},            // the number and its option
		{"kades", 2, true},                        // the SMS form
		{"tak terbatas", 4, true},                 // the SMS form, exact
		{"2", 2, true},                            // plain choices still work
		{"Kep", 0, false},                         // the start of two options
		{"1. Tidak dibatasi", 0, false},           // a number and another option's text
		{"ti", 0, false},                          // too short to be a start
		{"Bupati", 0, false},                      // no such option
		{"saya kurang paham maksudnya", 0, false}, // a sentence
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseAnswer(tt.in, options, sms)
			if got != tt.want || ok != tt.wantOK {
				t.Fatalf("ParseAnswer(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
	// Option texts that are numbers: "2 kali" is the option that says so,
	// "2" is option 2.
	times := []string{"1 kali", "3 kali", "2 kali"}
	for in, want := range map[string]int{"2 kali": 3, "2": 2, "3 kali": 2, "nomor 3": 3} {
		if got, ok := ParseAnswer(in, times, nil); !ok || got != want {
			t.Errorf("ParseAnswer(%q, %q) = %d, %v; want %d", in, times, got, ok, want)
		}
	}
}

func TestFreeText(t *testing.T) {
	tests := map[string]bool{
		"Maaf pak saya kurang paham pertanyaannya…":                         true,
		"Saya kira jawabannya yang kedua karena itu yang paling masuk akal": true,
		"maksudnya apa?":    true,
		"PKPKD itu apa ya?": true,
		"ok deh":            false,
		"2 dan 3":           false,
		"👍":                 false,
		"apa?":              false,
		"Transparan":        false,
	}
	for in, want := range tests {
		if got := isFreeText(in); got != want {
			t.Errorf("isFreeText(%q) = %v; want %v", in, got, want)
		}
	}
}

// digitValue relies on every run of decimal digits in Unicode starting at
// a zero and holding whole sets of ten.
func TestDigitRunsStartAtZero(t *testing.T) {
	check := func(lo, hi, stride uint32) {
		if stride != 1 || (hi-lo+1)%10 != 0 || !unicode.IsDigit(rune(lo)) {
			t.Errorf("digit run %U-%U (stride %d) is not whole sets of ten", lo, hi, stride)
		}
	}
	for _, r := range unicode.Nd.R16 {
		check(uint32(r.Lo), uint32(r.Hi), uint32(r.Stride))
	}
	for _, r := range unicode.Nd.R32 {
		check(r.Lo, r.Hi, r.Stride)
	}
	for r, want := range map[rune]int{'٣': 3, '९': 9, '０': 0, '𝟗': 9, '໕': 5} {
		if got := digitValue(r); got != want {
			t.Errorf("digitValue(%q) = %d; want %d", r, got, want)
		}
	}
}
