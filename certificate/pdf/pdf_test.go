package pdf

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/certificate"
)

// The tests read the PDF back with the tools people's viewers are built
// on: poppler (pdftotext, pdftoppm) and zbar for the QR code. .ci/run
// installs them.
func tool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed: apt-get install poppler-utils zbar-tools (.ci/run does)", name)
	}
	return path
}

func sample(t testing.TB) Document {
	code, err := certificate.Parse("PMG-674Q-U9ME-527W")
	if err != nil {
		t.Fatal(err)
	}
	pre := 40
	return Document{Code: code, URL: "https://pamong.example.go.id/v/PMG-674Q-U9ME-527W",
		Name: "Siti Aminah", Role: "Kaur Keuangan",
		Place:  "Desa Cileunyi Kulon, Kec. Cileunyi, Kabupaten Bandung, Jawa Barat",
		Course: "Dasar Tata Kelola dan Keuangan Desa", CourseVersion: "3f2a9c1b7d10",
		Pretest: &pre, Posttest: 80, Issuer: "Dinas PMD Provinsi Jawa Barat",
		Issued: time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)}
}

func TestPDFReadsBack(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Document)
		want []string
	}{
		{"valid", func(*Document) {}, []string{"SERTIFIKAT KOMPETENSI", "Siti Aminah", "Dasar Tata Kelola dan Keuangan Desa",
			"PMG-674Q-U9ME-527W", "Dinas PMD Provinsi Jawa Barat", "30 November 2026", "Nilai post-test 80 (pretest 40, naik 40 poin)"}},
		{"html and accents in the name", func(d *Document) { d.Name = `<script>alert("x")</script> Ñoman Dèwi` },
			[]string{`<script>alert("x")</script> Ñoman Dèwi`, "PMG-674Q-U9ME-527W"}},
		{"revoked", func(d *Document) {
			at := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
			d.RevokedAt, d.RevokeReason = &at, "data kelulusan tidak sah"
		}, []string{"DICABUT", "DICABUT pada 2 Desember 2026: data kelulusan tidak sah", "Siti Aminah"}},
		{"very long name", func(d *Document) { d.Name = strings.Repeat("Panjang ", 40) }, []string{"Panjang Panjang", "PMG-674Q-U9ME-527W"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := sample(t)
			tc.edit(&d)
			data, err := Render(d)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			file := filepath.Join(dir, "c.pdf")
			if err := os.WriteFile(file, data, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(tool(t, "pdftotext"), "-layout", file, "-").CombinedOutput()
			if err != nil {
				t.Fatalf("pdftotext: %v\n%s", err, out)
			}
			text := strings.Join(strings.Fields(string(out)), " ")
			for _, w := range tc.want {
				if !strings.Contains(text, strings.Join(strings.Fields(w), " ")) {
					t.Errorf("pdftotext does not find %q in:\n%s", w, out)
				}
			}
			info, err := exec.Command(tool(t, "pdfinfo"), file).CombinedOutput()
			fields := strings.Join(strings.Fields(string(info)), " ")
			if err != nil || !strings.Contains(fields, "Pages: 1 ") || !strings.Contains(fields, "Page size: 842 x 595 pts (A4)") {
				t.Errorf("pdfinfo: %v\n%s", err, info)
			}
		})
	}
}

func TestQRCodeGivesTheVerificationURL(t *testing.T) {
	d := sample(t)
	data, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "c.pdf")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	// 100 dpi is a phone photo of a printed page, roughly.
	if out, err := exec.Command(tool(t, "pdftoppm"), "-png", "-r", "100", "-singlefile", file, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	out, err := exec.Command(tool(t, "zbarimg"), "--quiet", "--raw", filepath.Join(dir, "page.png")).Output()
	if err != nil {
		t.Fatalf("zbarimg finds no QR code: %v", err)
	}
	if got := strings.TrimSpace(string(out)); got != d.URL {
		t.Errorf("QR code reads %q, want %q", got, d.URL)
	}
	if dst := os.Getenv("PAMONG_CERTIFICATE_PNG"); dst != "" {
		// For a person to look at: PAMONG_CERTIFICATE_PNG=/tmp/c.png go test ./certificate/pdf
		png, _ := os.ReadFile(filepath.Join(dir, "page.png"))
		_ = os.WriteFile(dst, png, 0o644)
		_ = os.WriteFile(strings.TrimSuffix(dst, ".png")+".pdf", data, 0o644)
		at := time.Now()
		d.RevokedAt, d.RevokeReason, d.Name = &at, "data kelulusan tidak sah", `<b>Ñoman</b> Dèwi`
		if revoked, err := Render(d); err == nil {
			_ = os.WriteFile(strings.TrimSuffix(dst, ".png")+"-revoked.pdf", revoked, 0o644)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	d := sample(b)
	var size int
	for b.Loop() {
		data, err := Render(d)
		if err != nil {
			b.Fatal(err)
		}
		size = len(data)
	}
	b.ReportMetric(float64(size), "bytes")
}
