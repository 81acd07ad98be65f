package web_test

import (
	"encoding/csv"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Every admin drills down inside their own scope and nowhere else, on the
// page and in the CSV: a regency admin cannot reach another regency, nor
// the province above, by writing the code into the URL.
func TestRegionsScope(t *testing.T) {
	f := newFixture(t)
	f.seed(300, villages)
	tests := []struct {
		name, token, code string
		status            int
		rows              []string // data-code of the rows, in order
	}{
		{"regency admin at home", f.lobar, "", 200, []string{"52.01.01"}},
		{"regency admin, own district", f.lobar, "52.01.01", 200, []string{"52.01.01.2001", "52.01.01.2002"}},
		{"regency admin, other regency", f.lobar, "52.02", 403, nil},
		{"regency admin, other regency's village", f.lobar, "52.02.01.2010", 403, nil},
		{"regency admin, the province above", f.lobar, "52", 403, nil},
		{"regency admin, another province", f.lobar, "32", 403, nil},
		{"regency admin, a code in another form", f.lobar, "5202", 403, nil},
		{"provincial admin, both regencies", f.ntb, "", 200, []string{"52.01", "52.02"}},
		{"provincial admin, the other regency", f.ntb, "52.02", 200, []string{"52.02.01"}},
		{"provincial admin, another province", f.ntb, "32", 403, nil},
		{"national admin, the provinces", f.national, "", 200, []string{"32", "52"}},
		{"a malformed code", f.lobar, "lombok", 400, nil},
		{"an unknown region in scope", f.lobar, "52.01.09", 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := f.browser()
			b.signIn(tt.token)
			code, body, _ := b.get("/admin/regions?code=" + tt.code)
			if code != tt.status {
				t.Fatalf("page: %d; want %d: %s", code, tt.status, body)
			}
			csvCode, csvBody, resp := b.get("/admin/regions.csv?code=" + tt.code)
			if csvCode != tt.status {
				t.Fatalf("CSV: %d; want %d", csvCode, tt.status)
			}
			if tt.status != 200 {
				if !strings.Contains(body, `role="alert"`) || strings.Contains(body, "Aparat 1") {
					t.Errorf("refusal page: %s", body)
				}
				return
			}
			var got []string
			for _, m := range regexp.MustCompile(`data-code="([0-9.]+)"`).FindAllStringSubmatch(body, -1) {
				got = append(got, m[1])
			}
			if strings.Join(got, " ") != strings.Join(tt.rows, " ") {
				t.Errorf("rows %v; want %v", got, tt.rows)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
				t.Errorf("CSV content type %q", ct)
			}
			recs, err := csv.NewReader(strings.NewReader(csvBody)).ReadAll()
			if err != nil || len(recs) != len(tt.rows)+1 {
				t.Fatalf("CSV: %d records, %v: %s", len(recs), err, csvBody)
			}
			for i, code := range tt.rows {
				if recs[i+1][0] != code {
					t.Errorf("CSV row %d: %v; want %s", i+1, recs[i+1], code)
				}
			}
		})
	}
}

// A row's numbers are the database's, counted straight from the tables.
func TestRegionNumbers(t *testing.T) {
	f := newFixture(t)
	f.seed(300, villages)
	b := f.browser()
	b.signIn(f.ntb)
	for _, course := range []string{"", "c1"} {
		f.svc.CourseID = course
		_, body, _ := b.get("/admin/regions?code=52")
		for _, code := range []string{"52.01", "52.02"} {
			var want struct{ Officials, Registered, Active, Completed, Certified int }
			if err := f.raw.Get(&want, `
			SELECT count(*) AS officials, count(registered_at) AS registered,
			       count(*) FILTER (WHERE last_inbound_at >= $2) AS active,
			       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM enrolments e WHERE e.learner_id = l.id AND e.pretest_score IS NOT NULL AND e.lessons_done >= 1 AND e.passed)) AS completed,
			       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM certificates c WHERE c.learner_id = l.id AND c.revoked_at IS NULL)) AS certified
			FROM learners l WHERE village_code LIKE $1 || '.%'`, code, f.clock.now().Add(-7*24*time.Hour)); err != nil {
				t.Fatal(err)
			}
			row := regexp.MustCompile(`(?s)<tr data-code="` + regexp.QuoteMeta(code) + `">(.*?)</tr>`).FindStringSubmatch(body)
			if row == nil {
				t.Fatalf("no row %s", code)
			}
			var cells []string
			for _, m := range regexp.MustCompile(`<td class="n">([^<]*)</td>`).FindAllStringSubmatch(row[1], -1) {
				cells = append(cells, m[1])
			}
			wantCells := []string{thousands(want.Officials), thousands(want.Registered), thousands(want.Active), thousands(want.Completed), thousands(want.Certified)}
			if len(cells) < 5 || strings.Join(cells[:5], " ") != strings.Join(wantCells, " ") {
				t.Errorf("course %q, %s: cells %v; want %v", course, code, cells, wantCells)
			}
		}
	}
}

func TestRegionsSortAndBreadcrumbs(t *testing.T) {
	f := newFixture(t)
	f.seed(300, villages)
	// Lombok Tengah gets more officials, so sorting by officials flips the order.
	if _, err := f.raw.Exec(`UPDATE learners SET village_code = '52.02.01.2010' WHERE id IN (SELECT id FROM learners WHERE village_code LIKE '32.%' LIMIT 30)`); err != nil {
		t.Fatal(err)
	}
	b := f.browser()
	b.signIn(f.ntb)
	for _, tt := range []struct{ query, want string }{
		{"", "52.01 52.02"},
		{"&sort=officials&dir=desc", "52.02 52.01"},
		{"&sort=officials&dir=asc", "52.01 52.02"},
		{"&sort=name&dir=desc", "52.02 52.01"},
		{"&sort=nonsense", "52.01 52.02"},
	} {
		_, body, _ := b.get("/admin/regions?code=52" + tt.query)
		var got []string
		for _, m := range regexp.MustCompile(`data-code="([0-9.]+)"`).FindAllStringSubmatch(body, -1) {
			got = append(got, m[1])
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%q: %v; want %s", tt.query, got, tt.want)
		}
	}
	// The provincial admin's breadcrumbs link back to the province; a
	// regency admin's do not link above their regency.
	_, body, _ := b.get("/admin/regions?code=52.01.01")
	if !strings.Contains(body, `data-crumb="52"`) || !strings.Contains(body, `data-crumb="52.01"`) {
		t.Errorf("provincial breadcrumbs: %s", body)
	}
	rb := f.browser()
	rb.signIn(f.lobar)
	_, body, _ = rb.get("/admin/regions?code=52.01.01")
	if strings.Contains(body, `data-crumb="52"`) || !strings.Contains(body, `data-crumb="52.01"`) {
		t.Errorf("regency breadcrumbs: %s", body)
	}
}

// At village level the officials are listed, names escaped on the page and
// neutralised in the CSV.
func TestVillageOfficials(t *testing.T) {
	f := newFixture(t)
	f.seed(300, villages)
	b := f.browser()
	b.signIn(f.lobar)
	code, body, _ := b.get("/admin/regions?code=52.01.01.2001")
	if code != http.StatusOK || !strings.Contains(body, `id="officials"`) {
		t.Fatalf("%d %s", code, body)
	}
	if strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("a name with HTML is not escaped")
	}
	var n int
	if err := f.raw.Get(&n, `SELECT count(*) FROM learners WHERE village_code = '52.01.01.2001'`); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(body, "<tr><td>"); got != n {
		t.Errorf("%d officials listed; the village has %d", got, n)
	}
	_, csvBody, _ := b.get("/admin/regions.csv?code=52.01.01.2001")
	recs, err := csv.NewReader(strings.NewReader(csvBody)).ReadAll()
	if err != nil || len(recs) != n+1 {
		t.Fatalf("CSV: %d records, %v", len(recs), err)
	}
	found := false
	for _, r := range recs[1:] {
		if strings.Contains(r[0], "HYPERLINK") {
			found = true
			if !strings.HasPrefix(r[0], "'=") {
				t.Errorf("formula not neutralised: %q", r[0])
			}
		}
	}
	if !found {
		t.Error("the formula name is not in the CSV")
	}
}
