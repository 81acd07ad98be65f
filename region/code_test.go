package region

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    Code
		wantErr string
	}{
		{"32.04.05.2001", "32.04.05.2001", ""},
		{"3204052001", "32.04.05.2001", ""},
		{" 32 04 05 2001 ", "32.04.05.2001", ""},
		{"32-04-05-2001", "32.04.05.2001", ""},
		{"32", "32", ""},
		{"3204", "32.04", ""},
		{"32.04.05", "32.04.05", ""},
		{"320405200", "", "9 digits"},
		{"32040520011", "", "11 digits"},
		{"", "", "0 digits"},
		{"32.04.05.200a", "", "not a digit"},
		{"00.04", "", "all zeros"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse(%q) = %q, %v; want error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Parse(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestCodeTree(t *testing.T) {
	c := Code("32.04.05.2001")
	if c.Level() != Village || c.Parent() != "32.04.05" || c.Province() != "32" {
		t.Fatalf("level %v parent %q province %q", c.Level(), c.Parent(), c.Province())
	}
	if got := c.Ancestors(); len(got) != 3 || got[0] != "32" || got[2] != "32.04.05" {
		t.Fatalf("ancestors %v", got)
	}
	if c.IsKelurahan() || !Code("32.73.01.1001").IsKelurahan() {
		t.Fatal("desa/kelurahan mixed up")
	}
	for _, tt := range []struct {
		prefix Code
		want   bool
	}{{"", true}, {"32", true}, {"32.04", true}, {"32.04.05.2001", true}, {"32.03", false}, {"3", false}} {
		if got := c.Within(tt.prefix); got != tt.want {
			t.Errorf("Within(%q) = %v", tt.prefix, got)
		}
	}
	if _, err := ParseVillage("32.04"); err == nil || !strings.Contains(err.Error(), "regency") {
		t.Fatalf("ParseVillage of a regency: %v", err)
	}
}
