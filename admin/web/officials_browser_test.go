package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The officials pages in a real Chromium: search an official, open their
// page; upload a CSV, read the preview, import it and find the officials.
func TestBrowserOfficials(t *testing.T) {
	f := newFixture(t)
	f.seed(300, villages)
	ctx := chromium(t)
	dir := t.TempDir()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/admin/signin"),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), f.ntb),
		chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.CSS("svg.funnel")),
	); err != nil {
		t.Fatalf("sign in: %v", err)
	}

	t.Run("search an official and open the page", func(t *testing.T) {
		if err := chromedp.Do(ctx,
			chromedp.Click(chromedp.ID("nav-officials")),
			chromedp.WaitVisible(chromedp.ID("officials")),
			shot(t, dir, "officials"),
			chromedp.SendKeys(chromedp.ID("q"), "0812 0000 0011"),
			chromedp.Click(chromedp.ID("search")),
			chromedp.WaitVisible(chromedp.CSS(`#officials tbody tr:only-child a`)),
			chromedp.Click(chromedp.CSS(`#officials tbody tr a`)),
			chromedp.WaitVisible(chromedp.ID("official-name")),
			shot(t, dir, "official"),
		); err != nil {
			t.Fatal(err)
		}
		name, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("official-name")))
		if err != nil {
			t.Fatal(err)
		}
		phone, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("phone")))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(name, "Aparat 11") || phone != "+6281200000011" {
			t.Errorf("the official's page shows %q, %q", name, phone)
		}
	})
}
