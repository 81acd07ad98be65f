package phone

import "testing"

func TestMaskDigits(t *testing.T) {
	for in, want := range map[string]string{
		"The 'To' number +6281234567890 is not valid": "The 'To' number +**********890 is not valid",
		"error 21211 on port 13013":                   "error 21211 on port 13013",
		"":                                            "",
		"0812345":                                     "****345",
		"The 'To' phone number: 6281234567890, is not currently reachable using the 'From' phone number: +15005550006 via SMS.": "The 'To' phone number: **********890, is not currently reachable using the 'From' phone number: +********006 via SMS.",
	} {
		if got := MaskDigits(in); got != want {
			t.Errorf("MaskDigits(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"+6281234567890": "+62…890",
		"+1234567":       "+12…567",
		"+12345":         "…",
		"":               "…",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q; want %q", in, got, want)
		}
	}
}
