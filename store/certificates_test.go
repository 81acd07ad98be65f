package store_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/certificate"
	"github.com/pamong-desa/pamong/internal/learnertest"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/store"
)

func passCourse(t testing.TB, db *store.DB, course *lessons.Course, phone string, wrongPost int) store.Handled {
	t.Helper()
	return learnertest.PassCourse(t, db, course, bot.WhatsApp, phone, wrongPost)
}

var codeInText = learnertest.CodeInText

func TestCertificateIssuedWithThePassAndKeptOnRetake(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	db.SetCertificates(store.CertificateSettings{Issuer: "Dinas PMD Provinsi Jawa Barat", PublicURL: "https://pamong.example.id"})
	seedRegions(t, db)
	course := testCourse(t)
	const phone = "+6281200000011"
	register(t, db, course, phone)
	h := passCourse(t, db, course, phone, 1)

	var text strings.Builder
	for _, r := range h.Replies {
		text.WriteString(r.Text + "\n")
	}
	printed := codeInText.FindString(text.String())
	if printed == "" || !strings.Contains(text.String(), "https://pamong.example.id/v/"+printed) {
		t.Fatalf("the pass did not bring a code and link:\n%s", text.String())
	}
	code, err := certificate.Parse(printed)
	if err != nil {
		t.Fatalf("code %q: %v", printed, err)
	}
	c, err := db.CertificateByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	wantScore := 100 * (len(course.Posttest) - 1) / len(course.Posttest)
	if c.HolderName != "Siti Aminah" || c.HolderRole != "Kaur Keuangan" || c.VillageLabel() != "Desa Cileunyi Kulon" ||
		c.District != "Cileunyi" || c.Regency != "Kabupaten Bandung" || c.CourseTitle != course.Title ||
		c.PosttestScore != wantScore || c.PretestScore == nil || *c.PretestScore != 100 ||
		c.Issuer != "Dinas PMD Provinsi Jawa Barat" || c.CourseVersion != store.CourseVersion(course) || c.Revoked() {
		t.Errorf("certificate: %+v", c)
	}

	// The retake does better: the same certificate, the better score.
	say(t, db, course, phone, "retake", "1")
	var last store.Handled
	for i, q := range course.Posttest {
		last = say(t, db, course, phone, fmt.Sprintf("retake-%d", i), strconv.Itoa(q.Answer))
	}
	if n := count(t, db, "SELECT count(*) FROM certificates"); n != 1 {
		t.Fatalf("%d certificates after the retake; want 1", n)
	}
	if c, err = db.CertificateByCode(ctx, code); err != nil || c.PosttestScore != 100 {
		t.Errorf("after a retake of 100: %+v, %v", c, err)
	}
	for _, r := range last.Replies {
		if codeInText.MatchString(r.Text) {
			t.Errorf("the retake announced a certificate again: %q", r.Text)
		}
	}
	// SERTIFIKAT sends the same code.
	again := say(t, db, course, phone, "sertifikat", "SERTIFIKAT")
	if len(again.Replies) != 1 || !strings.Contains(again.Replies[0].Text, code.String()) {
		t.Errorf("SERTIFIKAT: %+v", again.Replies)
	}
}

// A learner who passed before certificates existed gets one with
// SERTIFIKAT, once.
func TestCertificateForAnEarlierPass(t *testing.T) {
	db := pgtest.New(t)
	seedRegions(t, db)
	course := testCourse(t)
	const phone = "+6281200000013"
	register(t, db, course, phone)
	passCourse(t, db, course, phone, 0)
	if _, err := store.ExecForTest(context.Background(), db, `DELETE FROM certificates`); err != nil {
		t.Fatal(err)
	}
	first := say(t, db, course, phone, "s1", "SERTIFIKAT")
	second := say(t, db, course, phone, "s2", "SERTIFIKAT")
	a, b := codeInText.FindString(first.Replies[0].Text), codeInText.FindString(second.Replies[0].Text)
	if a == "" || a != b || count(t, db, "SELECT count(*) FROM certificates") != 1 {
		t.Errorf("SERTIFIKAT after an earlier pass: %q then %q", first.Replies[0].Text, second.Replies[0].Text)
	}
	if !strings.Contains(first.Replies[0].Text, "Selamat") || strings.Contains(second.Replies[0].Text, "Selamat") {
		t.Errorf("the first answer announces the new certificate, the second only sends it: %q, %q", first.Replies[0].Text, second.Replies[0].Text)
	}
}

// CEK from a phone that never registered answers with the holder, and a
// phone that keeps failing is refused before it can harvest codes.
func TestCheckBySMS(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	seedRegions(t, db)
	course := testCourse(t)
	register(t, db, course, "+6281200000012")
	h := passCourse(t, db, course, "+6281200000012", 0)
	code, err := certificate.Parse(codeInText.FindString(h.Replies[len(h.Replies)-1].Text))
	if err != nil {
		t.Fatal(err)
	}
	check := func(phone, id, text string) string {
		t.Helper()
		h, err := db.HandleInbound(ctx, store.Inbound{Channel: bot.SMS, Provider: "twilio", ProviderID: id, Phone: phone, Text: text}, course)
		if err != nil || len(h.Replies) != 1 {
			t.Fatalf("%s: %+v %v", text, h, err)
		}
		if n, enc := h.Replies[0].Segments, h.Replies[0].Encoding; n != 1 || enc != "GSM-7" {
			t.Errorf("%s: answer of %d %s segments", text, n, enc)
		}
		return h.Replies[0].Text
	}
	const clerk = "+6281299999999"
	if got := check(clerk, "c1", "cek "+strings.ToLower(string(code))); !strings.Contains(got, "SAH: Siti Aminah, Desa Cileunyi Kulon") {
		t.Errorf("CEK by a stranger: %q", got)
	}
	typo := []byte(code.String())
	typo[5] = map[bool]byte{true: '2', false: '3'}[typo[5] != '2']
	if got := check(clerk, "c2", "CEK "+string(typo)); !strings.Contains(got, "salah ketik") {
		t.Errorf("CEK of a mistyped code: %q", got)
	}
	if strings.Contains(check(clerk, "c3", "CEK "+code.String()), "+62") {
		t.Error("the answer shows a phone number")
	}
	if n := count(t, db, "SELECT count(*) FROM learners WHERE phone = $1 AND registered_at IS NULL", clerk); n != 1 {
		t.Errorf("the clerk's row: %d", n)
	}
	for i := 0; i < store.LookupLimit; i++ {
		other, _ := certificate.New()
		check(clerk, fmt.Sprintf("guess-%d", i), "CEK "+other.String())
	}
	if got := check(clerk, "after", "CEK "+code.String()); !strings.Contains(got, "Terlalu banyak") {
		t.Errorf("after %d failed look-ups: %q", store.LookupLimit+1, got)
	}
	if n := count(t, db, "SELECT count(*) FROM certificate_lookups WHERE channel = 'sms' AND requester = $1", clerk); n != store.LookupLimit+4 {
		t.Errorf("%d look-ups logged; want %d", n, store.LookupLimit+4)
	}
	// Another phone is not held back by the clerk's failures.
	if got := check("+6281288888888", "d1", "CEK "+code.String()); !strings.Contains(got, "SAH") {
		t.Errorf("CEK from another phone: %q", got)
	}
}

func TestWebLookUp(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	for _, tc := range []struct {
		query string
		want  bot.CheckStatus
	}{
		{"PMG-674Q-U9ME-527W", bot.CheckNotFound},
		{"PMG-674Q-U9ME-572W", bot.CheckTypo},
		{strings.Repeat("<script>", 1000), bot.CheckMalformed},
	} {
		lk, err := db.LookUpCertificate(ctx, "192.0.2.1", tc.query)
		if err != nil || lk.Status != tc.want || len(lk.Query) > 64 {
			t.Errorf("%.20q: %+v, %v; want status %d", tc.query, lk, err, tc.want)
		}
	}
	if _, err := db.CertificateByCode(ctx, "674QU9ME527W"); !errors.Is(err, store.ErrCertificateNotFound) {
		t.Errorf("unknown code: %v", err)
	}
}
