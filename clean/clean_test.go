package clean

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Jawaban B", "Jawaban B"},
		{"Indonesian and emoji kept", "Halo € 😀 é", "Halo € 😀 é"},
		{"NUL dropped", "a\x00b\x00", "ab"},
		{"only NUL", "\x00\x00", ""},
		{"UTF-16LE BOM bytes", "\xff\xfehalo", "\uFFFDhalo"},
		{"Latin-1", "\xe9t\xe9", "\uFFFDt\uFFFD"},
		{"UTF-8 encoded lone surrogate", "x\xed\xa0\x80y", "x\uFFFDy"},
		{"truncated sequence at the end", "ok\xe2\x82", "ok\uFFFD"},
		{"NUL inside an invalid run", "\xff\x00\xfe", "\uFFFD"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Errorf("Text(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"", "halo", "a\x00b", "\xff\xfe", "\xed\xa0\x80", "\xe9t\xe9", "😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Text(s)
		if !utf8.ValidString(got) || strings.IndexByte(got, 0) >= 0 {
			t.Fatalf("Text(%q) = %q: still not storable", s, got)
		}
		if utf8.ValidString(s) && !strings.Contains(s, "\x00") && got != s {
			t.Fatalf("Text(%q) = %q: changed text that was fine", s, got)
		}
		if Text(got) != got {
			t.Fatalf("Text is not idempotent on %q", s)
		}
	})
}
