package web_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/pamong-desa/pamong/admin"
)

// BenchmarkAnnouncements80k times the pages that write to learners at full
// size: the preview of a national announcement (80,000 recipients), the
// status page and the list once it is queued, and the questions page with
// a question from every official.
func BenchmarkAnnouncements80k(b *testing.B) {
	f := benchFixture(b)
	ctx := context.Background()
	who, err := f.svc.Authenticate(ctx, f.national)
	if err != nil {
		b.Fatal(err)
	}
	text := "Pelatihan aparat desa dimulai Senin 17 Maret pukul 09.00 waktu setempat. Mohon siapkan laporan Dana Desa triwulan I."
	br := f.browser()
	br.signIn(f.national)
	form := url.Values{"csrf": {br.csrf()}, "text": {text}}
	b.Run("preview/national", func(b *testing.B) {
		size := 0
		for i := 0; i < b.N; i++ {
			code, body, _ := br.post("/admin/announcements/preview", form)
			if code != 200 {
				b.Fatalf("preview: %d", code)
			}
			size = len(body)
		}
		b.ReportMetric(float64(size)/1024, "KB/page")
	})
	sent, err := f.svc.Send(ctx, who, admin.Compose{Text: text})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 29; i++ {
		if _, err := f.svc.Send(ctx, who, admin.Compose{Text: text, Filter: admin.Filter{Regions: []string{fmt.Sprintf("61.%02d", 1+i%10)}}}); err != nil {
			b.Fatal(err)
		}
	}
	f.askQuestions()
	if _, err := f.raw.Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
	b.Run("status/national", func(b *testing.B) { benchPage(b, f, f.national, fmt.Sprintf("/admin/announcements/%d", sent.ID)) })
	b.Run("list/30", func(b *testing.B) { benchPage(b, f, f.national, "/admin/announcements") })
	b.Run("questions/national", func(b *testing.B) { benchPage(b, f, f.national, "/admin/questions") })
}
