package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/admin"
	"github.com/pamong-desa/pamong/store"
)

// cell reads the number in the row data-<attr>="<name>" of a facts table
// (the first such row on the page), "" when there is none.
func cell(body, attr, name string) string {
	m := regexp.MustCompile(`(?s)data-` + attr + `="` + name + `"><th>.*?</th><td class="n">([^<]*)</td>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// hidden reads the value of the form field name.
func hidden(body, name string) string {
	_, rest, ok := strings.Cut(body, `name="`+name+`" value="`)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, `"`)
	return v
}

// announcementRows counts what announcements wrote: announcements and
// their outbox rows.
func (f *fixture) announcementRows() (announcements, messages int) {
	f.t.Helper()
	if err := f.raw.Get(&announcements, `SELECT count(*) FROM announcements`); err != nil {
		f.t.Fatal(err)
	}
	if err := f.raw.Get(&messages, `SELECT count(*) FROM outbox WHERE announcement_id IS NOT NULL`); err != nil {
		f.t.Fatal(err)
	}
	return announcements, messages
}

// audience counts, straight from the tables, who an announcement to a
// region prefix reaches: WhatsApp and SMS learners not opted out, and
// opted-out ones.
func (f *fixture) audience(prefix string) (wa, sms, optedOut int) {
	f.t.Helper()
	var c struct {
		WA, SMS, Out int
	}
	if err := f.raw.QueryRow(`SELECT count(*) FILTER (WHERE opted_out_at IS NULL AND preferred_channel = 'whatsapp'),
		count(*) FILTER (WHERE opted_out_at IS NULL AND preferred_channel = 'sms'), count(*) FILTER (WHERE opted_out_at IS NOT NULL)
		FROM learners WHERE village_code LIKE $1 || '.%'`, prefix).Scan(&c.WA, &c.SMS, &c.Out); err != nil {
		f.t.Fatal(err)
	}
	return c.WA, c.SMS, c.Out
}

func TestAnnouncementPreviewAndProblems(t *testing.T) {
	f := newFixture(t)
	f.seed(60, villages)
	if _, err := f.raw.Exec(`UPDATE learners SET opted_out_at = $1 WHERE id % 7 = 0`, f.clock.now()); err != nil {
		t.Fatal(err)
	}
	b := f.browser()
	b.signIn(f.lobar)
	csrf := b.csrf()

	code, body, _ := b.get("/admin/announcements/new")
	if code != 200 || !strings.Contains(body, `<option value="8" selected>WITA</option>`) {
		t.Fatalf("compose page for a Lombok admin: %d, want WITA chosen: %s", code, body)
	}

	// A text of three SMS, to two regencies' worth of roles... of one regency.
	text := strings.Repeat("Rapat koordinasi pembinaan aparat desa hari Kamis di kantor camat. ", 4) + "<b>Hadir</b> ya."
	form := url.Values{"csrf": {csrf}, "text": {text}, "regions": {"52.01"}}
	code, body, _ = b.post("/admin/announcements/preview", form)
	if code != 200 {
		t.Fatalf("preview: %d %s", code, body)
	}
	wa, sms, out := f.audience("52.01")
	parts := strings.Count(body, `<li class="bubble">`)
	for fact, want := range map[string]int{"recipients": wa + sms, "whatsapp": wa, "sms": sms, "opted_out": out,
		"segments": sms * parts, "held": 0} {
		if got := cell(body, "fact", fact); got != strconv.Itoa(want) {
			t.Errorf("preview %s: page shows %q, the database counts %d", fact, got, want)
		}
	}
	if parts < 2 || wa == 0 || sms == 0 || out == 0 {
		t.Fatalf("the fixture should give several SMS parts and recipients on both channels: %d parts, %d/%d/%d", parts, wa, sms, out)
	}
	// Thousands are written with dots, the Indonesian way.
	if got, want := strings.ReplaceAll(cell(body, "fact", "cost"), ".", ""), fmt.Sprintf("Rp %d", sms*parts*350); got != want {
		t.Errorf("cost %q; want %q", got, want)
	}
	if strings.Contains(body, "<b>Hadir</b>") || !strings.Contains(body, "&lt;b&gt;Hadir&lt;/b&gt;") {
		t.Error("HTML in the announcement is not escaped in the preview")
	}
	if hidden(body, "previewed") == "" || !strings.Contains(body, `id="send"`) {
		t.Error("the preview offers no send button")
	}
	if a, m := f.announcementRows(); a != 0 || m != 0 {
		t.Fatalf("a preview wrote %d announcements, %d messages", a, m)
	}

	// Scheduled for 06:00 WITA tomorrow: everyone waits for 08:00.
	tomorrow := f.clock.now().Add(24 * time.Hour).In(time.FixedZone("WITA", 8*3600)).Format("2006-01-02")
	form.Set("send_at", tomorrow+"T06:00")
	form.Set("zone", "8")
	_, body, _ = b.post("/admin/announcements/preview", form)
	if got := cell(body, "fact", "held"); got != strconv.Itoa(wa+sms) {
		t.Errorf("06:00 WITA: %q held for quiet hours; want all %d", got, wa+sms)
	}
	if !strings.Contains(body, "Berangkat mulai "+tomorrow[8:10]+"-"+tomorrow[5:7]+"-"+tomorrow[:4]+" 06:00 WITA") {
		t.Errorf("the preview does not say when it leaves: %s", body)
	}

	past := f.clock.now().Add(-2 * time.Hour).In(time.FixedZone("WITA", 8*3600)).Format("2006-01-02T15:04")
	for _, tt := range []struct {
		name   string
		path   string
		change url.Values
		status int
		says   string
	}{
		{"empty text", "/admin/announcements/preview", url.Values{"text": {"   "}}, 400, "has no text"},
		{"long text", "/admin/announcements/preview", url.Values{"text": {strings.Repeat("panjang ", 130)}}, 400, "at most 1000"},
		{"region outside scope", "/admin/announcements/preview", url.Values{"regions": {"52.01, 52.02"}}, 403, "52.02 is outside your region"},
		{"unknown region", "/admin/announcements/preview", url.Values{"regions": {"52.01.09"}}, 400, "not among the imported regions"},
		{"time in the past", "/admin/announcements/preview", url.Values{"send_at": {past}, "zone": {"8"}}, 400, "is in the past"},
		{"unreadable time", "/admin/announcements/preview", url.Values{"send_at": {"besok pagi"}}, 400, "tidak terbaca"},
		{"unknown zone", "/admin/announcements/preview", url.Values{"send_at": {tomorrow + "T09:00"}, "zone": {"3"}}, 400, "zona waktu"},
		{"unknown role", "/admin/announcements/preview", url.Values{"role": {"Presiden"}}, 400, "Presiden"},
		{"send: empty text", "/admin/announcements", url.Values{"text": {""}}, 400, "has no text"},
		{"send: region outside scope", "/admin/announcements", url.Values{"regions": {"32.04"}}, 403, "outside your region"},
		{"send: time in the past", "/admin/announcements", url.Values{"send_at": {past}, "zone": {"8"}}, 400, "is in the past"},
		{"send: not previewed", "/admin/announcements", url.Values{}, 409, "berubah sejak pratinjau"},
		{"send: changed since the preview", "/admin/announcements", url.Values{"previewed": {"stale"}}, 409, "berubah sejak pratinjau"},
		{"send: no CSRF token", "/admin/announcements", url.Values{"csrf": {""}}, 403, "kedaluwarsa"},
		{"preview: no CSRF token", "/admin/announcements/preview", url.Values{"csrf": {"forged"}}, 403, "kedaluwarsa"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"csrf": {csrf}, "text": {"Rapat Kamis pukul 09.00."}, "regions": {"52.01"}}
			for k, v := range tt.change {
				form[k] = v
			}
			code, body, _ := b.post(tt.path, form)
			if code != tt.status || !strings.Contains(body, tt.says) {
				t.Errorf("%d; want %d saying %q: %s", code, tt.status, tt.says, body)
			}
			if tt.status == 400 || tt.status == 403 && tt.says != "kedaluwarsa" {
				if !strings.Contains(body, "Tidak ada yang dikirim") || !strings.Contains(body, `id="text"`) {
					t.Errorf("the problem is not shown on the form: %s", body)
				}
				if strings.Contains(body, `id="send"`) {
					t.Error("a form with a problem offers to send")
				}
			}
			if a, m := f.announcementRows(); a != 0 || m != 0 {
				t.Fatalf("%d announcements, %d messages written", a, m)
			}
		})
	}
}

func TestAnnouncementSendStatusScopeCancel(t *testing.T) {
	f := newFixture(t)
	f.seed(60, villages)
	lobar := f.browser()
	lobar.signIn(f.lobar)
	csrf := lobar.csrf()

	form := url.Values{"csrf": {csrf}, "text": {`Rapat <script>alert(1)</script> Kamis pukul 09.00.`}, "regions": {"52.01.01"}}
	_, body, _ := lobar.post("/admin/announcements/preview", form)
	form.Set("previewed", hidden(body, "previewed"))
	code, body, resp := lobar.post("/admin/announcements", form)
	if code != http.StatusSeeOther {
		t.Fatalf("send: %d %s", code, body)
	}
	loc := resp.Header.Get("Location")
	id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(loc, "/admin/announcements/"), "?sent=1"), 10, 64)
	if err != nil {
		t.Fatalf("sent to %q", loc)
	}
	wa, sms, _ := f.audience("52.01.01")
	var rows int
	if err := f.raw.Get(&rows, `SELECT count(*) FROM outbox WHERE announcement_id = $1 AND status = 'queued' AND priority = 1`, id); err != nil {
		t.Fatal(err)
	}
	if rows != wa+sms {
		t.Fatalf("%d outbox rows queued; want one each for %d recipients (one SMS part)", rows, wa+sms)
	}
	code, body, _ = lobar.get(loc)
	if code != 200 || cell(body, "status", "queued") != strconv.Itoa(rows) || !strings.Contains(body, "Masuk antrean") {
		t.Fatalf("status page right after sending: %d %s", code, body)
	}
	if !strings.Contains(body, `<meta http-equiv="refresh" content="15">`) {
		t.Error("the status page of a queued announcement does not refresh itself")
	}
	if strings.Contains(body, "<script>alert") {
		t.Error("HTML in the announcement is not escaped")
	}

	// Who sees it: the sender's regency and province, not the neighbour.
	for _, tt := range []struct {
		name, token string
		status      int
		listed      bool
	}{
		{"province", f.ntb, 200, true},
		{"other regency", f.loteng, 403, false},
		{"national", f.national, 200, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := f.browser()
			b.signIn(tt.token)
			if code, body, _ := b.get(fmt.Sprintf("/admin/announcements/%d", id)); code != tt.status {
				t.Errorf("status page: %d; want %d: %s", code, tt.status, body)
			}
			_, body, _ := b.get("/admin/announcements")
			if listed := strings.Contains(body, fmt.Sprintf(`data-announcement="%d"`, id)); listed != tt.listed {
				t.Errorf("listed %v; want %v", listed, tt.listed)
			}
			if tt.status == 403 {
				code, _, _ := b.post(fmt.Sprintf("/admin/announcements/%d/cancel", id), url.Values{"csrf": {b.csrf()}})
				if code != 403 {
					t.Errorf("cancel another regency's announcement: %d; want 403", code)
				}
			}
		})
	}

	// The real dispatcher sends it through a fake provider; the page
	// follows the rows.
	// The seed's own queued rows are due at the real time of seeding, long
	// after the fixture's clock: they would hold back their learners'
	// later messages, as they should, so they are cancelled first.
	if _, err := f.raw.Exec(`UPDATE outbox SET status = 'cancelled' WHERE announcement_id IS NULL AND status = 'queued'`); err != nil {
		t.Fatal(err)
	}
	p := f.runDispatcher(t)
	waitFor(t, "the announcement to leave", func() bool {
		_, body, _ := lobar.get(loc)
		return cell(body, "status", "sent") == strconv.Itoa(rows)
	})
	mine := 0
	for _, m := range p.messages() {
		if m.Bulk && strings.Contains(m.Text, "Rapat <script>") {
			mine++
		}
	}
	if mine != rows {
		t.Errorf("the provider got %d of the announcement's %d messages as bulk", mine, rows)
	}
	// A delivery report for one of them moves it to delivered.
	var first int64
	if err := f.raw.Get(&first, `SELECT id FROM outbox WHERE announcement_id = $1 ORDER BY id LIMIT 1`, id); err != nil {
		t.Fatal(err)
	}
	if found, err := f.db.RecordDelivery(context.Background(), store.Delivery{Provider: "fake", ProviderID: fmt.Sprintf("fake-%d", first), Status: "delivered"}); err != nil || !found {
		t.Fatalf("record delivery: %v %v", found, err)
	}
	_, body, _ = lobar.get(loc)
	if cell(body, "status", "delivered") != "1" || cell(body, "status", "sent") != strconv.Itoa(rows-1) || cell(body, "status", "queued") != "0" {
		t.Errorf("after one delivery report: %s", body)
	}
	if strings.Contains(body, `id="cancel"`) {
		t.Error("an announcement with nothing queued offers to cancel")
	}
	_, body, _ = lobar.get("/admin/announcements")
	if !strings.Contains(body, `data-count="delivered">1<`) {
		t.Errorf("the list does not show the delivery: %s", body)
	}
}

func TestAnnouncementCancel(t *testing.T) {
	f := newFixture(t)
	f.seed(60, villages)
	lobar := f.browser()
	lobar.signIn(f.lobar)
	csrf := lobar.csrf()
	// Scheduled for tomorrow: everything stays queued until cancelled.
	tomorrow := f.clock.now().Add(24 * time.Hour).In(time.FixedZone("WITA", 8*3600)).Format("2006-01-02")
	form := url.Values{"csrf": {csrf}, "text": {"Rapat Kamis."}, "send_at": {tomorrow + "T09:00"}, "zone": {"8"}}
	_, body, _ := lobar.post("/admin/announcements/preview", form)
	form.Set("previewed", hidden(body, "previewed"))
	_, _, resp := lobar.post("/admin/announcements", form)
	loc := resp.Header.Get("Location")
	_, body, _ = lobar.get(loc)
	if !strings.Contains(body, `id="cancel"`) {
		t.Fatalf("a scheduled announcement offers no cancel: %s", body)
	}
	path := strings.TrimSuffix(loc, "?sent=1") + "/cancel"
	if code, _, _ := lobar.post(path, url.Values{}); code != 403 {
		t.Errorf("cancel without a CSRF token: %d; want 403", code)
	}
	var queued int
	if err := f.raw.Get(&queued, `SELECT count(*) FROM outbox WHERE announcement_id IS NOT NULL AND status = 'queued'`); err != nil || queued == 0 {
		t.Fatalf("queued before cancelling: %d %v", queued, err)
	}
	code, _, resp := lobar.post(path, url.Values{"csrf": {csrf}})
	if code != http.StatusSeeOther {
		t.Fatalf("cancel: %d", code)
	}
	_, body, _ = lobar.get(resp.Header.Get("Location"))
	if !strings.Contains(body, fmt.Sprintf("Dibatalkan: %d pesan", queued)) || cell(body, "status", "cancelled") != strconv.Itoa(queued) {
		t.Errorf("after cancelling %d: %s", queued, body)
	}
	if strings.Contains(body, `http-equiv="refresh"`) || strings.Contains(body, `id="cancel"`) {
		t.Error("a cancelled announcement still refreshes or offers to cancel")
	}
	if code, _, _ := lobar.get("/admin/announcements/999999"); code != 404 {
		t.Errorf("an unknown announcement: %d; want 404", code)
	}
	if code, _, _ := lobar.get("/admin/announcements/abc"); code != 404 {
		t.Errorf("a malformed id: %d; want 404", code)
	}
}

// The preview prices what this deployment will send: without WhatsApp
// everyone goes by SMS, and over the hourly cap the WhatsApp part either
// waits (and the page says how long) or spills to SMS at SMS prices.
func TestAnnouncementPreviewPricesTheDeployment(t *testing.T) {
	f := newFixture(t)
	f.seed(60, villages)
	b := f.browser()
	b.signIn(f.lobar)
	wa, sms, _ := f.audience("52.01")
	if wa < 3 || sms == 0 {
		t.Fatalf("the fixture should give both channels: %d WhatsApp, %d SMS", wa, sms)
	}
	const cap = 2
	for _, tc := range []struct {
		name        string
		deployment  admin.Deployment
		overCap     string
		byWA, bySMS int
		waitNote    bool
	}{
		{"no WhatsApp", admin.Deployment{SMS: true, WhatsAppPerHour: 200}, "wait", 0, wa + sms, false},
		{"over the cap, waiting", admin.Deployment{WhatsApp: true, SMS: true, WhatsAppPerHour: cap}, "wait", wa, sms, true},
		{"over the cap, spilled", admin.Deployment{WhatsApp: true, SMS: true, WhatsAppPerHour: cap}, "spill", cap, sms + wa - cap, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.svc.Deployment = &tc.deployment
			form := url.Values{"csrf": {b.csrf()}, "text": {"Rapat hari Kamis."}, "regions": {"52.01"}, "over_cap": {tc.overCap}}
			code, body, _ := b.post("/admin/announcements/preview", form)
			if code != 200 {
				t.Fatalf("preview: %d %s", code, body)
			}
			parts := strings.Count(body, `<li class="bubble">`)
			for fact, want := range map[string]int{"by_whatsapp": tc.byWA, "by_sms": tc.bySMS, "segments": tc.bySMS * parts} {
				if got := cell(body, "fact", fact); got != strconv.Itoa(want) {
					t.Errorf("%s: page shows %q, want %d", fact, got, want)
				}
			}
			if got := strings.Contains(body, `id="wa-time"`); got != tc.waitNote {
				t.Errorf("how long the WhatsApp part takes shown: %v, want %v", got, tc.waitNote)
			}
			if !strings.Contains(body, `value="`+tc.overCap+`" checked`) {
				t.Errorf("the choice %q is not kept beside the preview", tc.overCap)
			}
			// A preview made with one choice does not send with the other.
			other := map[string]string{"wait": "spill", "spill": "wait"}[tc.overCap]
			form.Set("previewed", hidden(body, "previewed"))
			form.Set("over_cap", other)
			if code, _, _ := b.post("/admin/announcements", form); code != 409 {
				t.Errorf("send with over_cap changed since the preview: %d, want 409", code)
			}
			if a, _ := f.announcementRows(); a != 0 {
				t.Fatalf("%d announcements written", a)
			}
		})
	}
}
