package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/region"
)

func TestUTCOffset(t *testing.T) {
	db, _ := openRaw(t)
	for _, tt := range []struct {
		code region.Code
		want time.Duration
	}{
		{"", 7 * time.Hour},
		{"32.04", 7 * time.Hour},
		{"52", 8 * time.Hour},
		{"52.01.01.2001", 8 * time.Hour},
		{"73.05", 8 * time.Hour},
		{"91.03.01.2001", 9 * time.Hour},
	} {
		got, err := db.UTCOffset(context.Background(), tt.code)
		if err != nil || got != tt.want {
			t.Errorf("UTCOffset(%q) = %v, %v; want %v", tt.code, got, err, tt.want)
		}
	}
}
