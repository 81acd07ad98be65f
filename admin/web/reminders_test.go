package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// seedReminders gives a learner in Lombok Barat two nudges (one answered
// the next day), a review question and review answers in boxes 1 and 2;
// one in Lombok Tengah a nudge answered after four days and a retired
// item; one in Bandung a due item.
func (f *fixture) seedReminders() {
	f.t.Helper()
	for _, q := range []string{
		`INSERT INTO learners (id, phone, name, village_code, registered_at) VALUES
		 (901, '+6281200000901', 'Baiq', '52.01.01.2001', '2025-03-01'),
		 (902, '+6281200000902', 'Lalu', '52.02.01.2010', '2025-03-01'),
		 (903, '+6281200000903', 'Siti', '32.04.05.2001', '2025-03-01')`,
		`INSERT INTO reminders (learner_id, day, kind, variant, sent_at) VALUES
		 (901, '2025-03-03', 'nudge', 1, '2025-03-03 02:00Z'),
		 (901, '2025-03-08', 'nudge', 2, '2025-03-08 02:00Z'),
		 (901, '2025-03-09', 'review', 0, '2025-03-09 02:00Z'),
		 (902, '2025-03-03', 'nudge', 1, '2025-03-03 02:00Z')`,
		`INSERT INTO inbound_messages (channel, provider_id, learner_id, text, received_at) VALUES
		 ('whatsapp', 'x1', 901, 'LANJUT', '2025-03-04 01:00Z'),
		 ('whatsapp', 'x2', 902, 'halo', '2025-03-07 01:00Z')`,
		`INSERT INTO review_items (learner_id, course_id, quiz_id, question_id, box, streak, due_at, retired_at, created_at, updated_at) VALUES
		 (901, 'c', 'l1', 'q1', 2, 1, '2025-03-20Z', NULL, '2025-03-01', '2025-03-01'),
		 (902, 'c', 'l1', 'q1', 3, 2, '2025-03-20Z', '2025-03-05Z', '2025-03-01', '2025-03-01'),
		 (903, 'c', 'l1', 'q2', 1, 0, '2025-03-05Z', NULL, '2025-03-01', '2025-03-01')`,
		`INSERT INTO review_answers (learner_id, course_id, quiz_id, question_id, box, choice, correct, answered_at) VALUES
		 (901, 'c', 'l1', 'q1', 1, 2, false, '2025-03-02'), (901, 'c', 'l1', 'q1', 1, 1, true, '2025-03-03'),
		 (901, 'c', 'l1', 'q1', 2, 1, true, '2025-03-06')`,
	} {
		if _, err := f.raw.Exec(q); err != nil {
			f.t.Fatal(err)
		}
	}
}

var (
	reminderRowRe  = regexp.MustCompile(`(?s)<tr data-region="([0-9.]+)">(.*?)</tr>`)
	reminderCellRe = regexp.MustCompile(`<td class="n" data-col="([a-z0-9-]+)">([^<]*)</td>`)
)

// reminderTable reads the page's table: region → column → text.
func reminderTable(body string) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, row := range reminderRowRe.FindAllStringSubmatch(body, -1) {
		cells := map[string]string{}
		for _, c := range reminderCellRe.FindAllStringSubmatch(row[2], -1) {
			cells[c[1]] = c[2]
		}
		out[row[1]] = cells
	}
	return out
}

// Two admins over the same data see the same numbers for the same place,
// each only inside their own region: the province's admin sees both
// regencies, the regency's admin only its district, and neither reaches
// past their scope by writing a code into the URL.
func TestRemindersPage(t *testing.T) {
	f := newFixture(t)
	f.seedReminders()
	lobar := map[string]string{"nudges": "2", "came-back": "50.0% (1)", "reviews": "1", "due": "0", "live": "1",
		"retired": "0", "answered": "3", "accuracy": "66.7%", "box1": "50.0% (2)", "box2": "100.0% (1)"}
	tests := []struct {
		name, token, region string
		status              int
		rows                map[string]map[string]string
	}{
		{"province admin", f.ntb, "", 200, map[string]map[string]string{
			"52.01": lobar,
			"52.02": {"nudges": "1", "came-back": "0.0% (0)", "reviews": "0", "due": "0", "live": "0",
				"retired": "1", "answered": "0", "accuracy": "–", "box1": "–", "box2": "–"},
		}},
		{"province admin, one regency", f.ntb, "52.01", 200, map[string]map[string]string{"52.01.01": lobar}},
		{"regency admin", f.lobar, "", 200, map[string]map[string]string{"52.01.01": lobar}},
		{"regency admin, own village", f.lobar, "52.01.01", 200, map[string]map[string]string{"52.01.01.2001": lobar}},
		{"regency admin, the other regency", f.lobar, "52.02", 403, nil},
		{"regency admin, the province above", f.lobar, "52", 403, nil},
		{"province admin, another province", f.ntb, "32", 403, nil},
		{"a malformed code", f.ntb, "lombok", 400, nil},
		{"national admin", f.national, "", 200, map[string]map[string]string{
			"32": {"nudges": "0", "came-back": "–", "reviews": "0", "due": "1", "live": "1", "retired": "0",
				"answered": "0", "accuracy": "–", "box1": "–", "box2": "–"},
			"52": {"nudges": "3", "came-back": "33.3% (1)", "reviews": "1", "due": "0", "live": "1", "retired": "1",
				"answered": "3", "accuracy": "66.7%", "box1": "50.0% (2)", "box2": "100.0% (1)"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := f.browser()
			b.signIn(tt.token)
			code, body, _ := b.get("/admin/reminders?region=" + tt.region)
			if code != tt.status {
				t.Fatalf("page: %d; want %d: %s", code, tt.status, body)
			}
			if tt.status != 200 {
				if !strings.Contains(body, `role="alert"`) || strings.Contains(body, "data-region") {
					t.Errorf("refusal page: %s", body)
				}
				return
			}
			got := reminderTable(body)
			if len(got) != len(tt.rows) {
				t.Errorf("rows %v; want %v", got, tt.rows)
			}
			for region, want := range tt.rows {
				for col, v := range want {
					if got[region][col] != v {
						t.Errorf("%s %s: %q; want %q", region, col, got[region][col], v)
					}
				}
			}
			if !strings.Contains(body, `id="nav-reminders"`) {
				t.Error("no link to the page in the menu")
			}
		})
	}
}

// The page in a real browser, from the menu, with a screenshot for
// docs/screenshots (PAMONG_SCREENSHOTS=docs/screenshots).
func TestRemindersBrowser(t *testing.T) {
	f := newFixture(t)
	f.seedReminders()
	ctx := chromium(t)
	dir := t.TempDir()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/admin/"),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), f.ntb),
		chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.ID("nav-reminders")),
		chromedp.Click(chromedp.ID("nav-reminders")),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-region="52.01"] a`)),
		shot(t, dir, "reminders"),
		chromedp.Click(chromedp.CSS(`tr[data-region="52.01"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-region="52.01.01"]`)),
	); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`tr[data-region="52.01.01"] td[data-col="came-back"]`)))
	if err != nil || text != "50.0% (1)" {
		t.Errorf("came back in 52.01.01: %q %v", text, err)
	}
}
