package web_test

import (
	"context"
	"os"
	"path/filepath"
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
	// Sign in with a one-time link, as `pamong admin login-link` prints.
	var ntbID int64
	if err := f.raw.Get(&ntbID, `SELECT id FROM admins WHERE scope = '52'`); err != nil {
		t.Fatal(err)
	}
	_, token, _, err := f.svc.CreateLoginLink(context.Background(), ntbID)
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/admin/login/"+token),
		chromedp.WaitVisible(chromedp.ID("use-link")),
		shot(t, dir, "login-link"),
		chromedp.Click(chromedp.ID("use-link")),
		chromedp.WaitVisible(chromedp.CSS("svg.funnel")),
	); err != nil {
		t.Fatalf("sign in with a link: %v", err)
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

	t.Run("upload a CSV, preview, import", func(t *testing.T) {
		csv := filepath.Join(t.TempDir(), "aparat-lombok.csv")
		file := "telepon;nama;jabatan;kode_desa;kanal\n" +
			"081900000101;Baiq Nurul Aini;Kepala Desa;52.01.01.2001;whatsapp\n" +
			"081900000102;Lalu Ahmad Zaini;Sekretaris Desa;52.01.01.2002;sms\n" +
			"081900000103;Ni Made Sari;Kepala Desa;52.02.01.2010;\n" +
			"0819;Nomor Pendek;Kepala Desa;52.02.01.2010;\n"
		if err := os.WriteFile(csv, []byte(file), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx,
			chromedp.Click(chromedp.ID("nav-officials")),
			chromedp.Click(chromedp.ID("import-link")),
			chromedp.WaitVisible(chromedp.ID("file")),
			chromedp.SetUploadFiles(chromedp.ID("file"), []string{csv}),
			shot(t, dir, "import"),
			chromedp.Click(chromedp.ID("upload")),
			chromedp.WaitVisible(chromedp.ID("commit")),
			shot(t, dir, "import-preview"),
		); err != nil {
			t.Fatal(err)
		}
		summary, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("summary")))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(summary, "3 aparat baru") || !strings.Contains(summary, "1 baris bermasalah") {
			t.Errorf("preview: %q", summary)
		}
		var n int
		if err := f.raw.Get(&n, `SELECT count(*) FROM learners WHERE phone LIKE '+6281900000%'`); err != nil || n != 0 {
			t.Fatalf("the preview wrote %d officials (%v)", n, err)
		}
		if err := chromedp.Do(ctx,
			chromedp.Click(chromedp.ID("commit")),
			chromedp.WaitVisible(chromedp.ID("imported")),
			shot(t, dir, "import-done"),
			chromedp.Click(chromedp.ID("to-officials")),
			chromedp.WaitVisible(chromedp.ID("q")),
			chromedp.SendKeys(chromedp.ID("q"), "lalu ahmad"),
			chromedp.Click(chromedp.ID("search")),
			chromedp.WaitVisible(chromedp.CSS(`#officials tbody tr:only-child`)),
		); err != nil {
			t.Fatal(err)
		}
		row, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#officials tbody tr`)))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(row, "Lalu Ahmad Zaini") || !strings.Contains(row, "SMS") {
			t.Errorf("the imported official in the list: %q", row)
		}
		if err := f.raw.Get(&n, `SELECT count(*) FROM learners WHERE phone LIKE '+6281900000%'`); err != nil || n != 3 {
			t.Errorf("%d officials imported (%v); want 3", n, err)
		}
	})

	t.Run("phone viewport", func(t *testing.T) {
		for _, path := range []string{"/admin/officials", "/admin/officials/import"} {
			if err := chromedp.Do(ctx,
				chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
				chromedp.Navigate(f.srv.URL+path),
				chromedp.WaitVisible(chromedp.CSS("main h1")),
			); err != nil {
				t.Fatal(err)
			}
			// Against the emulated 390 px: a mobile layout viewport widens
			// to fit the content, so innerWidth would grow with it.
			overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > 390`))
			if err != nil {
				t.Fatal(err)
			}
			if overflow {
				t.Errorf("%s is wider than a phone screen", path)
			}
		}
		if err := chromedp.Do(ctx, shot(t, dir, "import-phone")); err != nil {
			t.Fatal(err)
		}
	})
}
