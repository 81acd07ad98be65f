package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/admin"
)

// A sign-in link is spent only by its button (a link preview's GET does
// not use it), the button needs the page's form token, and the link dies
// after 15 minutes.
func TestLoginLink(t *testing.T) {
	f := newFixture(t)
	link := func() string {
		_, token, _, err := f.svc.CreateLoginLink(context.Background(), f.lobarID)
		if err != nil {
			t.Fatal(err)
		}
		return "/admin/login/" + token
	}
	t.Run("GET does not spend it", func(t *testing.T) {
		path := link()
		preview := f.browser()
		for range 3 {
			if code, body, _ := preview.get(path); code != 200 || !strings.Contains(body, `id="use-link"`) {
				t.Fatalf("%d %s", code, body)
			}
		}
		b := f.browser()
		_, body, _ := b.get(path)
		code, _, resp := b.post(path, url.Values{"csrf": {hidden(body, "csrf")}})
		if code != 303 || resp.Header.Get("Location") != "/admin/overview" {
			t.Fatalf("%d", code)
		}
		if code, body, _ := b.get("/admin/overview"); code != 200 || !strings.Contains(body, "52.01") {
			t.Errorf("signed in as the wrong admin: %d", code)
		}
	})
	t.Run("without the form token", func(t *testing.T) {
		path := link()
		b := f.browser()
		b.get(path)
		if code, _, _ := b.post(path, url.Values{"csrf": {"forged"}}); code != 403 {
			t.Errorf("%d", code)
		}
		// A refused press does not spend the link.
		_, body, _ := b.get(path)
		if code, _, _ := b.post(path, url.Values{"csrf": {hidden(body, "csrf")}}); code != 303 {
			t.Errorf("after a refused press: %d", code)
		}
	})
	t.Run("expired", func(t *testing.T) {
		path := link()
		f.clock.add(admin.LoginLinkTTL + time.Second)
		b := f.browser()
		_, body, _ := b.get(path)
		if code, body, _ := b.post(path, url.Values{"csrf": {hidden(body, "csrf")}}); code != 401 || !strings.Contains(body, "kedaluwarsa") {
			t.Errorf("%d %s", code, body)
		}
	})
	t.Run("an API token is not a link", func(t *testing.T) {
		b := f.browser()
		path := "/admin/login/" + f.lobar
		_, body, _ := b.get(path)
		if code, _, _ := b.post(path, url.Values{"csrf": {hidden(body, "csrf")}}); code != 401 {
			t.Errorf("%d", code)
		}
	})
}
