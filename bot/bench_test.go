package bot

import (
	"testing"
	"time"
)

// BenchmarkStep measures the engine alone on a realistic mix: a learner
// answering questions through a lesson, over SMS rendering included.
func BenchmarkStep(b *testing.B) {
	course := testCourse(b)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	start := State{Learner: Learner{Phone: "+6281200000001"}}
	script := []string{"halo", "Siti Aminah", "3204052001", "1", "3", "2", "1", "2", "1", "1", "2", "1", "1", "1", "3", "2", "nilai"}
	place := &Place{Code: "32.04.05.2001", Province: "Jawa Barat", Regency: "Kabupaten Bandung", District: "Cileunyi", Village: "Cileunyi Kulon"}
	b.ReportAllocs()
	msgs := 0
	for b.Loop() {
		st := start
		for _, text := range script {
			now = now.Add(time.Minute)
			out := Step(st, Input{Text: text, Channel: SMS, Now: now, Place: place, RegionsKnown: true}, course)
			Render(SMS, out.Messages)
			st = out.State
			msgs++
		}
	}
	b.ReportMetric(float64(msgs)/b.Elapsed().Seconds(), "msgs/s")
}
