package admin

import "testing"

func TestGroupDigits(t *testing.T) {
	for _, tc := range []struct {
		n    int
		sep  string
		want string
	}{
		{0, ".", "0"}, {999, ".", "999"}, {1000, ".", "1.000"}, {80000, ",", "80,000"},
		{1234567, ".", "1.234.567"}, {-56000, ".", "-56.000"}, {-100, ".", "-100"},
	} {
		if got := GroupDigits(tc.n, tc.sep); got != tc.want {
			t.Errorf("GroupDigits(%d, %q) = %q, want %q", tc.n, tc.sep, got, tc.want)
		}
	}
	if got := Rupiah(56000); got != "Rp 56.000" {
		t.Errorf("Rupiah(56000) = %q", got)
	}
}
