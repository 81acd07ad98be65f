package certificate

import (
	"fmt"
	"time"
)

var months = []string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}

// wib is Western Indonesian Time, in which certificate dates are written
// wherever they are shown, so that the page, the PDF and the SMS agree.
var wib = time.FixedZone("WIB", 7*3600)

// Date writes a day the Indonesian way: "30 November 2026" (in WIB).
func Date(t time.Time) string {
	t = t.In(wib)
	return fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year())
}

// Day is the ISO date of t in WIB ("2026-11-30"), for machines.
func Day(t time.Time) string { return t.In(wib).Format(time.DateOnly) }
