package gsm7

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestSeptets(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int
		ok   bool
	}{
		{"empty", "", 0, true},
		{"plain", "Selamat pagi", 12, true},
		{"basic table accents", "é è ù ì ò Ç Ø ø Å å Ä Ö Ñ Ü ß à ä ö ñ ü É Æ æ", 45, true},
		{"greek capitals", "ΔΦΓΛΩΠΨΣΘΞ", 10, true},
		{"extension table", "^{}\\[~]|€\f", 20, true},
		{"newline and carriage return", "a\r\nb", 4, true},
		{"euro price", "€5", 3, true},
		{"macron", "ā", 0, false},
		{"small c cedilla", "ç", 0, false},
		{"backtick", "`", 0, false},
		{"tab", "\t", 0, false},
		{"escape code is not a character", "\x1b", 0, false},
		{"emoji", "ok 👍", 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, ok := Septets(tt.in)
			if n != tt.n || ok != tt.ok {
				t.Errorf("Septets(%q) = %d, %v; want %d, %v", tt.in, n, ok, tt.n, tt.ok)
			}
		})
	}
}

func TestSegments(t *testing.T) {
	a := func(n int) string { return strings.Repeat("a", n) }
	euro := func(n int) string { return strings.Repeat("€", n) }
	tests := []struct {
		name string
		in   string
		n    int
		enc  string
	}{
		{"empty", "", 0, GSM7},
		{"1 char", "a", 1, GSM7},
		{"160 chars", a(160), 1, GSM7},
		{"161 chars", a(161), 2, GSM7},
		{"306 chars", a(306), 2, GSM7},
		{"307 chars", a(307), 3, GSM7},
		{"80 euro is 160 septets", euro(80), 1, GSM7},
		{"81 euro is 162 septets", euro(81), 2, GSM7},
		{"escape straddling septet 153 moves to next part", a(152) + "€" + a(152), 3, GSM7},
		{"escape ending at septet 153 stays", a(151) + "€" + a(153), 2, GSM7},
		{"70 units with a macron", a(69) + "ā", 1, UCS2},
		{"71 units", a(70) + "ā", 2, UCS2},
		{"134 units", a(133) + "ā", 2, UCS2},
		{"135 units", a(134) + "ā", 3, UCS2},
		{"emoji is 2 units: 70 units", a(68) + "😀", 1, UCS2},
		{"emoji is 2 units: 71 units", a(69) + "😀", 2, UCS2},
		{"surrogate pair straddling unit 67 moves to next part", a(66) + "😀" + a(66), 3, UCS2},
		{"35 emoji", strings.Repeat("😀", 35), 1, UCS2},
		{"36 emoji", strings.Repeat("😀", 36), 2, UCS2},
		{"euro counts 1 unit in UCS-2", euro(69) + "ā", 1, UCS2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, enc := Segments(tt.in)
			if n != tt.n || enc != tt.enc {
				t.Errorf("Segments(%d bytes) = %d, %s; want %d, %s", len(tt.in), n, enc, tt.n, tt.enc)
			}
		})
	}
}

func TestTransliterate(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain text unchanged", "Selamat pagi, Bapak Kepala Desa!", "Selamat pagi, Bapak Kepala Desa!"},
		{"quotes dash ellipsis", "“Kepala Desa” — Sekretaris…", `"Kepala Desa" - Sekretaris...`},
		{"single curly quotes", "‘Jum’at’", "'Jum'at'"},
		{"en dash range", "Senin–Jumat", "Senin-Jumat"},
		{"GSM accent kept", "café", "café"},
		{"GSM letters kept", "é è ù ì ò Ç Ø ø Å å Ä Ö Ñ Ü ß à ä ö ñ ü É Æ æ", "é è ù ì ò Ç Ø ø Å å Ä Ö Ñ Ü ß à ä ö ñ ü É Æ æ"},
		{"s cedilla", "ş", "s"},
		{"macron", "Dhammapāda", "Dhammapada"},
		{"stacked accents", "Nguyễn", "Nguyen"},
		{"small c cedilla", "façade", "facade"},
		{"decomposed GSM accent is composed", "cafe\u0301", "café"},
		{"decomposed non-GSM accent is stripped", "s\u0327", "s"},
		{"letters without decomposition", "Łódź Øre œuvre", "Lodz Øre oeuvre"},
		{"ligature and fraction", "ﬁlter ½", "filter 1/2"},
		{"non-breaking space", "Rp\u00a05.000", "Rp 5.000"},
		{"narrow and ideographic spaces", "a\u202fb\u3000c", "a b c"},
		{"bullet and tab", "•\tSiapkan KTP", "- Siapkan KTP"},
		{"times and backtick", "2×3 `kode`", "2x3 'kode'"},
		{"line endings", "a\r\nb\rc\u2028d", "a\nb\nc\nd"},
		{"extension characters kept", "{[€]}", "{[€]}"},
		{"emoji between words", "Selamat pagi 👋 Bapak", "Selamat pagi Bapak"},
		{"emoji at start", "👋 Halo", "Halo"},
		{"emoji at end", "Halo 👋", "Halo"},
		{"emoji before newline", "Halo 👋\nsemua", "Halo\nsemua"},
		{"emoji after newline", "Halo\n👋 semua", "Halo\nsemua"},
		{"emoji glued to word", "Terima kasih🙏", "Terima kasih"},
		{"emoji with skin tone and joiner", "Oke 👍🏽 👨‍👩‍👧 ya", "Oke ya"},
		{"CJK", "北京 Jakarta", "Jakarta"},
		{"zero-width space", "Halo\u200bsemua", "Halosemua"},
		{"original double space kept", "a  b", "a  b"},
		{"only emoji", "🎉🎉", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Transliterate(tt.in)
			if got != tt.want {
				t.Errorf("Transliterate(%q) = %q; want %q", tt.in, got, tt.want)
			}
			if _, ok := Septets(got); !ok {
				t.Errorf("Transliterate(%q) = %q is not GSM-7", tt.in, got)
			}
		})
	}
}

func TestUnsendable(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []rune
	}{
		{"all sendable", "“Kepala Desa” — café, ş, ā", nil},
		{"emoji and CJK once each in order", "Halo 👋 semua 👋 北京", []rune{'👋', '北', '京'}},
		{"skin tone and joiner not listed", "👍🏽 👨‍👩‍👧", []rune{'👍', '👨', '👩', '👧'}},
		{"greek small letter", "α ά", []rune{'α', 'ά'}},
		{"zero-width space not listed", "a\u200bb", nil},
		{"control character", "a\x07b", []rune{'\x07'}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Unsendable(tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Unsendable(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

const paragraph = "Musyawarah Desa adalah forum tertinggi untuk membahas hal-hal strategis di desa. " +
	"Peserta musyawarah terdiri atas Badan Permusyawaratan Desa, Pemerintah Desa, dan unsur " +
	"masyarakat seperti tokoh adat, tokoh agama, perwakilan petani, nelayan, perempuan, dan pemuda. " +
	"Hasil musyawarah dituangkan dalam berita acara yang ditandatangani oleh ketua BPD dan kepala desa. " +
	"Setiap keputusan harus diumumkan kepada warga paling lambat tujuh hari setelah musyawarah selesai."

// longLesson is about 1,700 characters, enough for ten or more parts.
var longLesson = strings.Repeat(paragraph+"\n", 4)[:1700]

var markerRE = regexp.MustCompile(` \((\d+)/(\d+)\)$`)

// checkParts asserts what every caller of Split relies on and returns the
// parts with their markers removed.
func checkParts(t testing.TB, in string, parts []string) []string {
	t.Helper()
	bare := make([]string, len(parts))
	for i, p := range parts {
		if n, enc := Segments(p); n != 1 || enc != GSM7 {
			t.Fatalf("part %d of Split(%q) = %q needs %d %s segments", i+1, in, p, n, enc)
		}
		bare[i] = p
		if len(parts) > 1 {
			want := fmt.Sprintf(" (%d/%d)", i+1, len(parts))
			if !strings.HasSuffix(p, want) {
				t.Fatalf("part %d of Split(%q) = %q lacks marker %q", i+1, in, p, want)
			}
			bare[i] = strings.TrimSuffix(p, want)
		}
		if bare[i] == "" || strings.TrimFunc(bare[i], isSpace) != bare[i] {
			t.Fatalf("part %d of Split(%q) = %q is empty or untrimmed", i+1, in, p)
		}
	}
	return bare
}

func TestSplit(t *testing.T) {
	exactly160 := strings.Repeat("Desa ", 32)[:159] + "."
	tests := []struct {
		name string
		in   string
		want []string // nil: only check invariants and word order
	}{
		{"empty", "", nil},
		{"blank", " \n\t\u00a0 ", nil},
		{"only emoji", "👋 🎉", nil},
		{"short text unchanged", "  Selamat pagi, Bapak Kepala Desa.\nSilakan balas YA.  ",
			[]string{"Selamat pagi, Bapak Kepala Desa.\nSilakan balas YA."}},
		{"short text transliterated", "“Kepala Desa” — Sekretaris… 👋",
			[]string{`"Kepala Desa" - Sekretaris...`}},
		{"exactly 160 septets", exactly160, []string{exactly160}},
		{"80 euro", strings.Repeat("€", 80), []string{strings.Repeat("€", 80)}},
		{"paragraph", paragraph, []string{
			"Musyawarah Desa adalah forum tertinggi untuk membahas hal-hal strategis di desa. (1/4)",
			"Peserta musyawarah terdiri atas Badan Permusyawaratan Desa, Pemerintah Desa, dan unsur masyarakat seperti tokoh adat, tokoh agama, (2/4)",
			"perwakilan petani, nelayan, perempuan, dan pemuda. Hasil musyawarah dituangkan dalam berita acara yang ditandatangani oleh ketua BPD dan kepala desa. (3/4)",
			"Setiap keputusan harus diumumkan kepada warga paling lambat tujuh hari setelah musyawarah selesai. (4/4)",
		}},
		{"newlines kept inside parts", strings.Repeat("Baris pertama.\nBaris kedua\n", 8), nil},
		{"list items stay with their numbers", "Langkah:\n" + strings.Repeat(
			"1. Siapkan daftar hadir peserta musyawarah desa\n2. Bacakan tata tertib rapat\n", 4), nil},
		{"long paragraph with escapes", strings.Repeat("Harga {paket} [A] ~ €5 | ", 30), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Split(tt.in)
			bare := checkParts(t, tt.in, got)
			if tt.want != nil && !slices.Equal(got, tt.want) {
				t.Fatalf("Split(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
			if w, g := strings.Fields(Transliterate(tt.in)), strings.Fields(strings.Join(bare, " ")); !slices.Equal(w, g) {
				t.Errorf("Split(%q) words = %q; want %q", tt.in, g, w)
			}
			for i, p := range bare {
				if regexp.MustCompile(`(^|\n)\d+\.$`).MatchString(p) {
					t.Errorf("part %d = %q ends with a list number", i+1, p)
				}
			}
		})
	}
}

// Cuts that change what a part says, or leave a fragment, are avoided
// whenever the same number of parts allows it.
func TestSplitReadsWell(t *testing.T) {
	// Greedy packing would end the first part with "(4)" and with "tidak".
	bidang := "Belanja Desa dibagi dalam 5 bidang, yaitu (1) penyelenggaraan pemerintahan Desa, (2) pelaksanaan pembangunan Desa, " +
		"(3) pembinaan kemasyarakatan Desa, (4) pemberdayaan masyarakat Desa, serta (5) penanggulangan bencana, keadaan darurat dan mendesak Desa."
	tidak := "Setelah dibahas, rancangan yang sudah disepakati bersama disampaikan Kepala Desa kepada Bupati melalui camat untuk dievaluasi, " +
		"sehingga APB Desa tidak dapat ditetapkan tanpa evaluasi dan kesepakatan dengan BPD."
	tests := []struct {
		name  string
		in    string
		parts int
	}{
		{"enumeration marks stay with their item", bidang, 2},
		{"tidak stays with its verb", tidak, 2},
		{"no tiny leftover", strings.Repeat("Kepala Desa dipilih langsung oleh penduduk Desa. ", 3) + "Masa jabatannya 8 tahun.", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Split(tt.in)
			bare := checkParts(t, tt.in, got)
			if len(got) != tt.parts {
				t.Fatalf("got %d parts, want %d: %q", len(got), tt.parts, got)
			}
			if greedy := packGreedy(Transliterate(tt.in), MaxSeptets-markerSeptets(1)); len(greedy) < len(got) {
				t.Errorf("%d parts where greedy packing needs %d", len(got), len(greedy))
			}
			for i, p := range bare {
				last := strings.Fields(p)
				w := strings.ToLower(last[len(last)-1])
				if negations[w] || enumerationMark(w) {
					t.Errorf("part %d ends with %q: %q", i+1, w, p)
				}
				if n, _ := Septets(p); len(bare) > 1 && n < MaxSeptets/4 {
					t.Errorf("part %d is a fragment of %d characters: %q", i+1, n, p)
				}
			}
		})
	}
}

func TestSplitHardCut(t *testing.T) {
	tests := []struct {
		name  string
		word  string
		parts int
	}{
		{"400-char word", strings.Repeat("abcdefghij", 40), 3},
		{"word of escapes", strings.Repeat("€", 200), 3},
		{"escape at every cut", strings.Repeat("a", 153) + strings.Repeat("€a", 100), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Split(tt.word)
			bare := checkParts(t, tt.word, got)
			if len(got) != tt.parts {
				t.Errorf("got %d parts, want %d: %q", len(got), tt.parts, got)
			}
			if j := strings.Join(bare, ""); j != tt.word {
				t.Errorf("joined parts = %q; want %q", j, tt.word)
			}
			for i, p := range bare[:len(bare)-1] {
				if n, _ := Septets(p); n < MaxSeptets-markerSeptets(1)-1 {
					t.Errorf("hard-cut part %d has only %d septets", i+1, n)
				}
			}
		})
	}
}

func TestSplitTwoDigitMarkers(t *testing.T) {
	got := Split(longLesson)
	bare := checkParts(t, longLesson, got)
	if len(got) < 10 {
		t.Fatalf("got %d parts, want at least 10", len(got))
	}
	for i, p := range got {
		m := markerRE.FindStringSubmatch(p)
		if m == nil || len(m[2]) != 2 {
			t.Errorf("part %d = %q lacks a two-digit marker", i+1, p)
		}
		if n, _ := Septets(p); n > MaxSeptets {
			t.Errorf("part %d has %d septets", i+1, n)
		}
	}
	if w, g := strings.Fields(longLesson), strings.Fields(strings.Join(bare, " ")); !slices.Equal(w, g) {
		t.Errorf("words changed: got %q, want %q", g, w)
	}
}

// A text whose one-digit packing needs exactly 10 parts must be repacked
// with room for two-digit markers.
func TestSplitMarkerGrowth(t *testing.T) {
	for n := 1300; n <= 1700; n += 7 {
		in := strings.Repeat("x", n)
		got := Split(in)
		bare := checkParts(t, in, got)
		if j := strings.Join(bare, ""); j != in {
			t.Fatalf("n=%d: joined parts differ from input", n)
		}
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		"", " ", "Halo", paragraph, longLesson,
		strings.Repeat("€", 81), strings.Repeat("abcdefghij", 40),
		"“Kepala Desa” — Sekretaris… 👋 café ş\r\n\t•",
		strings.Repeat("Ya. ", 60), strings.Repeat("1. a\n", 60),
		strings.Repeat("a 👋 ", 100), "\xff\xfe invalid", strings.Repeat("😀", 200),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		tr := Transliterate(in)
		if _, ok := Septets(tr); !ok {
			t.Fatalf("Transliterate(%q) = %q is not GSM-7", in, tr)
		}
		if again := Transliterate(tr); again != tr {
			t.Fatalf("Transliterate not idempotent: %q -> %q -> %q", in, tr, again)
		}
		parts := Split(in)
		bare := checkParts(t, in, parts)
		squash := func(s string) string { return strings.Join(strings.FieldsFunc(s, isSpace), "") }
		if g, w := squash(strings.Join(bare, "")), squash(tr); g != w {
			t.Fatalf("Split(%q) lost or reordered text: %q, want %q", in, g, w)
		}
	})
}

func BenchmarkSplit(b *testing.B) {
	in := "“" + longLesson + "” 👋"
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		Split(in)
	}
}
