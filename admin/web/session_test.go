package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/admin"
	"github.com/pamong-desa/pamong/admin/web"
)

func TestSignInOutAndCookie(t *testing.T) {
	f := newFixture(t)
	b := f.browser()
	// Signed out, every page leads to the sign-in page.
	if code, _, resp := b.get("/admin/overview"); code != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/signin" {
		t.Fatalf("overview signed out: %d %v", code, resp.Header)
	}
	code, body, resp := b.get("/admin/signin")
	if code != 200 || !strings.Contains(body, `name="token"`) {
		t.Fatalf("sign-in page: %d %s", code, body)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("CSP %q", csp)
	}
	for _, tt := range []struct {
		name, token, want string
		csrf              bool
		status            int
	}{
		{"empty", "", "Tempelkan token API", true, 400},
		{"unknown", "pmg_nope", "Token tidak dikenal", true, 401},
		{"not a token", "' OR 1=1 --", "Token tidak dikenal", true, 401},
		{"a good token without the form token (login CSRF)", f.lobar, "kedaluwarsa", false, 403},
	} {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"token": {tt.token}}
			if tt.csrf {
				form.Set("csrf", b.signinCSRF())
			}
			code, body, resp := b.post("/admin/signin", form)
			for _, c := range resp.Cookies() {
				if c.Name == web.CookieName {
					t.Errorf("a session cookie was set: %+v", c)
				}
			}
			if code != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("%d %s", code, body)
			}
		})
	}

	code, _, resp = b.post("/admin/signin", url.Values{"token": {" " + f.lobar + "\n"}, "csrf": {b.signinCSRF()}})
	if code != http.StatusSeeOther {
		t.Fatalf("sign in: %d", code)
	}
	var c *http.Cookie
	for _, k := range resp.Cookies() {
		if k.Name == web.CookieName {
			c = k
		}
	}
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.Path != "/admin/" ||
		c.MaxAge != int(admin.SessionTTL.Seconds()) || len(c.Value) < 40 {
		t.Fatalf("cookie %+v", c)
	}
	// Only the hash of the cookie value is stored.
	var n int
	if err := f.raw.Get(&n, `SELECT count(*) FROM admin_sessions WHERE id_hash = $1`, admin.HashToken(c.Value)); err != nil || n != 1 {
		t.Fatalf("stored sessions with the cookie's hash: %d %v", n, err)
	}
	if code, body, _ := b.get("/admin/overview"); code != 200 || !strings.Contains(body, "52.01") {
		t.Fatalf("overview signed in: %d %s", code, body)
	}

	// Signing out needs the CSRF token; with it the session ends.
	if code, body, _ := b.post("/admin/signout", url.Values{}); code != http.StatusForbidden || !strings.Contains(body, "kedaluwarsa") {
		t.Fatalf("sign out without CSRF: %d %s", code, body)
	}
	if code, _, _ := b.post("/admin/signout", url.Values{"csrf": {"x" + b.csrf()}}); code != http.StatusForbidden {
		t.Fatalf("sign out with a wrong CSRF token: %d", code)
	}
	if code, _, _ := b.post("/admin/signout", url.Values{"csrf": {b.csrf()}}); code != http.StatusSeeOther {
		t.Fatalf("sign out: %d", code)
	}
	if err := f.raw.Get(&n, `SELECT count(*) FROM admin_sessions`); err != nil || n != 0 {
		t.Fatalf("sessions after sign-out: %d %v", n, err)
	}
	// The old cookie value no longer works, even replayed by hand.
	req, _ := http.NewRequest("GET", f.srv.URL+"/admin/overview", nil)
	req.AddCookie(&http.Cookie{Name: web.CookieName, Value: c.Value})
	resp, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("replayed cookie after sign-out: %d", resp.StatusCode)
	}
}

func TestSecureCookieBehindHTTPS(t *testing.T) {
	f := newFixture(t)
	h, err := web.New(f.svc, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Mount(mux)
	rec := httptestPost(mux, "/admin/signin", url.Values{"token": {f.ntb}, "csrf": {"form-token"}},
		&http.Cookie{Name: "pamong_signin", Value: "form-token"})
	var session *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == web.CookieName {
			session = c
		}
	}
	if rec.Code != http.StatusSeeOther || session == nil || !session.Secure || !session.HttpOnly {
		t.Fatalf("%d %+v", rec.Code, rec.Result().Cookies())
	}
}

// Sessions end when they expire and at once when their admin is revoked.
func TestSessionsEnd(t *testing.T) {
	for _, tt := range []struct {
		name string
		end  func(f *fixture)
	}{
		{"expired", func(f *fixture) { f.clock.add(time.Second) }},
		{"admin revoked", func(f *fixture) {
			if _, err := f.svc.RevokeAdmin(context.Background(), f.lobarID); err != nil {
				f.t.Fatal(err)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			b := f.browser()
			b.signIn(f.lobar)
			csrf := b.csrf()
			// Just before the end it still works.
			f.clock.add(admin.SessionTTL - time.Second)
			if code, _, _ := b.get("/admin/overview"); code != 200 {
				t.Fatalf("overview before the end: %d", code)
			}
			tt.end(f)
			if code, _, resp := b.get("/admin/overview"); code != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/signin" {
				t.Fatalf("overview after the end: %d", code)
			}
			// A changing form with the right token is refused too.
			if code, _, resp := b.post("/admin/signout", url.Values{"csrf": {csrf}}); code != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/signin" {
				t.Fatalf("sign out after the end: %d", code)
			}
		})
	}
}

// Names are shown as text, never as markup.
func TestHTMLInNamesEscaped(t *testing.T) {
	f := newFixture(t)
	b := f.browser()
	b.signIn(f.lobar)
	_, body, _ := b.get("/admin/overview")
	if strings.Contains(body, "<b>Lombok</b>") || !strings.Contains(body, "DPMD &lt;b&gt;Lombok&lt;/b&gt; Barat") {
		t.Fatalf("admin name not escaped: %s", body)
	}
}
