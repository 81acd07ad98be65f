package bot

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/pamong-desa/pamong/certificate"
	"github.com/pamong-desa/pamong/gsm7"
)

// The certificate keywords: SERTIFIKAT sends one's own certificate again;
// CEK <code> checks anyone's, and works for anyone who writes, registered
// or not.
const (
	KeyCertificate Keyword = "SERTIFIKAT"
	KeyCheck       Keyword = "CEK"
)

// Certificate is what the engine tells about a competency certificate. The
// store looks it up (the engine does no I/O) and passes it in Input.
type Certificate struct {
	// Code is the printed code, "PMG-674Q-U9ME-527W"; URL its public
	// verification page.
	Code, URL string
	Name      string
	// Village is "Desa Cileunyi Kulon" (or the village code when the
	// regions are not imported).
	Village string
	Course  string
	Score   int
	Issued  time.Time
	// RevokedAt is set when an admin revoked the certificate, with why.
	RevokedAt    time.Time
	RevokeReason string
	// Pending is a certificate not issued yet: the code the learner's
	// certificate will have if this step issues it.
	Pending bool
}

// Revoked tells whether the certificate no longer holds.
func (c *Certificate) Revoked() bool { return !c.RevokedAt.IsZero() }

// CheckStatus is the outcome of looking up the code after CEK.
type CheckStatus int

// The outcomes of a CEK look-up.
const (
	CheckFound CheckStatus = iota
	CheckNotFound
	// CheckTypo is a code whose check character does not match.
	CheckTypo
	// CheckMalformed is text that is not a code at all.
	CheckMalformed
	// CheckLimited is a phone that failed too many look-ups lately.
	CheckLimited
)

// Check is the store's answer to "CEK <code>".
type Check struct {
	Status CheckStatus
	// Code is the code as read, printed form; "" when it could not be read.
	Code string
	// Certificate is set with CheckFound.
	Certificate *Certificate
}

// CertificateIssued tells the store to issue the pending certificate under
// its code: the learner has just been told it.
type CertificateIssued struct {
	CourseID, Code string
}

func (CertificateIssued) event() {}

// ParseCheck reads "CEK <code>" in any case ("cek pmg-7k3q…", "CEK:
// PMG…") and returns the code part; ok is false for other text.
func ParseCheck(text string) (code string, ok bool) {
	t := strings.TrimSpace(text)
	if len(t) < 3 || !strings.EqualFold(t[:3], "CEK") {
		return "", false
	}
	rest := t[3:]
	if rest != "" {
		// "CEKAL" is a word, not a check.
		if r := rune(rest[0]); !unicode.IsSpace(r) && r != ':' && r != '.' && r != ',' {
			return "", false
		}
	}
	return strings.TrimSpace(strings.TrimLeft(rest, ":., \t")), true
}

// PDFAttachment is how a message names the certificate PDF that goes with
// it on WhatsApp: "certificate:" and the compact code.
func PDFAttachment(code string) string { return "certificate:" + code }

// issueCertificate tells a learner who has just passed about their new
// certificate, and asks the store to issue it.
func (t *turn) issueCertificate() {
	c := t.in.Certificate
	if c == nil || !c.Pending {
		return
	}
	for _, e := range t.events {
		if done, ok := e.(CourseCompleted); ok {
			t.emit(CertificateIssued{CourseID: done.CourseID, Code: c.Code})
			t.say(t.certificateMessage(c, true))
			return
		}
	}
}

func keyCertificate(t *turn) {
	p, c := t.st.Progress, t.in.Certificate
	switch {
	case !t.st.Learner.Registered:
		t.text(msgRegisterFirst)
		t.resume()
	case c != nil && !c.Pending:
		t.say(t.certificateMessage(c, false))
	case c != nil && p != nil && p.Passed:
		// Passed before certificates were issued: issue it now.
		t.emit(CertificateIssued{CourseID: p.CourseID, Code: c.Code})
		t.say(t.certificateMessage(c, true))
	default:
		t.text(fmt.Sprintf("Sertifikat diberikan setelah Anda lulus post-test (nilai minimal %d). Posisi Anda: %s.",
			t.course.PassMark, t.where()))
	}
}

// certificateMessage tells a learner their certificate: on WhatsApp with
// the PDF attached, on SMS in one segment.
func (t *turn) certificateMessage(c *Certificate, issued bool) Message {
	if c.Revoked() {
		s := fmt.Sprintf("Sertifikat %s telah DICABUT pada %s. Alasan: %s", c.Code, Date(c.RevokedAt), c.RevokeReason)
		return Message{Kind: KindText, Text: s, SMS: fitSMS(s)}
	}
	intro := fmt.Sprintf("Sertifikat kompetensi %s atas nama %s.", c.Course, c.Name)
	if issued {
		intro = fmt.Sprintf("Selamat, %s! Sertifikat kompetensi Anda sudah terbit: %s.", c.Name, c.Course)
	}
	m := Message{Kind: KindText, Title: "Sertifikat Kompetensi", SMSTitle: "Sertifikat Anda",
		Text: fmt.Sprintf("%s\nKode: %s\nSiapa pun dapat memeriksanya di %s atau lewat SMS: CEK %s", intro, c.Code, c.URL, c.Code),
		SMS:  fmt.Sprintf("%s. Cek: %s", c.Code, c.URL),
	}
	if issued {
		m.SMSTitle = "Selamat! Sertifikat Anda"
	}
	if t.replyChannel() == WhatsApp {
		m.Text += "\nBerkas PDF sertifikat terlampir."
		m.Attachment = PDFAttachment(strings.NewReplacer("PMG", "", "-", "").Replace(c.Code))
	}
	return m
}

// replyChannel is where this turn's replies go (as Step decides at the end).
func (t *turn) replyChannel() Channel {
	if t.in.Channel == SMS {
		return SMS
	}
	if t.st.Learner.Channel == "" {
		return t.in.Channel
	}
	return t.st.Learner.Channel
}

func keyCheck(t *turn) {
	ck := t.in.Check
	if ck == nil {
		// The caller did not look the code up (it cannot happen with the
		// store): say so rather than claim the certificate is unknown.
		t.text("Maaf, pengecekan sertifikat sedang tidak tersedia. Coba lagi nanti.")
		return
	}
	switch ck.Status {
	case CheckFound:
		t.say(Message{Kind: KindText, Text: CheckAnswer(ck.Certificate)})
	case CheckNotFound:
		t.text(fmt.Sprintf("Sertifikat %s tidak ditemukan. Periksa lagi kodenya.", ck.Code))
	case CheckTypo:
		t.text(fmt.Sprintf("Kode %s salah ketik: ada huruf atau angka yang keliru. Periksa lagi kodenya.", ck.Code))
	case CheckLimited:
		t.text("Terlalu banyak pengecekan yang gagal dari nomor ini. Silakan coba lagi 1 jam lagi.")
	default:
		t.text("Kode sertifikat tidak terbaca. Kirim CEK lalu kodenya, contoh: CEK PMG-674Q-U9ME-527W. Huruf O, I, L dan angka 0, 1 tidak dipakai.")
	}
}

// CheckAnswer is the one-segment answer to CEK: who, where, what, when,
// and whether it holds. It says no more than the public page.
func CheckAnswer(c *Certificate) string {
	status := "SAH"
	if c.Revoked() {
		status = "DICABUT " + Date(c.RevokedAt)
	}
	name, village, course := c.Name, c.Village, c.Course
	build := func() string {
		return fmt.Sprintf("%s %s: %s, %s, kursus %s, terbit %s", c.Code, status, name, village, course, Date(c.Issued))
	}
	// Cut the longest of the free texts until the answer is one segment.
	for i := 0; i < 200 && !oneSegment(gsm7.Transliterate(build())); i++ {
		switch p := longest(&name, &village, &course); {
		case len([]rune(*p)) > 8:
			*p = string([]rune(*p)[:len([]rune(*p))-2]) + "."
		default:
			return gsm7.Split(build())[0]
		}
	}
	return build()
}

func longest(ps ...*string) *string {
	best := ps[0]
	for _, p := range ps[1:] {
		if len([]rune(*p)) > len([]rune(*best)) {
			best = p
		}
	}
	return best
}

// fitSMS keeps a text to one segment, cutting its end.
func fitSMS(s string) string {
	if oneSegment(gsm7.Transliterate(s)) {
		return s
	}
	r := []rune(gsm7.Transliterate(s))
	for len(r) > 0 && !oneSegment(string(r)+"...") {
		r = r[:len(r)-1]
	}
	return string(r) + "..."
}

// Date writes a day the Indonesian way, "30 November 2026", as the page
// and the PDF do.
func Date(t time.Time) string { return certificate.Date(t) }
