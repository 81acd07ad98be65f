package phone

import (
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{"081234567890", "+6281234567890", ""},
		{"6281234567890", "+6281234567890", ""},
		{"+62 812-3456-7890", "+6281234567890", ""},
		{"(0812) 3456.7890", "+6281234567890", ""},
		{"+62812345678", "+62812345678", ""},
		{"+14155550100", "+14155550100", ""},
		{"022-7654321", "", "not a mobile"},
		{"0812345", "", "too short"},
		{"08123456789012", "", "too long"},
		{"0812abc", "", "not a digit"},
		{"", "", "empty"},
		{"81234567890", "+6281234567890", ""},
		{"(+62) 812-3456-7890", "+6281234567890", ""},
		{"+62 (0)812 3456 7890", "+6281234567890", ""},
		{"0062 812 3456 7890", "+6281234567890", ""},
		{"0812\u00a03456\u00a07890", "+6281234567890", ""},
		{"712345678", "", "write it as"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Normalize(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Normalize(%q) = %q, %v; want error %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}
