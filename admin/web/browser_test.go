package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium starts a headless Chromium for the test and returns a browser
// context. The flags keep it from reaching the network (this machine and
// CI have none, and without them it waits on connections), and the fresh
// user-data dir keeps runs apart. A missing Chromium fails the test: .ci/run
// installs Debian's chromium package when it is missing.
func chromium(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Fatal("no Chromium found: install it (apt-get install chromium) to run the browser tests")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium %s: %v", path, err)
	}
	return ctx
}

// shot saves a full-page screenshot under the test's temp dir (and under
// PAMONG_SCREENSHOTS when set, to refresh docs/screenshots) and logs where.
func shot(t *testing.T, dir, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		png, err := chromedp.FullScreenshot(100)(ctx, tg)
		if err != nil {
			return err
		}
		for _, d := range []string{dir, os.Getenv("PAMONG_SCREENSHOTS")} {
			if d == "" {
				continue
			}
			if err := os.WriteFile(filepath.Join(d, name+".png"), png, 0o644); err != nil {
				return err
			}
		}
		t.Logf("screenshot %s", filepath.Join(dir, name+".png"))
		return nil
	})
}

func TestBrowser(t *testing.T) {
	f := newFixture(t)
	f.seed(600, villages)
	ctx := chromium(t)
	dir := t.TempDir()

	// Sign in through the form, as an admin would.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/admin/"),
		chromedp.WaitVisible(chromedp.ID("token")),
		shot(t, dir, "signin"),
		chromedp.SendKeys(chromedp.ID("token"), f.ntb),
		chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.CSS("svg.funnel")),
		shot(t, dir, "overview"),
	); err != nil {
		t.Fatalf("sign in: %v", err)
	}

	t.Run("overview equals the database", func(t *testing.T) {
		var want counts
		if err := f.raw.Get(&want, wantFunnel, "52", f.clock.now().Add(-7*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		for step, n := range map[string]int{"officials": want.Officials, "registered": want.Registered, "pretest": want.Pretest,
			"lesson": want.Lesson, "passed": want.Passed, "certified": want.Certified} {
			text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`tr[data-step="`+step+`"] td[data-count]`)))
			if err != nil {
				t.Fatal(err)
			}
			if text != strconv.Itoa(n) {
				t.Errorf("%s: page shows %q, database counts %d", step, text, n)
			}
		}
	})

	t.Run("drill down to a village and back", func(t *testing.T) {
		if err := chromedp.Do(ctx,
			chromedp.Click(chromedp.ID("nav-regions")),
			chromedp.WaitVisible(chromedp.CSS(`tr[data-code="52.01"] a`)),
			shot(t, dir, "regions-province"),
			chromedp.Click(chromedp.CSS(`tr[data-code="52.01"] a`)),
			chromedp.WaitVisible(chromedp.CSS(`tr[data-code="52.01.01"] a`)),
			chromedp.Click(chromedp.CSS(`tr[data-code="52.01.01"] a`)),
			chromedp.WaitVisible(chromedp.CSS(`tr[data-code="52.01.01.2001"] a`)),
			chromedp.Click(chromedp.CSS(`tr[data-code="52.01.01.2001"] a`)),
			chromedp.WaitVisible(chromedp.ID("officials")),
			shot(t, dir, "regions-village"),
		); err != nil {
			t.Fatal(err)
		}
		// The village page shows the HTML-named official as text.
		names, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("officials")))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(names, "<script>alert(1)</script>") {
			t.Errorf("the village's officials: %q", names)
		}
		// Back up to the regency with the breadcrumb.
		if err := chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`a[data-crumb="52.01"]`)),
			chromedp.WaitVisible(chromedp.CSS(`tr[data-code="52.01.01"]`)),
		); err != nil {
			t.Fatal(err)
		}
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil || !strings.HasSuffix(loc, "/admin/regions?code=52.01") {
			t.Errorf("after the breadcrumb: %s %v", loc, err)
		}
	})

	t.Run("revoke a certificate", func(t *testing.T) {
		var code string
		if err := f.raw.Get(&code, `SELECT code FROM certificates WHERE village_code LIKE '52.%' ORDER BY id LIMIT 1`); err != nil {
			t.Fatal(err)
		}
		row := `tr[data-cert="PMG-` + code[0:4] + "-" + code[4:8] + "-" + code[8:12] + `"]`
		if err := chromedp.Do(ctx,
			chromedp.Click(chromedp.ID("nav-certificates")),
			chromedp.WaitVisible(chromedp.CSS(row+" summary")),
			chromedp.Click(chromedp.CSS(row+" summary")),
			chromedp.SendKeys(chromedp.CSS(row+` input[name="reason"]`), "Nama pemegang salah ketik"),
			shot(t, dir, "certificates-revoke"),
			chromedp.Click(chromedp.CSS(row+" form.revoke button")),
			chromedp.WaitVisible(chromedp.CSS(".ok")),
			chromedp.WaitVisible(chromedp.CSS(row+` td[data-status="revoked"]`)),
			shot(t, dir, "certificates"),
		); err != nil {
			t.Fatal(err)
		}
		var reason string
		if err := f.raw.Get(&reason, `SELECT revoked_reason FROM certificates WHERE code = $1`, code); err != nil || reason != "Nama pemegang salah ketik" {
			t.Errorf("in the database: %q %v", reason, err)
		}
	})

	t.Run("phone viewport", func(t *testing.T) {
		if err := chromedp.Do(ctx,
			chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
			chromedp.Navigate(f.srv.URL+"/admin/overview"),
			chromedp.WaitVisible(chromedp.CSS("svg.funnel")),
			shot(t, dir, "overview-phone"),
		); err != nil {
			t.Fatal(err)
		}
		overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if overflow {
			t.Error("the overview is wider than a phone screen")
		}
	})
}
