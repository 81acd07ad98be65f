package bot

import (
	"strings"
	"testing"
)

func TestParseChoice(t *testing.T) {
	tests := []struct {
		in     string
		want   int
		wantOK bool
	}{
		{"2", 2, true}, {"b", 2, true}, {"B.", 2, true}, {"(b)", 2, true}, {"b)", 2, true},
		{" 2 ", 2, true}, {"jawaban b", 2, true}, {"2.", 2, true}, {"Jawaban: 2", 2, true},
		{"pilih c", 3, true}, {"10", 10, true}, {"5", 5, true},
		{"ok", 0, false}, {"👍", 0, false}, {"", 0, false}, {"2 dan 3", 0, false},
		{"Saya kira jawabannya yang kedua", 0, false}, {"123", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseChoice(tt.in, 4)
			if got != tt.want || ok != tt.wantOK {
				t.Fatalf("ParseChoice(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestParseKeyword(t *testing.T) {
	tests := map[string]Keyword{
		"menu": KeyMenu, " Menu. ": KeyMenu, "LANJUT": KeyNext, "next!": KeyNext, "ulang": KeyRepeat,
		"REPEAT": KeyRepeat, "Nilai?": KeyScore, "skor": KeyScore, "score": KeyScore, "bantuan": KeyHelp,
		"HELP": KeyHelp, "?": KeyHelp, " ? ": KeyHelp, "berhenti": KeyStop, "STOP!": KeyStop, "mulai": KeyStart,
		"Start": KeyStart, "halo": KeyNone, "2": KeyNone, "menu saya": KeyNone, "": KeyNone,
	}
	for in, want := range tests {
		if got := ParseKeyword(in); got != want {
			t.Errorf("ParseKeyword(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestSegments(t *testing.T) {
	tests := []struct {
		name string
		text string
		n    int
		enc  string
	}{
		{"gsm7 160", strings.Repeat("a", 160), 1, "GSM-7"},
		{"gsm7 161", strings.Repeat("a", 161), 2, "GSM-7"},
		{"gsm7 306", strings.Repeat("a", 306), 2, "GSM-7"},
		{"gsm7 307", strings.Repeat("a", 307), 3, "GSM-7"},
		{"extension counts two", strings.Repeat("€", 80), 1, "GSM-7"},
		{"extension 81", strings.Repeat("€", 81), 2, "GSM-7"},
		{"extension brackets", strings.Repeat("a", 158) + "[", 1, "GSM-7"},
		{"extension over", strings.Repeat("a", 159) + "]", 2, "GSM-7"},
		{"ucs2 70", strings.Repeat("ā", 70), 1, "UCS-2"},
		{"ucs2 71", strings.Repeat("ā", 71), 2, "UCS-2"},
		{"ucs2 134", strings.Repeat("ā", 134), 2, "UCS-2"},
		{"ucs2 135", strings.Repeat("ā", 135), 3, "UCS-2"},
		{"curly quote forces ucs2", "“Halo”", 1, "UCS-2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, enc := Segments(tt.text)
			if n != tt.n || enc != tt.enc {
				t.Fatalf("Segments = %d %s; want %d %s", n, enc, tt.n, tt.enc)
			}
		})
	}
}

func TestRenderSMSAlwaysOneSegment(t *testing.T) {
	long := strings.Repeat("Kepala Desa menetapkan APBDes bersama BPD — “sesuai aturan”… ", 20)
	msgs := []Message{
		{Kind: KindCard, Title: "Pelajaran 1 dari 6: Judul yang agak panjang sekali", Text: long},
		{Kind: KindQuestion, Title: "Pertanyaan 1 dari 4", Text: long[:150], Options: []string{long[:60], long[:70], "c", "d"}, Footer: "Balas 1-4"},
		{Kind: KindText, Text: "😀 emoji saja"},
	}
	for _, r := range Render(SMS, msgs) {
		if n, enc := Segments(r.Text); n != 1 || enc != "GSM-7" {
			t.Errorf("%d %s segments: %q", n, enc, r.Text)
		}
	}
}
