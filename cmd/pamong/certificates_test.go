package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/pamong-desa/pamong/gsm7"
	"github.com/pamong-desa/pamong/internal/faketwilio"
	"github.com/pamong-desa/pamong/internal/learnertest"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/whatsapp"
)

// The end-to-end path through the binary: a learner completes the
// course by SMS, the code arrives in one segment with its link, the page
// shows the name, CEK from another phone answers with it; after `pamong
// certificates revoke`, the page, CEK and SERTIFIKAT all say revoked.
func TestCertificateEndToEndBySMS(t *testing.T) {
	p := privateCluster(t)
	fake := faketwilio.New(t, testSID, testToken)
	s := startServe(t, p, "TWILIO_ACCOUNT_SID="+testSID, "TWILIO_AUTH_TOKEN="+testToken, "TWILIO_FROM=+15005550006",
		"TWILIO_API_URL="+fake.URL, "SMS_PROVIDER=twilio", "PAMONG_SMS_RATE=1000", "PAMONG_ISSUER=Dinas PMD Provinsi Jawa Barat")
	course, err := lessons.BundledDefault()
	if err != nil {
		t.Fatal(err)
	}
	const learner, clerk = "+6281299991001", "+6281299991002"
	script := []string{"halo", "Siti Aminah", "3204052001", "1", "3"}
	for _, q := range course.Pretest {
		script = append(script, strconv.Itoa(q.Answer))
	}
	for _, l := range course.Lessons() {
		for _, q := range l.Quiz {
			script = append(script, strconv.Itoa(q.Answer))
		}
		script = append(script, "1")
	}
	for _, q := range course.Posttest {
		script = append(script, strconv.Itoa(q.Answer))
	}
	for _, text := range script {
		if code := s.sms(learner, text); code != http.StatusOK {
			t.Fatalf("inbound %q: HTTP %d", text, code)
		}
	}
	s.settle()
	last := func(to string) string {
		t.Helper()
		var body string
		for _, m := range fake.Messages() {
			if n, enc := gsm7.Segments(m.Body); n != 1 || enc != gsm7.GSM7 {
				t.Errorf("SMS of %d %s segments: %q", n, enc, m.Body)
			}
			if m.To == to {
				body = m.Body
			}
		}
		return body
	}
	got := last(learner)
	code := learnertest.CodeInText.FindString(got)
	if code == "" || !strings.Contains(got, s.base+"/v/"+code) {
		t.Fatalf("the last SMS to the learner has no code and link: %q", got)
	}
	t.Logf("the learner's SMS: %q", got)

	page := func() (int, string) {
		t.Helper()
		resp, err := http.Get(s.base + "/v/" + code)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := page(); status != http.StatusOK || !strings.Contains(body, "Siti Aminah") ||
		!strings.Contains(body, "Dinas PMD Provinsi Jawa Barat") || !strings.Contains(body, "SAH") {
		t.Fatalf("GET /v/%s: %d\n%s", code, status, body)
	}
	s.sms(clerk, "cek "+strings.ToLower(code))
	s.settle()
	if got := last(clerk); !strings.Contains(got, code+" SAH: Siti Aminah, Desa Cileunyi Kulon") {
		t.Fatalf("CEK from another phone: %q", got)
	}

	out := p.ok("", "certificates", "revoke", code, "--reason", "Ujian dikerjakan orang lain")
	if !strings.Contains(out, code+" (Siti Aminah) revoked") {
		t.Fatalf("revoke printed %q", out)
	}
	if status, body := page(); status != http.StatusOK || !strings.Contains(body, "DICABUT") || !strings.Contains(body, "Ujian dikerjakan orang lain") {
		t.Errorf("the page after revoke: %d\n%s", status, body)
	}
	s.sms(clerk, "CEK "+code)
	s.settle()
	if got := last(clerk); !strings.Contains(got, code+" DICABUT") {
		t.Errorf("CEK after revoke: %q", got)
	}
	s.sms(learner, "SERTIFIKAT")
	s.settle()
	if got := last(learner); !strings.Contains(got, "DICABUT") || !strings.Contains(got, "Ujian dikerjakan orang lain") {
		t.Errorf("SERTIFIKAT after revoke: %q", got)
	}
	if list := p.ok("", "certificates", "list", "--region", "32.04"); !strings.Contains(list, code) || !strings.Contains(list, "revoked") {
		t.Errorf("certificates list:\n%s", list)
	}
	if csv := p.ok("", "certificates", "list", "--csv", "--status", "revoked"); !strings.Contains(csv, code+",revoked,Siti Aminah") {
		t.Errorf("certificates list --csv:\n%s", csv)
	}
	if r := p.run("", "certificates", "revoke", code); r.code == 0 || !strings.Contains(r.stderr, "--reason") {
		t.Errorf("revoke without a reason: exit %d\n%s", r.code, r.stderr)
	}
}

func TestIssuerConfig(t *testing.T) {
	for _, tc := range []struct {
		value, want, err string
	}{
		{"", "Program Pelatihan Aparatur Desa Pamong", ""},
		{"  Dinas PMD   Provinsi Nusa Tenggara Barat ", "Dinas PMD Provinsi Nusa Tenggara Barat", ""},
		{strings.Repeat("Dinas ", 30), "", "is 179 characters: want the issuing body's name"},
	} {
		cfg, err := LoadConfig(func(k string) string {
			if k == "PAMONG_ISSUER" {
				return tc.value
			}
			return ""
		}, needAll)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("PAMONG_ISSUER=%.20q: err %v, want %q", tc.value, err, tc.err)
		case tc.err == "" && (err != nil || cfg.Issuer != tc.want):
			t.Errorf("PAMONG_ISSUER=%.20q: %q, %v; want %q", tc.value, cfg.Issuer, err, tc.want)
		}
	}
	if got := certificateSettings(Config{Addr: ":8080"}).PublicURL; got != "http://localhost:8080" {
		t.Errorf("links without PAMONG_PUBLIC_URL: %q", got)
	}
}

func TestCertificateDocuments(t *testing.T) {
	db := pgtest.New(t)
	docs := certificateDocuments(db, slog.New(slog.DiscardHandler))
	for _, name := range []string{"certificate:674QU9ME527W", "certificate:nonsense", "photo:1"} {
		if _, _, _, err := docs(context.Background(), name); !errors.Is(err, whatsapp.ErrNoDocument) {
			t.Errorf("%s: %v, want ErrNoDocument", name, err)
		}
	}
}
