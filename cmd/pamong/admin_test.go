package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/admin"
	"github.com/pamong-desa/pamong/internal/faketwilio"
	"github.com/pamong-desa/pamong/region"
)

// zoneNow picks, among Jawa Barat (WIB), NTB (WITA) and Papua (WIT), a
// province whose local time is inside the 08:00–20:00 window now, with ten
// minutes to spare. Between 12:50 and 23:00 UTC none is: then it picks one
// that is outside the window with ten minutes to spare (one always is), and
// night tells the test to expect the announcement held and to let the
// morning come by moving the rows' due time.
func zoneNow(now time.Time) (province string, night bool) {
	zones := []struct {
		province string
		offset   int
	}{{"32", 7}, {"52", 8}, {"91", 9}}
	minute := func(offset int) int {
		local := now.UTC().Add(time.Duration(offset) * time.Hour)
		return local.Hour()*60 + local.Minute()
	}
	for _, z := range zones {
		if m := minute(z.offset); m >= 8*60 && m < 19*60+50 {
			return z.province, false
		}
	}
	for _, z := range zones {
		if m := minute(z.offset); m >= 20*60 || m < 7*60+50 {
			return z.province, true
		}
	}
	panic("no zone is clearly inside or outside the window")
}

// twilioEnv configures serve to send SMS through the fake Twilio.
func twilioEnv(fake *faketwilio.Server) []string {
	return []string{"TWILIO_ACCOUNT_SID=" + testSID, "TWILIO_AUTH_TOKEN=" + testToken, "TWILIO_FROM=+15005550006",
		"TWILIO_API_URL=" + fake.URL, "SMS_PROVIDER=twilio", "PAMONG_SMS_RATE=1000", "PAMONG_SMS_PRICE=400"}
}

// untilMorning is how far the clock must move from now to be 09:00 in the
// province's zone (WIB 7, WITA 8, WIT 9 hours ahead of UTC).
func untilMorning(now time.Time, province string) time.Duration {
	offset := map[string]int{"32": 7, "52": 8, "91": 9}[province]
	local := now.UTC().Add(time.Duration(offset) * time.Hour)
	nine := time.Date(local.Year(), local.Month(), local.Day(), 9, 0, 0, 0, time.UTC)
	if !nine.After(local) {
		nine = nine.Add(24 * time.Hour)
	}
	return nine.Sub(local)
}

// twoRegencies returns, from the reference file, two regencies of the
// province with at least three villages each, and three villages of each.
func twoRegencies(t *testing.T, province string) (a, b string, va, vb []string) {
	t.Helper()
	regions, err := region.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	villages := map[string][]string{}
	var order []string
	for _, r := range regions {
		code := string(r.Code)
		if len(code) == 13 && strings.HasPrefix(code, province+".") {
			reg := code[:5]
			if villages[reg] == nil {
				order = append(order, reg)
			}
			villages[reg] = append(villages[reg], code)
		}
	}
	var picked []string
	for _, r := range order {
		if len(villages[r]) >= 3 {
			picked = append(picked, r)
		}
		if len(picked) == 2 {
			return picked[0], picked[1], villages[picked[0]][:3], villages[picked[1]][:3]
		}
	}
	t.Fatalf("province %s has no two regencies with three villages", province)
	return
}

// api calls the admin API as token and decodes the answer into out.
func (s *server) api(token, method, path, body string, out any) int {
	s.t.Helper()
	req, err := http.NewRequest(method, s.base+path, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			s.t.Fatalf("%s %s: HTTP %d: %v", method, path, resp.StatusCode, err)
		}
	}
	return resp.StatusCode
}

var tokenLine = regexp.MustCompile(`(?m)^pmg_[A-Za-z0-9_-]{43}$`)

// The "done when", through the real binary: from a fresh database,
// import regions, create a national and a regency admin, import officials
// with bad rows (reported by line), preview an announcement to one
// regency's Kepala Desa with its SMS cost, send it, watch its stats move
// to delivered through the fake Twilio; the regency admin gets 403 on the
// other regency.
func TestAdminAnnouncementEndToEnd(t *testing.T) {
	p := privateCluster(t)
	province, night := zoneNow(time.Now())
	regA, regB, va, vb := twoRegencies(t, province)
	t.Logf("officials in %s and %s (province %s); night: %v", regA, regB, province, night)

	out := p.ok("", "admin", "create", "--name", "Kemendagri", "--national")
	national := tokenLine.FindString(out)
	out = p.ok("", "admin", "create", "--name", "DPMD "+regA, "--scope", strings.ReplaceAll(regA, ".", ""))
	regency := tokenLine.FindString(out)
	if national == "" || regency == "" || !strings.Contains(out, "scope "+regA) {
		t.Fatalf("admin create printed no token:\n%s", out)
	}
	if r := p.run("", "admin", "create", "--name", "Nowhere", "--scope", "99.99"); r.code == 0 || !strings.Contains(r.stderr, "not among the imported regions") {
		t.Fatalf("an admin for an unknown region: exit %d %s", r.code, r.stderr)
	}
	if out := p.ok("", "admin", "list"); !strings.Contains(out, "Kemendagri") || !strings.Contains(out, "national") || !strings.Contains(out, regA) {
		t.Fatalf("admin list:\n%s", out)
	}

	// Excel's CSV: a byte-order mark, semicolons, a quoted name with a
	// comma, a blank line, and bad rows.
	csv := "\ufeffphone;name;role;village_code;channel\r\n" +
		"0812 7000 0001;\"Ahmad, S.Sos\";Kades;" + va[0] + ";sms\r\n" +
		"0812-7000-0002;Budi Santoso;Kepala Desa;" + va[1] + ";SMS\r\n" +
		"+6281270000003;Citra;Sekdes;" + va[2] + ";whatsapp\r\n" +
		"\r\n" +
		"081270000004;Dedi;Kades;" + vb[0] + ";sms\r\n" +
		"081270000005;Eka;Kades;" + vb[1] + ";\r\n" +
		"022-7000006;Landline;Kades;" + va[0] + ";sms\r\n" +
		"081270000007;Fajar;Camat;" + va[0] + ";sms\r\n" +
		"081270000008;Gita;Kades;" + regA + ".99.9999;sms\r\n" +
		"081270000001;Ahmad again;Kades;" + va[0] + ";sms\r\n"
	path := filepath.Join(t.TempDir(), "pejabat.csv")
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	r := p.run("", "officials", "import", path)
	if r.code != 1 || !strings.Contains(r.stdout, "9 rows read, 5 new, 0 updated, 0 unchanged, 4 bad rows skipped") {
		t.Fatalf("officials import: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		path + ":8: phone \"022-7000006\" is not a mobile number",
		path + ":9: role \"Camat\" is not known",
		path + ":10: village " + regA + ".99.9999 is not among the imported regions",
		path + ":11: phone +6281270000001 is also on line 2",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the import did not report %q:\n%s", want, r.stderr)
		}
	}
	// Importing again changes nothing.
	if r := p.run("", "officials", "import", path); !strings.Contains(r.stdout, "0 new, 0 updated, 5 unchanged") {
		t.Errorf("re-import: %s", r.stdout)
	}

	// The operator's dry run, as the regency: the two Kepala Desa of
	// regency A, both on SMS, and the cost.
	text := "Pelatihan Pamong untuk Kepala Desa dimulai Senin 17 Maret pukul 09.00 di aula kantor bupati. " +
		"Mohon hadir tepat waktu dan membawa laptop serta dokumen APBDes tahun berjalan."
	// Without an SMS gateway in this deployment nobody can be reached.
	out = p.ok("", "announce", "--dry-run", "--scope", regA, "--role", "Kades", "--text", text)
	if !strings.Contains(out, "Unreachable: 2 prefer SMS and no SMS gateway is configured") || !strings.Contains(out, "SMS segments: 0 ") {
		t.Errorf("dry run without SMS:\n%s", out)
	}
	withSMS := pamong{t: p.t, env: append(slices.Clip(p.env), "TWILIO_ACCOUNT_SID="+testSID, "TWILIO_AUTH_TOKEN="+testToken, "TWILIO_FROM=+15005550006")}
	out = withSMS.ok("", "announce", "--dry-run", "--scope", regA, "--role", "Kades", "--text", text)
	for _, want := range []string{"Recipients: 2 (WhatsApp 0, SMS 2); 0 opted out", "Reached by WhatsApp 0, by SMS 2.", "(1/2)", "(2/2)", "SMS segments: 4 × Rp 350 = Rp 1.400", "Nothing sent"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}

	fake := faketwilio.New(t, testSID, testToken)
	s := startServe(t, p, twilioEnv(fake)...)

	// The regency admin and the other regency: 403, whatever the route.
	lotengCSV := "phone,name,role,village_code\n081270000009,Hadi,Kades," + vb[2] + "\n"
	var refused map[string]any
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/v1/officials?region=" + regB, ""},
		{"POST", "/api/v1/officials/import", lotengCSV},
		{"POST", "/api/v1/announcements/preview", `{"text":"x","regions":["` + regB + `"]}`},
		{"POST", "/api/v1/announcements", `{"text":"x","regions":["` + regB + `"]}`},
	} {
		if code := s.api(regency, c.method, c.path, c.body, &refused); code != http.StatusForbidden {
			t.Errorf("%s %s by the regency admin: HTTP %d %v; want 403", c.method, c.path, code, refused)
		}
	}
	if code := s.api("", "GET", "/api/v1/officials", "", nil); code != http.StatusUnauthorized {
		t.Errorf("no token: HTTP %d", code)
	}
	var list admin.OfficialList
	if s.api(regency, "GET", "/api/v1/officials", "", &list); list.Total != 3 {
		t.Errorf("the regency admin sees %d officials; want the 3 of %s", list.Total, regA)
	}
	for _, o := range list.Officials {
		if !strings.HasPrefix(o.VillageCode, regA+".") {
			t.Errorf("the regency admin sees %s of %s", o.Name, o.VillageCode)
		}
	}

	compose := `{"text":` + string(mustMarshal(text)) + `,"roles":["Kepala Desa"]}`
	var preview admin.Preview
	if code := s.api(regency, "POST", "/api/v1/announcements/preview", compose, &preview); code != 200 ||
		preview.Recipients != 2 || preview.SMS != 2 || preview.SMSSegments != 4 || preview.EstimatedCost != 1600 || len(preview.SMSParts) != 2 {
		t.Fatalf("preview: HTTP %d %+v", code, preview)
	}
	var sent admin.Sent
	if code := s.api(regency, "POST", "/api/v1/announcements", compose, &sent); code != http.StatusCreated || sent.Messages != 4 {
		t.Fatalf("send: HTTP %d %+v", code, sent)
	}
	status := fmt.Sprintf("/api/v1/announcements/%d", sent.ID)
	if night {
		var st admin.Status
		if s.api(regency, "GET", status, "", &st); st.Held != 4 {
			t.Fatalf("at night the announcement is not held: %+v", st)
		}
		// The morning comes: a second server whose clock is shifted to 09:00
		// in that zone sends what the first one holds.
		startServe(t, p, append(twilioEnv(fake), "PAMONG_CLOCK_SHIFT="+untilMorning(time.Now(), province).String())...)
	}

	msgs := fake.WaitFor(t, 4, 30*time.Second)
	bodies := map[string][]string{}
	for _, m := range msgs {
		bodies[m.To] = append(bodies[m.To], m.Body)
	}
	for _, to := range []string{"+6281270000001", "+6281270000002"} {
		if got := bodies[to]; len(got) != 2 || got[0] != preview.SMSParts[0] || got[1] != preview.SMSParts[1] {
			t.Errorf("%s received %q; want the two parts in order", to, got)
		}
	}
	if len(bodies) != 2 {
		t.Errorf("the announcement reached %d numbers; want the 2 Kepala Desa of %s", len(bodies), regA)
	}
	for i, m := range msgs {
		state := "delivered"
		if i == 0 {
			state = "sent" // a status report that lags behind
		}
		resp, err := fake.PostStatus(context.Background(), nil, m, state, 0)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	var st admin.Status
	waitFor(t, "the stats to show the delivery", func() bool {
		s.api(regency, "GET", status, "", &st)
		return st.Delivered == 3 && st.Sent == 1
	})
	resp, err := fake.PostStatus(context.Background(), nil, msgs[0], "delivered", 0)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	waitFor(t, "every message delivered", func() bool {
		s.api(regency, "GET", status, "", &st)
		return st.Delivered == 4 && st.Queued == 0 && st.Sent == 0
	})
	if out := p.ok("", "announce", "status", fmt.Sprint(sent.ID)); !strings.Contains(out, "sent 0, delivered 4") || !strings.Contains(out, "2 recipients, 4 messages") {
		t.Errorf("announce status:\n%s", out)
	}
	if code := s.api(national, "GET", status, "", &st); code != 200 || st.Delivered != 4 {
		t.Errorf("the national admin reads the regency's announcement: HTTP %d %+v", code, st)
	}

	// A revoked token stops working at once.
	p.ok("", "admin", "revoke", "2")
	if code := s.api(regency, "GET", status, "", nil); code != http.StatusUnauthorized {
		t.Errorf("revoked token: HTTP %d", code)
	}
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func TestAdminTestZoneAlwaysDecides(t *testing.T) {
	for m := 0; m < 24*60; m++ {
		province, night := zoneNow(time.Date(2025, 3, 10, 0, m, 0, 0, time.UTC))
		if province == "" {
			t.Fatalf("%02d:%02d UTC: no zone (night %v)", m/60, m%60, night)
		}
	}
}
