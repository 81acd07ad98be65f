package certificate

import (
	"errors"
	"strings"
	"testing"
)

func TestNewCodesParseBack(t *testing.T) {
	seen := map[Code]bool{}
	for i := 0; i < 2000; i++ {
		c, err := New()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != Length || strings.ContainsAny(string(c), "01OIL") {
			t.Fatalf("code %q: want %d symbols of %s", c, Length, Alphabet)
		}
		if seen[c] {
			t.Fatalf("code %q made twice", c)
		}
		seen[c] = true
		got, err := Parse(c.String())
		if err != nil || got != c {
			t.Fatalf("Parse(%q) = %q, %v; want %q", c.String(), got, err, c)
		}
	}
}

func TestParse(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	s := string(c)
	for _, tc := range []struct {
		name, in string
		want     Code
		err      error
	}{
		{"printed", c.String(), c, nil},
		{"compact", s, c, nil},
		{"lower case and spaces", " pmg " + strings.ToLower(s[:4]) + " " + strings.ToLower(s[4:]) + " ", c, nil},
		{"dots", s[:4] + "." + s[4:8] + "." + s[8:], c, nil},
		{"empty", " - ", "", ErrEmpty},
		{"short", s[:8], "", ErrLength},
		{"long", s + "2", "", ErrLength},
		{"huge", strings.Repeat("A", 10000), "", ErrLength},
		{"wrong check", s[:11] + string(other(s[11])), "", ErrTypo},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.in)
			if got != tc.want || !errors.Is(err, tc.err) {
				t.Errorf("Parse(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
	for _, bad := range []string{"0", "O", "1", "I", "L", "<", "é"} {
		_, err := Parse(s[:5] + bad + s[6:])
		var ce *CharError
		if !errors.As(err, &ce) {
			t.Errorf("code with %q: err %v, want a CharError", bad, err)
		}
	}
}

func other(b byte) byte {
	i := strings.IndexByte(Alphabet, b)
	return Alphabet[(i+1)%len(Alphabet)]
}

// Every single mistyped symbol and every swap of two different symbols is
// caught by the check character, for many codes.
func TestCheckCatchesTyposAndSwaps(t *testing.T) {
	for n := 0; n < 200; n++ {
		c, err := New()
		if err != nil {
			t.Fatal(err)
		}
		s := []byte(c)
		for i := range s {
			for _, r := range []byte(Alphabet) {
				if r == s[i] {
					continue
				}
				m := append([]byte(nil), s...)
				m[i] = r
				if _, err := Parse(string(m)); !errors.Is(err, ErrTypo) {
					t.Fatalf("%s with %c at %d: err %v, want ErrTypo", c, r, i, err)
				}
			}
			for j := i + 1; j < len(s); j++ {
				if s[i] == s[j] {
					continue
				}
				m := append([]byte(nil), s...)
				m[i], m[j] = m[j], m[i]
				if _, err := Parse(string(m)); !errors.Is(err, ErrTypo) {
					t.Fatalf("%s with %d and %d swapped: err %v, want ErrTypo", c, i, j, err)
				}
			}
		}
	}
}

func TestBitsAndGuessing(t *testing.T) {
	if Bits < 50 {
		t.Errorf("codes carry %.1f bits of randomness, want at least 50", Bits)
	}
	// 10,000 guesses against 80,000 certificates (every official once).
	if p := GuessChance(10000, 80000); p > 1e-7 {
		t.Errorf("chance of guessing a code in 10,000 tries: %g, want below 1e-7", p)
	}
	t.Logf("%.1f bits; 10,000 guesses vs 80,000 codes: %.2g", Bits, GuessChance(10000, 80000))
}
