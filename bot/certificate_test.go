package bot

import (
	"errors"
	"github.com/pamong-desa/pamong/gsm7"
	"strings"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/certificate"
)

// fakeCertificates stands in for the store in the transcripts: it looks up
// what the engine needs for certificates and keeps what the events issue.
//
//	@ revoke REASON   an admin revokes the learner's certificate
//	@ cek limited     this phone has failed too many look-ups
type fakeCertificates struct {
	issued  *Certificate
	limited bool
}

// transcriptCode is the code the learner's certificate gets.
const transcriptCode = "PMG-674Q-U9ME-527W"

func (f *fakeCertificates) input(st State, text string, now time.Time, course string) (*Certificate, *Check) {
	mine := f.issued
	if mine == nil {
		village := "Desa Cileunyi Kulon"
		mine = &Certificate{Code: transcriptCode, URL: "https://pamong.example.id/v/" + transcriptCode,
			Name: st.Learner.Name, Village: village, Course: course, Issued: now, Pending: true}
		if st.Progress != nil {
			mine.Score = st.Progress.BestPosttest
		}
	}
	arg, ok := ParseCheck(text)
	if !ok {
		return mine, nil
	}
	if f.limited {
		return mine, &Check{Status: CheckLimited}
	}
	code, err := certificate.Parse(arg)
	switch {
	case errors.Is(err, certificate.ErrTypo):
		return mine, &Check{Status: CheckTypo, Code: strings.ToUpper(arg)}
	case err != nil:
		return mine, &Check{Status: CheckMalformed}
	case f.issued == nil || code.String() != f.issued.Code:
		return mine, &Check{Status: CheckNotFound, Code: code.String()}
	}
	return mine, &Check{Status: CheckFound, Code: code.String(), Certificate: f.issued}
}

func (f *fakeCertificates) apply(in Input, out Output) {
	for _, e := range out.Events {
		if _, ok := e.(CertificateIssued); ok && f.issued == nil {
			c := *in.Certificate
			c.Pending = false
			c.Score = out.State.Progress.BestPosttest
			f.issued = &c
		}
	}
	if f.issued != nil && out.State.Progress != nil && out.State.Progress.BestPosttest > f.issued.Score {
		f.issued.Score = out.State.Progress.BestPosttest
	}
}

func (f *fakeCertificates) directive(t *testing.T, cmd []string, now time.Time) {
	switch {
	case cmd[0] == "revoke" && f.issued != nil:
		f.issued.RevokedAt, f.issued.RevokeReason = now, strings.Join(cmd[1:], " ")
	case cmd[0] == "cek" && len(cmd) == 2 && cmd[1] == "limited":
		f.limited = true
	default:
		t.Fatalf("unknown certificate directive %q", cmd)
	}
}

func TestParseCheck(t *testing.T) {
	for _, tc := range []struct {
		in, code string
		ok       bool
	}{
		{"CEK PMG-674Q-U9ME-527W", "PMG-674Q-U9ME-527W", true},
		{" cek: pmg 674q u9me 527w ", "pmg 674q u9me 527w", true},
		{"Cek", "", true},
		{"cekal", "", false},
		{"ceknya", "", false},
		{"halo", "", false},
		{"", "", false},
	} {
		code, ok := ParseCheck(tc.in)
		if code != tc.code || ok != tc.ok {
			t.Errorf("ParseCheck(%q) = %q, %v; want %q, %v", tc.in, code, ok, tc.code, tc.ok)
		}
		if kw := ParseKeyword(tc.in); (kw == KeyCheck) != tc.ok {
			t.Errorf("ParseKeyword(%q) = %q", tc.in, kw)
		}
	}
}

// The answer to CEK is one GSM-7 segment however long the names are.
func TestCheckAnswerIsOneSegment(t *testing.T) {
	long := strings.Repeat("Nama Panjang Sekali ", 5)
	for _, c := range []*Certificate{
		{Code: transcriptCode, Name: "Siti Aminah", Village: "Desa Cileunyi Kulon", Course: "Dasar Pamong", Issued: time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)},
		{Code: transcriptCode, Name: long[:60], Village: "Desa " + long, Course: long, Issued: time.Now()},
		{Code: transcriptCode, Name: "Ñoño Đặng “Ẅ”", Village: "Desa Ŝ", Course: "Kursus ✓", Issued: time.Now(), RevokedAt: time.Now(), RevokeReason: "x"},
	} {
		got := CheckAnswer(c)
		if !oneSegment(gsm7.Transliterate(got)) {
			t.Errorf("CheckAnswer = %q: not one GSM-7 segment", got)
		}
		if !strings.HasPrefix(got, transcriptCode+" ") {
			t.Errorf("CheckAnswer = %q: want the code first", got)
		}
	}
	got := CheckAnswer(&Certificate{Code: transcriptCode, Name: "Siti Aminah", Village: "Desa Cileunyi Kulon", Course: "Dasar Pamong",
		Issued: time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)})
	if want := "PMG-674Q-U9ME-527W SAH: Siti Aminah, Desa Cileunyi Kulon, kursus Dasar Pamong, terbit 30 November 2026"; got != want {
		t.Errorf("CheckAnswer = %q, want %q", got, want)
	}
}

// attachments shows the documents that go with a rendered message, as
// "[document certificate:…]" lines.
func attachments(r Rendered) string {
	var b strings.Builder
	for _, m := range r.Content {
		if m.Attachment != "" {
			b.WriteString("[document " + m.Attachment + "]\n")
		}
	}
	return b.String()
}
