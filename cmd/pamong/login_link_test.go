package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// useLink opens a sign-in link in a fresh browser-like client, presses
// its button and returns the status of that press and the client.
func useLink(t *testing.T, link string) (int, *http.Client) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(body)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("open %s: %d %s", link, resp.StatusCode, body)
	}
	resp, err = c.PostForm(link, url.Values{"csrf": {string(m[1])}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, c
}

// pamong admin login-link prints a link that signs the admin in once; a
// second use, an unknown admin and a revoked admin are refused.
func TestAdminLoginLinkThroughTheBinary(t *testing.T) {
	p := privateCluster(t)
	out := p.ok("", "admin", "create", "--name", "DPMD NTB", "--scope", "52")
	id := regexp.MustCompile(`Admin (\d+) `).FindStringSubmatch(out)
	if id == nil {
		t.Fatalf("admin create: %s", out)
	}
	s := startServe(t, p)
	p.env = append(p.env, "PAMONG_PUBLIC_URL="+s.base)
	linkLine := regexp.MustCompile(regexp.QuoteMeta(s.base) + `/admin/login/pml_[A-Za-z0-9_-]{43}`)

	out = p.ok("", "admin", "login-link", id[1])
	link := linkLine.FindString(out)
	if link == "" || !strings.Contains(out, "DPMD NTB") {
		t.Fatalf("login-link printed no link:\n%s", out)
	}
	var stored int
	if err := s.db.Get(&stored, `SELECT count(*) FROM admin_login_links WHERE token_hash = sha256($1::bytea)`, link[strings.LastIndex(link, "/")+1:]); err != nil || stored != 1 {
		t.Errorf("the link's hash is not what is stored: %d %v", stored, err)
	}
	code, c := useLink(t, link)
	if code != http.StatusSeeOther {
		t.Fatalf("sign in with the link: %d", code)
	}
	resp, err := c.Get(s.base + "/admin/overview")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "DPMD NTB") {
		t.Fatalf("the overview after the link: %d %s", resp.StatusCode, body)
	}
	if code, _ := useLink(t, link); code != http.StatusUnauthorized {
		t.Errorf("the link used twice: %d; want 401", code)
	}

	if r := p.run("", "admin", "login-link", "9999"); r.code == 0 || !strings.Contains(r.stderr, "not found") {
		t.Errorf("a link for no admin: exit %d %s", r.code, r.stderr)
	}
	if r := p.run("", "admin", "login-link", "x"); r.code == 0 || !strings.Contains(r.stderr, "want the admin's ID") {
		t.Errorf("a link for no ID: exit %d %s", r.code, r.stderr)
	}

	unused := linkLine.FindString(p.ok("", "admin", "login-link", id[1]))
	p.ok("", "admin", "revoke", id[1])
	if code, _ := useLink(t, unused); code != http.StatusUnauthorized {
		t.Errorf("a revoked admin's link: %d; want 401", code)
	}
	if r := p.run("", "admin", "login-link", id[1]); r.code == 0 || !strings.Contains(r.stderr, "revoked") {
		t.Errorf("a link for a revoked admin: exit %d %s", r.code, r.stderr)
	}
}
