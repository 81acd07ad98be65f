package web_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pamong-desa/pamong/store"
)

// signInBrowser signs in through the form, as an admin would.
func signInBrowser(t *testing.T, ctx context.Context, f *fixture, token string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/admin/"),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), token),
		chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.CSS("svg.funnel")),
	); err != nil {
		t.Fatalf("sign in: %v", err)
	}
}

// textOf reads the text of the first element sel matches.
func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// TestBrowserAnnouncement composes an announcement in Chromium, sees the
// preview, sends it, and watches its status move while the real dispatcher
// hands it to a fake provider and a delivery report comes back.
func TestBrowserAnnouncement(t *testing.T) {
	f := newFixture(t)
	f.seed(600, villages)
	// See TestAnnouncementSendStatusScopeCancel: the seed's own queued rows
	// are due long after the fixture's clock and would hold theirs back.
	if _, err := f.raw.Exec(`UPDATE outbox SET status = 'cancelled' WHERE status = 'queued'`); err != nil {
		t.Fatal(err)
	}
	ctx := chromium(t)
	dir := t.TempDir()
	signInBrowser(t, ctx, f, f.lobar)

	text := "Yth. Bapak/Ibu aparat desa: rapat koordinasi pembinaan hari Kamis, 13 Maret, pukul 09.00 WITA di kantor camat. " +
		"Mohon membawa laporan realisasi Dana Desa triwulan I. Terima kasih."
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("nav-announcements")),
		chromedp.WaitVisible(chromedp.ID("new-announcement")),
		chromedp.Click(chromedp.ID("new-announcement")),
		chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.SendKeys(chromedp.ID("text"), text),
		chromedp.SendKeys(chromedp.ID("regions"), "52.01"),
		chromedp.Click(chromedp.ID("preview")),
		chromedp.WaitVisible(chromedp.ID("preview-result")),
		shot(t, dir, "announce-preview"),
	); err != nil {
		t.Fatalf("compose and preview: %v", err)
	}
	wa, sms, _ := f.audience("52.01")
	if got := textOf(t, ctx, `tr[data-fact="recipients"] td`); got != strconv.Itoa(wa+sms) {
		t.Errorf("preview shows %s recipients; the database counts %d", got, wa+sms)
	}
	if got := textOf(t, ctx, `tr[data-fact="sms"] td`); got != strconv.Itoa(sms) {
		t.Errorf("preview shows %s by SMS; the database counts %d", got, sms)
	}
	parts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#sms-parts li").length`))
	if err != nil || parts < 2 {
		t.Errorf("%d SMS parts shown (%v); the text needs several", parts, err)
	}

	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("send")),
		chromedp.WaitVisible(chromedp.ID("queued-note")),
		shot(t, dir, "announcement-queued"),
	); err != nil {
		t.Fatalf("send: %v", err)
	}
	var id, rows int
	if err := f.raw.QueryRow(`SELECT announcement_id, count(*) FROM outbox WHERE announcement_id IS NOT NULL GROUP BY 1`).Scan(&id, &rows); err != nil {
		t.Fatal(err)
	}
	if got := textOf(t, ctx, `#delivery tr[data-status="queued"] td`); got != strconv.Itoa(rows) {
		t.Errorf("status page shows %s queued; the outbox has %d rows", got, rows)
	}

	// The real dispatcher sends; the page, reloaded as its refresh would,
	// follows the rows to sent.
	f.runDispatcher(t)
	waitFor(t, "the page to show every message sent", func() bool {
		if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("delivery"))); err != nil {
			t.Fatal(err)
		}
		return textOf(t, ctx, `#delivery tr[data-status="sent"] td`) == strconv.Itoa(rows)
	})
	// Delivery reports for a third of them, as a provider's callbacks
	// would record them.
	var ids []int64
	if err := f.raw.Select(&ids, `SELECT id FROM outbox WHERE announcement_id = $1 AND id % 3 = 0`, id); err != nil {
		t.Fatal(err)
	}
	for _, o := range ids {
		if _, err := f.db.RecordDelivery(context.Background(), store.Delivery{Provider: "fake", ProviderID: fmt.Sprintf("fake-%d", o), Status: "delivered"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("delivery")), shot(t, dir, "announcement-status")); err != nil {
		t.Fatal(err)
	}
	if got := textOf(t, ctx, `#delivery tr[data-status="delivered"] td`); got != strconv.Itoa(len(ids)) {
		t.Errorf("status page shows %s delivered; %d reports were recorded", got, len(ids))
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("nav-announcements")),
		chromedp.WaitVisible(chromedp.ID("announcements")),
		shot(t, dir, "announcements"),
	); err != nil {
		t.Fatal(err)
	}

	// On a phone the form and its preview stack and fit the screen.
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Click(chromedp.ID("new-announcement")),
		chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.SendKeys(chromedp.ID("text"), "Rapat Kamis pukul 09.00 di kantor camat."),
		chromedp.Click(chromedp.ID("preview")),
		chromedp.WaitVisible(chromedp.ID("preview-result")),
		shot(t, dir, "announce-phone"),
	); err != nil {
		t.Fatal(err)
	}
	// Against the phone's width itself: a mobile viewport widens to fit
	// what overflows, so window.innerWidth would grow with the page.
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || width > 390 {
		t.Errorf("the compose page is %d px wide on a 390 px phone (%v)", width, err)
	}
}
