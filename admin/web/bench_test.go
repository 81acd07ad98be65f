package web_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/certificate"
	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

// benchFixture is the programme at full size: 80,000 officials in three
// provinces of 10 regencies × 10 districts × 8 villages each (2,400
// villages, about 33 officials a village), seeded once per benchmark.
func benchFixture(b *testing.B) *fixture {
	b.Helper()
	f := newFixture(b)
	var rows []region.Region
	var vs []string
	for _, p := range []string{"51", "61", "73"} {
		rows = append(rows, region.Region{Code: region.Code(p), Name: "Provinsi " + p})
		for k := 1; k <= 10; k++ {
			kab := fmt.Sprintf("%s.%02d", p, k)
			rows = append(rows, region.Region{Code: region.Code(kab), Name: "Kabupaten " + kab})
			for d := 1; d <= 10; d++ {
				kec := fmt.Sprintf("%s.%02d", kab, d)
				rows = append(rows, region.Region{Code: region.Code(kec), Name: "Kecamatan " + kec})
				for v := 1; v <= 8; v++ {
					code := fmt.Sprintf("%s.%04d", kec, 2000+v)
					rows = append(rows, region.Region{Code: region.Code(code), Name: "Desa " + code})
					vs = append(vs, code)
				}
			}
		}
	}
	if _, err := f.db.ImportRegions(context.Background(), rows, "bench"); err != nil {
		b.Fatal(err)
	}
	f.seed(80000, vs)
	// serve runs with its course named; the seed's course is c1.
	f.svc.CourseID = "c1"
	if _, err := f.raw.Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
	return f
}

// benchPage fetches path as the admin with token b.N times and reports
// the page size.
func benchPage(b *testing.B, f *fixture, token, path string) {
	br := f.browser()
	br.signIn(token)
	b.ResetTimer()
	size := 0
	for i := 0; i < b.N; i++ {
		code, body, _ := br.get(path)
		if code != 200 {
			b.Fatalf("%s: %d", path, code)
		}
		size = len(body)
	}
	b.ReportMetric(float64(size)/1024, "KB/page")
}

func BenchmarkDashboard80k(b *testing.B) {
	f := benchFixture(b)
	ctx := context.Background()
	_, province, err := f.svc.CreateAdmin(ctx, "Provinsi 61", "61")
	if err != nil {
		b.Fatal(err)
	}
	// Live first, as before serve's first refresh; then from the rollup,
	// as serve serves it, and what one refresh of the rollup costs.
	b.Run("overview/national-live", func(b *testing.B) { benchPage(b, f, f.national, "/admin/overview") })
	b.Run("rollup-refresh", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := f.svc.RefreshRollup(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("overview/national", func(b *testing.B) { benchPage(b, f, f.national, "/admin/overview") })
	b.Run("overview/province", func(b *testing.B) { benchPage(b, f, province, "/admin/overview") })
	b.Run("regions/national", func(b *testing.B) { benchPage(b, f, f.national, "/admin/regions") })
	b.Run("regions/province", func(b *testing.B) { benchPage(b, f, province, "/admin/regions?code=61") })
	b.Run("regions/regency", func(b *testing.B) { benchPage(b, f, province, "/admin/regions?code=61.05") })
	b.Run("regions/village", func(b *testing.B) { benchPage(b, f, province, "/admin/regions?code=61.05.05.2005") })
	b.Run("certificates", func(b *testing.B) { benchPage(b, f, province, "/admin/certificates") })
	b.Run("officials/national", func(b *testing.B) { benchPage(b, f, f.national, "/admin/officials") })
	b.Run("officials/province-certified", func(b *testing.B) { benchPage(b, f, province, "/admin/officials?stage=certified") })
	b.Run("officials/search-name", func(b *testing.B) { benchPage(b, f, f.national, "/admin/officials?q=aparat+7912") })
	b.Run("officials/search-phone", func(b *testing.B) { benchPage(b, f, province, "/admin/officials?q=0812-0007-9") })
	b.Run("officials/one", func(b *testing.B) { benchPage(b, f, f.national, "/admin/officials/40000") })
}

// peakWriter discards what it is given and samples the live heap at each
// write, so the benchmark can report the most the export ever held.
type peakWriter struct {
	n    int64
	peak uint64
	ms   runtime.MemStats
}

func (w *peakWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	// Sampling every write would dominate the run; every 64 KB is enough
	// to see growth.
	if w.n%(64<<10) < int64(len(p)) {
		runtime.ReadMemStats(&w.ms)
		w.peak = max(w.peak, w.ms.HeapAlloc)
	}
	return len(p), nil
}

var _ io.Writer = (*peakWriter)(nil)

// The certificate export of 80,000 rows: every official is certified
// here, and the export goes page by page, so the heap stays flat whatever
// the row count.
func BenchmarkCertificateExport80k(b *testing.B) {
	f := benchFixture(b)
	// Certify everyone who is not yet.
	var ids []int64
	if err := f.raw.Select(&ids, `SELECT id FROM learners l WHERE NOT EXISTS (SELECT 1 FROM certificates c WHERE c.learner_id = l.id) ORDER BY id`); err != nil {
		b.Fatal(err)
	}
	codes := make([]string, len(ids))
	for i := range ids {
		c, err := certificate.New()
		if err != nil {
			b.Fatal(err)
		}
		codes[i] = string(c)
	}
	if _, err := f.raw.Exec(`
		INSERT INTO certificates (code, learner_id, course_id, course_version, course_title, holder_name, holder_role,
		                          village_code, posttest_score, issuer, issued_at, updated_at)
		SELECT n.code, l.id, 'c1', 'v1', 'Kursus', l.name, l.role, l.village_code, 80, 'Pamong', now(), now()
		FROM unnest($1::bigint[], $2::text[]) AS n (id, code) JOIN learners l ON l.id = n.id`, pq.Array(ids), pq.Array(codes)); err != nil {
		b.Fatal(err)
	}
	who := store.Admin{Name: "national", Scope: ""}
	for _, tt := range []struct {
		name    string
		regions []string
	}{
		{"three-regencies", []string{"61.01", "61.02", "61.03"}},
		{"national", nil},
	} {
		b.Run(tt.name, func(b *testing.B) {
			runtime.GC()
			var base runtime.MemStats
			runtime.ReadMemStats(&base)
			w := &peakWriter{}
			n := 0
			for i := 0; i < b.N; i++ {
				var err error
				if n, err = f.svc.ExportCertificates(context.Background(), who, tt.regions, "", w); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "rows")
			b.ReportMetric(float64(w.peak-min(w.peak, base.HeapAlloc))/(1<<20), "MB-peak-heap-growth")
		})
	}
}
