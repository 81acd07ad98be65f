package web_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// certCodes are the codes a certificates page lists.
func certCodes(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`data-cert="([A-Z0-9-]+)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestCertificatesScope(t *testing.T) {
	f := newFixture(t)
	f.seed(300, villages)
	count := func(scope string) int {
		var n int
		if err := f.raw.Get(&n, `SELECT count(*) FROM certificates WHERE $1 = '' OR village_code LIKE $1 || '.%'`, scope); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, tt := range []struct {
		name, token, query, scope string
		status                    int
	}{
		{"regency admin", f.lobar, "", "52.01", 200},
		{"other regency", f.loteng, "", "52.02", 200},
		{"province", f.ntb, "", "52", 200},
		{"province narrowed", f.ntb, "region=52.02", "52.02", 200},
		{"regency reaching the other", f.lobar, "region=52.02", "", 403},
		{"regency reaching up", f.lobar, "region=52", "", 403},
		{"bad status", f.lobar, "status=lost", "", 400},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := f.browser()
			b.signIn(tt.token)
			code, body, _ := b.get("/admin/certificates?" + tt.query)
			csvCode, csvBody, _ := b.get("/admin/certificates.csv?" + tt.query)
			if code != tt.status || csvCode != tt.status {
				t.Fatalf("page %d, CSV %d; want %d: %s", code, csvCode, tt.status, body)
			}
			if tt.status != 200 {
				return
			}
			want := count(tt.scope)
			if got := len(certCodes(body)); want == 0 || got != want {
				t.Errorf("page lists %d; the scope has %d", got, want)
			}
			recs, err := csv.NewReader(strings.NewReader(csvBody)).ReadAll()
			if err != nil || len(recs) != want+1 {
				t.Errorf("CSV: %d records, %v; want %d", len(recs), err, want+1)
			}
		})
	}
}

func TestRevokeCertificate(t *testing.T) {
	f := newFixture(t)
	f.seed(300, villages)
	var lobarCode, lotengCode string
	if err := f.raw.Get(&lobarCode, `SELECT code FROM certificates WHERE village_code LIKE '52.01.%' ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	if err := f.raw.Get(&lotengCode, `SELECT code FROM certificates WHERE village_code LIKE '52.02.%' ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	revoked := func(code string) bool {
		var r bool
		if err := f.raw.Get(&r, `SELECT revoked_at IS NOT NULL FROM certificates WHERE code = $1`, code); err != nil {
			t.Fatal(err)
		}
		return r
	}
	b := f.browser()
	b.signIn(f.lobar)
	csrf := b.csrf()
	for _, tt := range []struct {
		name, code string
		form       url.Values
		status     int
	}{
		{"no CSRF token", lobarCode, url.Values{"reason": {"salah nama"}}, http.StatusForbidden},
		{"a wrong CSRF token", lobarCode, url.Values{"reason": {"salah nama"}, "csrf": {"abc"}}, http.StatusForbidden},
		{"another regency's certificate", lotengCode, url.Values{"reason": {"salah nama"}, "csrf": {csrf}}, http.StatusForbidden},
		{"no reason", lobarCode, url.Values{"reason": {"  "}, "csrf": {csrf}}, http.StatusBadRequest},
		{"a malformed code", "PMG-XXXX", url.Values{"reason": {"x"}, "csrf": {csrf}}, http.StatusBadRequest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := b.post("/admin/certificates/"+tt.code+"/revoke", tt.form)
			if code != tt.status || !strings.Contains(body, `role="alert"`) {
				t.Errorf("%d; want %d: %s", code, tt.status, body)
			}
		})
	}
	if revoked(lobarCode) || revoked(lotengCode) {
		t.Fatal("a refused revocation revoked")
	}
	code, _, resp := b.post("/admin/certificates/"+lobarCode+"/revoke", url.Values{"reason": {"<i>nama</i> salah"}, "csrf": {csrf}})
	if code != http.StatusSeeOther || !revoked(lobarCode) {
		t.Fatalf("revoke: %d", code)
	}
	_, body, _ := b.get(resp.Header.Get("Location"))
	if !strings.Contains(body, "sudah dicabut") || !strings.Contains(body, "&lt;i&gt;nama&lt;/i&gt; salah") {
		t.Errorf("after revoking: %s", body)
	}
}
