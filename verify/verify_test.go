package verify_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/pamong-desa/pamong/certificate"
	"github.com/pamong-desa/pamong/internal/learnertest"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
	"github.com/pamong-desa/pamong/verify"
)

type fixture struct {
	db   *store.DB
	sql  *sqlx.DB
	srv  *httptest.Server
	code certificate.Code
}

func setUp(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	url := pgtest.URL(t)
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	raw, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	db.SetCertificates(store.CertificateSettings{Issuer: "Dinas PMD Provinsi Jawa Barat", PublicURL: "https://pamong.example.id"})
	if _, err := db.ImportRegions(ctx, []region.Region{
		{Code: "32", Name: "Jawa Barat"}, {Code: "32.04", Name: "Kabupaten Bandung"},
		{Code: "32.04.05", Name: "Cileunyi"}, {Code: "32.04.05.2001", Name: "Cileunyi Kulon"},
	}, "test"); err != nil {
		t.Fatal(err)
	}
	course, err := lessons.BundledDefault()
	if err != nil {
		t.Fatal(err)
	}
	code := learnertest.Certified(t, db, course, "+6281211112222", "Siti Aminah", "32.04.05.2001")
	mux := http.NewServeMux()
	(&verify.Handler{Store: db, Log: slog.New(slog.DiscardHandler)}).Mount(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &fixture{db: db, sql: raw, srv: srv, code: code}
}

func (f *fixture) get(t *testing.T, path string) (int, http.Header, string) {
	t.Helper()
	res, err := http.Get(f.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, string(body)
}

func TestPage(t *testing.T) {
	f := setUp(t)
	for _, path := range []string{"/v/" + f.code.String(), "/v/" + strings.ToLower(string(f.code)), "/v/pmg%20" + string(f.code)} {
		status, h, body := f.get(t, path)
		if status != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, status, body)
		}
		for _, want := range []string{"SAH", "Siti Aminah", "Kaur Keuangan", "Desa Cileunyi Kulon", "Cileunyi", "Kabupaten Bandung",
			"Jawa Barat", "Dasar Tata Kelola dan Keuangan Desa", "Dinas PMD Provinsi Jawa Barat", f.code.String(), ".pdf"} {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s: the page does not show %q", path, want)
			}
		}
		if len(body) >= 10*1024 {
			t.Errorf("the page is %d bytes; want under 10 KB for a feature phone", len(body))
		}
		if strings.Contains(strings.ToLower(body), "<script") || strings.Contains(body, "6281211112222") || strings.Contains(body, "+62") {
			t.Errorf("the page has a script or the phone number:\n%s", body)
		}
		if h.Get("Cache-Control") != "no-store" || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Errorf("headers: %v", h)
		}
	}
	t.Logf("page of %d bytes", len(mustGet(t, f, "/v/"+f.code.String())))
}

func mustGet(t *testing.T, f *fixture, path string) string {
	_, _, body := f.get(t, path)
	return body
}

func TestJSONAndPDF(t *testing.T) {
	f := setUp(t)
	status, h, body := f.get(t, "/v/"+f.code.String()+".json")
	var facts map[string]any
	if err := json.Unmarshal([]byte(body), &facts); err != nil || status != http.StatusOK {
		t.Fatalf("JSON: %d %v\n%s", status, err, body)
	}
	if facts["name"] != "Siti Aminah" || facts["status"] != "valid" || facts["code"] != f.code.String() ||
		facts["posttest_score"] != 100.0 || facts["village"] != "Desa Cileunyi Kulon" || facts["issuer"] != "Dinas PMD Provinsi Jawa Barat" {
		t.Errorf("JSON: %s", body)
	}
	if strings.Contains(body, "+62") || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Errorf("JSON shows a phone number or has the wrong type: %s", body)
	}
	status, h, body = f.get(t, "/v/"+string(f.code)+".pdf")
	if status != http.StatusOK || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
		t.Errorf("PDF: %d %v %.20q", status, h, body)
	}
}

func TestUnknownMistypedAndHugeCodes(t *testing.T) {
	f := setUp(t)
	typo := []byte(string(f.code))
	typo[0] = map[bool]byte{true: '2', false: '3'}[typo[0] != '2']
	for _, tc := range []struct {
		path   string
		status int
		want   string
	}{
		{"/v/PMG-674Q-U9ME-527W", http.StatusNotFound, "tidak ditemukan"},
		{"/v/" + string(typo), http.StatusBadRequest, "salah ketik"},
		{"/v/PMG-0000-0000-0000", http.StatusBadRequest, "tidak dipakai"},
		{"/v/" + strings.Repeat("A", 5000), http.StatusBadRequest, "tidak ditemukan"},
		{"/v/%3Cscript%3Ealert(1)%3C%2Fscript%3E", http.StatusBadRequest, "tidak ditemukan"},
		{"/v/PMG-674Q-U9ME-527W.json", http.StatusNotFound, `"status": "not_found"`},
		{"/v/PMG-674Q-U9ME-527W.pdf", http.StatusNotFound, "tidak ditemukan"},
	} {
		status, _, body := f.get(t, tc.path)
		if status != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("GET %.40s: %d, want %d with %q\n%s", tc.path, status, tc.status, tc.want, body)
		}
		if strings.Contains(body, "<script>") {
			t.Errorf("GET %.40s: the query came back unescaped:\n%s", tc.path, body)
		}
	}
}

// One address that keeps failing is refused, even for a good code, while
// the rest of the world is not; the refusal is logged like any look-up.
func TestEnumerationHitsTheLimit(t *testing.T) {
	f := setUp(t)
	for i := 0; i < store.LookupLimit; i++ {
		c, _ := certificate.New()
		if status, _, _ := f.get(t, "/v/"+c.String()); status != http.StatusNotFound {
			t.Fatalf("guess %d: %d", i, status)
		}
	}
	status, h, body := f.get(t, "/v/"+f.code.String())
	if status != http.StatusTooManyRequests || h.Get("Retry-After") == "" || !strings.Contains(body, "Terlalu banyak") {
		t.Errorf("after %d failures: %d %v\n%s", store.LookupLimit, status, h, body)
	}
	var logged int
	if err := f.sql.Get(&logged, `SELECT count(*) FROM certificate_lookups WHERE channel = 'web' AND requester = '127.0.0.1'`); err != nil || logged != store.LookupLimit+1 {
		t.Errorf("%d look-ups logged (%v); want %d", logged, err, store.LookupLimit+1)
	}
	// An hour later the address may try again.
	if _, err := f.sql.Exec(`UPDATE certificate_lookups SET looked_up_at = looked_up_at - interval '61 minutes'`); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := f.get(t, "/v/"+f.code.String()); status != http.StatusOK {
		t.Errorf("an hour later: %d", status)
	}
}

func TestHTMLInNamesIsEscaped(t *testing.T) {
	f := setUp(t)
	if _, err := f.sql.Exec(`UPDATE certificates SET holder_name = '<script>alert("x")</script> Siti', holder_role = '<b>Kaur</b>'`); err != nil {
		t.Fatal(err)
	}
	_, _, body := f.get(t, "/v/"+f.code.String())
	if strings.Contains(body, "<script>") || strings.Contains(body, "<b>Kaur") ||
		!strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Siti") {
		t.Errorf("the name is not escaped:\n%s", body)
	}
}

// A revocation shows on the next request of every format.
func TestRevokedShowsAtOnce(t *testing.T) {
	f := setUp(t)
	if _, err := f.db.RevokeCertificate(context.Background(), "", f.code, "Data kelulusan <tidak> sah", "operator"); err != nil {
		t.Fatal(err)
	}
	_, _, page := f.get(t, "/v/"+f.code.String())
	if !strings.Contains(page, "DICABUT pada") || !strings.Contains(page, "Data kelulusan &lt;tidak&gt; sah") || strings.Contains(page, "SAH: sertifikat") {
		t.Errorf("page after revoke:\n%s", page)
	}
	_, _, js := f.get(t, "/v/"+f.code.String()+".json")
	if !strings.Contains(js, `"status": "revoked"`) || !strings.Contains(js, `"revoked_reason": "Data kelulusan \u003ctidak\u003e sah"`) {
		t.Errorf("JSON after revoke:\n%s", js)
	}
	_, _, pdf := f.get(t, "/v/"+f.code.String()+".pdf")
	if !strings.HasPrefix(pdf, "%PDF-") {
		t.Errorf("PDF after revoke: %.20q", pdf)
	}
}
