package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/admin"
	"github.com/pamong-desa/pamong/admin/web"
	"github.com/pamong-desa/pamong/certificate"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

// clock is a settable clock shared by the store and the service, so a
// test can move past a session's expiry.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// fixture is a dashboard over a fresh database with two regencies of one
// province (Lombok Barat 52.01, Lombok Tengah 52.02) and one regency of
// another (32.04), and admins at each level.
type fixture struct {
	t     testing.TB
	db    *store.DB
	raw   *sqlx.DB
	svc   *admin.Service
	clock *clock
	srv   *httptest.Server
	// tokens of the admins: national, provincial (52), two regencies.
	national, ntb, lobar, loteng string
	lobarID                      int64
}

// Test villages: two in Lombok Barat, two in Lombok Tengah, one in Bandung.
var villages = []string{"52.01.01.2001", "52.01.01.2002", "52.02.01.2010", "52.02.01.2011", "32.04.05.2001"}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	dsn := pgtest.URL(t)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	raw, err := sqlx.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	clk := &clock{t: time.Date(2025, 3, 10, 4, 0, 0, 0, time.UTC)}
	db.SetClock(clk.now)
	var rows []region.Region
	for _, c := range []string{"32", "32.04", "32.04.05", "32.04.05.2001",
		"52", "52.01", "52.01.01", "52.01.01.2001", "52.01.01.2002", "52.02", "52.02.01", "52.02.01.2010", "52.02.01.2011"} {
		rows = append(rows, region.Region{Code: region.Code(c), Name: "Wilayah " + c})
	}
	if _, err := db.ImportRegions(ctx, rows, "test"); err != nil {
		t.Fatal(err)
	}
	svc := &admin.Service{Store: db, SMSPrice: 350, Now: clk.now}
	f := &fixture{t: t, db: db, raw: raw, svc: svc, clock: clk}
	for _, a := range []struct {
		token       *string
		name, scope string
	}{
		{&f.national, "Kemendagri", ""},
		{&f.ntb, "DPMD Provinsi NTB", "52"},
		{&f.lobar, `DPMD <b>Lombok</b> Barat`, "52.01"},
		{&f.loteng, "DPMD Lombok Tengah", "52.02"},
	} {
		who, token, err := svc.CreateAdmin(ctx, a.name, a.scope)
		if err != nil {
			t.Fatal(err)
		}
		*a.token = token
		if a.scope == "52.01" {
			f.lobarID = who.ID
		}
	}
	h, err := web.New(svc, slog.New(slog.NewTextHandler(io.Discard, nil)), false)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Mount(mux)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// seedSQL writes $1 officials spread over the villages $2, with a fixed
// mix of progress: most imported, three in four registered, two in three
// of those enrolled with a pretest, some through lessons, some passed and
// certified, and messages on both channels in every status. Every count
// the dashboard shows is therefore a non-trivial subset, and the tests
// compare it with a count taken straight from the tables.
const seedSQL = `
WITH v AS (SELECT array_agg(code ORDER BY code) AS codes FROM unnest($2::text[]) AS code),
l AS (
    INSERT INTO learners (phone, name, role, village_code, preferred_channel, registered_at, source, last_inbound_at)
    SELECT '+62812' || lpad(i::text, 8, '0'),
           CASE i WHEN 1 THEN '<script>alert(1)</script>' WHEN 6 THEN '=HYPERLINK("http://x","klik")' ELSE 'Aparat ' || i END,
           'Kades', v.codes[1 + i % array_length(v.codes, 1)],
           CASE WHEN i % 3 = 0 THEN 'sms' ELSE 'whatsapp' END,
           CASE WHEN i % 4 <> 0 THEN $3::timestamptz - interval '20 days' END,
           CASE WHEN i % 5 = 0 THEN 'chat' ELSE 'import' END,
           CASE WHEN i % 4 <> 0 THEN $3::timestamptz - (i % 20) * interval '1 day' END
    FROM generate_series(1, $1::int) AS i, v
    RETURNING id, phone, village_code, preferred_channel, registered_at
), n AS (
    SELECT l.*, substr(l.phone, 7)::int AS i FROM l
), e AS (
    INSERT INTO enrolments (learner_id, course_id, status, stage, lessons_done, pretest_score, posttest_score, passed)
    SELECT id, 'c1', CASE WHEN i % 6 = 5 AND i % 7 <> 0 THEN 'completed' ELSE 'in_progress' END, 'lesson',
           (i / 5) % 4, 20 + i % 50,
           CASE WHEN i % 6 = 5 THEN 60 + i % 40 END,
           i % 6 = 5 AND i % 7 <> 0
    FROM n WHERE registered_at IS NOT NULL AND i % 3 <> 0
    RETURNING learner_id, passed, pretest_score, posttest_score
), c AS (
    INSERT INTO certificates (code, learner_id, course_id, course_version, course_title, holder_name, holder_role,
                              village_code, pretest_score, posttest_score, issuer, issued_at, updated_at)
    SELECT 'PMG' || translate(lpad(n.i::text, 9, '0'), '0123456789', 'ABCDEFGHJK'), n.id, 'c1', 'v1', 'Kursus',
           'Aparat ' || n.i, 'Kades', n.village_code, e.pretest_score, e.posttest_score, 'Pamong', $3, $3
    FROM n JOIN e ON e.learner_id = n.id WHERE e.passed AND n.i % 4 = 1
    RETURNING 1
)
INSERT INTO outbox (learner_id, channel, to_address, text, status, created_at)
SELECT n.id, n.preferred_channel, n.phone, 'Halo', (ARRAY['queued','sent','delivered','read','failed','superseded','cancelled'])[1 + n.i % 7],
       $3::timestamptz - (n.i % 40) * interval '1 day'
FROM n WHERE n.i % 2 = 0 AND (SELECT count(*) FROM c) >= 0`

// seed writes n officials over the given villages (see seedSQL).
func (f *fixture) seed(n int, villages []string) {
	f.t.Helper()
	if _, err := f.raw.Exec(seedSQL, n, villages, f.clock.now()); err != nil {
		f.t.Fatalf("seed %d officials: %v", n, err)
	}
	// Certificate codes carry a check character only certificate.New
	// computes, so the seeded placeholders are replaced by real codes.
	var ids []int64
	if err := f.raw.Select(&ids, `SELECT id FROM certificates WHERE code LIKE 'PMG%' ORDER BY id`); err != nil {
		f.t.Fatal(err)
	}
	codes := make([]string, len(ids))
	for i := range ids {
		c, err := certificate.New()
		if err != nil {
			f.t.Fatal(err)
		}
		codes[i] = string(c)
	}
	if _, err := f.raw.Exec(`UPDATE certificates c SET code = n.code FROM unnest($1::bigint[], $2::text[]) AS n (id, code) WHERE c.id = n.id`,
		pq.Array(ids), pq.Array(codes)); err != nil {
		f.t.Fatalf("seed certificate codes: %v", err)
	}
}

// browser is an HTTP client with its own cookies that does not follow
// redirects, so tests see each 303.
type browser struct {
	f      *fixture
	client *http.Client
}

func (f *fixture) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{f: f, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// get fetches path and returns the status, the body and the response.
func (b *browser) get(path string) (int, string, *http.Response) {
	b.f.t.Helper()
	resp, err := b.client.Get(b.f.srv.URL + path)
	if err != nil {
		b.f.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp
}

// post sends a form to path.
func (b *browser) post(path string, form url.Values) (int, string, *http.Response) {
	b.f.t.Helper()
	resp, err := b.client.Post(b.f.srv.URL+path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		b.f.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp
}

// signIn signs in with token and fails the test unless it worked.
func (b *browser) signIn(token string) {
	b.f.t.Helper()
	code, body, resp := b.post("/admin/signin", url.Values{"token": {token}, "csrf": {b.signinCSRF()}})
	if code != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/overview" {
		b.f.t.Fatalf("sign in: %d %s", code, body)
	}
}

// csrf reads the CSRF token of the signed-in session from a page.
func (b *browser) csrf() string {
	b.f.t.Helper()
	_, body, _ := b.get("/admin/overview")
	_, rest, ok := strings.Cut(body, `name="csrf" value="`)
	if !ok {
		b.f.t.Fatalf("no CSRF field in the overview: %s", body)
	}
	tok, _, _ := strings.Cut(rest, `"`)
	return tok
}

// signinCSRF opens the sign-in page and returns its form token (the
// cookie half is in the jar).
func (b *browser) signinCSRF() string {
	b.f.t.Helper()
	_, body, _ := b.get("/admin/signin")
	_, rest, ok := strings.Cut(body, `name="csrf" value="`)
	if !ok {
		b.f.t.Fatalf("no CSRF field on the sign-in page: %s", body)
	}
	tok, _, _ := strings.Cut(rest, `"`)
	return tok
}
