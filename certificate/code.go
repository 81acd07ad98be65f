// Package certificate is what a competency certificate is outside the
// database: its code (made, checked and read back from what people type)
// and its printed form, the PDF.
package certificate

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"
)

// Alphabet is the symbols of a code: digits and capital letters without
// 0/O and 1/I/L, which people confuse when they read a code aloud or type
// it on a keypad. It has 31 symbols, a prime, which makes the check
// character catch every single wrong character and every swap of two.
const Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// Prefix starts every printed code, so that people recognise it as a
// Pamong certificate; it is optional when a code is typed in.
const Prefix = "PMG"

const (
	// RandomChars is how many symbols of a code are random.
	RandomChars = 11
	// Length is a code's length without prefix and dashes: the random
	// symbols and the check character.
	Length = RandomChars + 1
	// maxInput bounds what Parse reads: anything longer is not a code, and
	// a huge input must not cost more than a short one.
	maxInput = 64
)

// Bits is the randomness of a code: 11 symbols of 31, about 54.5 bits.
var Bits = RandomChars * math.Log2(float64(len(Alphabet)))

// Code is a certificate code in its compact form: 12 symbols of Alphabet,
// the last a check character ("674QU9ME527W"). It is what the database
// keeps.
type Code string

// String is the printed form: "PMG-674Q-U9ME-527W".
func (c Code) String() string {
	s := string(c)
	if len(s) != Length {
		return s
	}
	return Prefix + "-" + s[0:4] + "-" + s[4:8] + "-" + s[8:12]
}

// New makes a code from the system's cryptographic random source.
func New() (Code, error) {
	var b [RandomChars]byte
	out := make([]byte, 0, Length)
	for len(out) < RandomChars {
		if _, err := rand.Read(b[:]); err != nil {
			return "", fmt.Errorf("make certificate code: %w", err)
		}
		for _, x := range b {
			// 248 = 8 × 31: rejecting the bytes above it keeps every
			// symbol equally likely.
			if x < 248 && len(out) < RandomChars {
				out = append(out, Alphabet[int(x)%len(Alphabet)])
			}
		}
	}
	return Code(string(out) + string(checkChar(string(out)))), nil
}

// checkChar is the symbol that makes Σ (i+1)·value(symbol i) ≡ 0 (mod 31)
// over all 12 symbols. Weights 1..12 are distinct and non-zero mod 31, so a
// single changed symbol or two swapped symbols always change the sum.
func checkChar(body string) byte {
	sum := 0
	for i := 0; i < len(body); i++ {
		sum += (i + 1) * strings.IndexByte(Alphabet, body[i])
	}
	n := len(Alphabet)
	w := len(body) + 1
	// value·w ≡ -sum (mod 31); w's inverse by Fermat: w^(31-2).
	inv := 1
	for i := 0; i < n-2; i++ {
		inv = inv * w % n
	}
	v := ((n - sum%n) % n) * inv % n
	return Alphabet[v]
}

// Errors Parse returns; the message of each says what to fix, in English
// for logs. Callers tell learners and visitors in their own words.
var (
	ErrEmpty = errors.New("no certificate code given")
	// ErrLength is a code with too few or too many symbols.
	ErrLength = errors.New("a certificate code has 12 characters after PMG")
	// ErrTypo is a code whose check character does not match: one of its
	// characters was most likely mistyped.
	ErrTypo = errors.New("the certificate code has a typing mistake")
)

// CharError is a character that is never part of a code.
type CharError struct{ Char rune }

func (e *CharError) Error() string {
	return fmt.Sprintf("%q is not used in certificate codes", e.Char)
}

// Parse reads a code as people type or say it: case, spaces, dashes and
// dots are ignored and the PMG prefix is optional. A code whose check
// character does not match is ErrTypo, so the caller can say "typo"
// rather than "no such certificate".
func Parse(s string) (Code, error) {
	if len(s) > maxInput {
		return "", ErrLength
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '-' || r == '.' || r == '_':
			continue
		case r > unicode.MaxASCII:
			return "", &CharError{Char: r}
		}
		r = unicode.ToUpper(r)
		if !strings.ContainsRune(Alphabet, r) {
			return "", &CharError{Char: r}
		}
		b.WriteRune(r)
	}
	c := b.String()
	if len(c) == len(Prefix)+Length && strings.HasPrefix(c, Prefix) {
		c = c[len(Prefix):]
	}
	switch {
	case c == "":
		return "", ErrEmpty
	case len(c) != Length:
		return "", ErrLength
	case checkChar(c[:RandomChars]) != c[RandomChars]:
		return "", ErrTypo
	}
	return Code(c), nil
}

// GuessChance is the chance that n random guesses hit one of valid codes
// issued: each guess that passes the check character is one of
// 31^11 equally likely codes.
func GuessChance(n, valid float64) float64 {
	return n * valid / math.Pow(float64(len(Alphabet)), RandomChars)
}

// DefaultIssuer is the issuer printed on certificates when PAMONG_ISSUER is
// not set.
const DefaultIssuer = "Program Pelatihan Aparatur Desa Pamong"
