// Package pdf prints a competency certificate: one A4 landscape page in
// Indonesian with the holder, the course, the scores, the issuer, the code
// in full and a QR code of the verification page. It is kept apart from
// package certificate so that the engine, which reads codes, does not
// link a PDF writer.
package pdf

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"time"

	qr "github.com/piglig/go-qr"
	"github.com/signintech/gopdf"

	"github.com/pamong-desa/pamong/certificate"
)

// The Go fonts (Bigelow & Holmes, BSD licence in fonts/LICENSE) cover the
// Latin alphabet with every accent an Indonesian name may carry.
var (
	//go:embed fonts/Go-Regular.ttf
	regularTTF []byte
	//go:embed fonts/Go-Bold.ttf
	boldTTF []byte
	//go:embed fonts/Go-Italic.ttf
	italicTTF []byte
)

// Document is what a certificate says.
type Document struct {
	Code certificate.Code
	// URL is the verification page the QR code points to.
	URL        string
	Name, Role string
	// Place is the holder's village, district, regency and province,
	// written out ("Desa Cileunyi Kulon, Kec. Cileunyi, …").
	Place         string
	Course        string
	CourseVersion string
	// Pretest is nil for a course without one.
	Pretest  *int
	Posttest int
	Issuer   string
	Issued   time.Time
	// RevokedAt is set for a revoked certificate, printed across it.
	RevokedAt    *time.Time
	RevokeReason string
}

// Page geometry, in points: A4 landscape.
const (
	pageW, pageH = 842.0, 595.0
	margin       = 36.0
	textW        = pageW - 2*margin - 60
)

// Render prints the certificate as a PDF.
func Render(d Document) ([]byte, error) {
	p := &gopdf.GoPdf{}
	p.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4Landscape})
	p.SetCompressLevel(9)
	p.SetInfo(gopdf.PdfInfo{Title: "Sertifikat Kompetensi " + d.Code.String(), Subject: d.Course, Author: d.Issuer,
		Creator: "Pamong", CreationDate: d.Issued})
	for name, ttf := range map[string][]byte{"regular": regularTTF, "bold": boldTTF, "italic": italicTTF} {
		if err := p.AddTTFFontData(name, ttf); err != nil {
			return nil, fmt.Errorf("print certificate %s: load font %s: %w", d.Code, name, err)
		}
	}
	p.AddPage()
	w := &writer{p: p}

	// A double frame in the programme's green.
	p.SetStrokeColor(22, 101, 52)
	p.SetLineWidth(3)
	p.RectFromUpperLeftWithStyle(margin/2, margin/2, pageW-margin, pageH-margin, "D")
	p.SetLineWidth(0.8)
	p.RectFromUpperLeftWithStyle(margin/2+7, margin/2+7, pageW-margin-14, pageH-margin-14, "D")

	p.SetTextColor(22, 101, 52)
	w.centred("bold", 30, "SERTIFIKAT KOMPETENSI", 95)
	p.SetTextColor(60, 60, 60)
	w.centred("regular", 13, d.Issuer, 122)
	p.SetTextColor(0, 0, 0)
	w.centred("italic", 14, "diberikan kepada", 165)
	w.centred("bold", 28, d.Name, 203)
	who := d.Role
	if d.Place != "" {
		who = strings.TrimPrefix(who+", "+d.Place, ", ")
	}
	w.centred("regular", 13, who, 230)
	w.centred("italic", 14, "yang telah lulus kursus", 268)
	w.centred("bold", 20, d.Course, 296)
	w.centred("regular", 13, scores(d), 326)
	w.centred("regular", 13, "Diterbitkan pada "+certificate.Date(d.Issued), 346)

	// The QR code of the verification page, bottom left.
	const qrX, qrY, qrSide = margin + 30, 392.0, 140.0
	if err := drawQR(p, d.URL, qrX, qrY, qrSide); err != nil {
		return nil, fmt.Errorf("print certificate %s: %w", d.Code, err)
	}
	w.at("regular", 9, "Pindai untuk memeriksa keaslian", qrX+8, qrY+qrSide+8)

	// The code in full, for those who check by SMS or type the address.
	x := qrX + qrSide + 40
	w.at("regular", 12, "Kode sertifikat", x, 430)
	w.at("bold", 26, d.Code.String(), x, 462)
	w.at("regular", 11, "Periksa di "+d.URL, x, 488)
	w.at("regular", 11, "atau kirim SMS: CEK "+d.Code.String(), x, 506)
	if d.CourseVersion != "" {
		p.SetTextColor(110, 110, 110)
		w.at("regular", 8, "Versi materi "+d.CourseVersion, x, 532)
		p.SetTextColor(0, 0, 0)
	}

	if d.RevokedAt != nil {
		p.SetTextColor(185, 28, 28)
		w.centred("bold", 16, "DICABUT pada "+certificate.Date(*d.RevokedAt)+": "+d.RevokeReason, 380)
	}
	if w.err != nil {
		return nil, fmt.Errorf("print certificate %s: %w", d.Code, w.err)
	}
	var buf bytes.Buffer
	if _, err := p.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("print certificate %s: %w", d.Code, err)
	}
	return buf.Bytes(), nil
}

func scores(d Document) string {
	s := fmt.Sprintf("Nilai post-test %d", d.Posttest)
	if d.Pretest != nil {
		s += fmt.Sprintf(" (pretest %d", *d.Pretest)
		switch gain := d.Posttest - *d.Pretest; {
		case gain > 0:
			s += fmt.Sprintf(", naik %d poin)", gain)
		default:
			s += ")"
		}
	}
	return s
}

// writer places text, keeping the first error.
type writer struct {
	p   *gopdf.GoPdf
	err error
}

// fit sets the font at size, smaller when text is wider than width (down to
// 9 pt), and cuts text that is still too wide.
func (w *writer) fit(font string, size float64, text string, width float64) (string, float64) {
	for ; size > 9; size-- {
		if w.set(font, size) && w.width(text) <= width {
			return text, w.width(text)
		}
	}
	w.set(font, 9)
	r := []rune(text)
	for len(r) > 1 && w.width(string(r)+"…") > width {
		r = r[:len(r)-1]
	}
	if len(r) < len([]rune(text)) {
		text = string(r) + "…"
	}
	return text, w.width(text)
}

func (w *writer) set(font string, size float64) bool {
	if err := w.p.SetFont(font, "", size); err != nil && w.err == nil {
		w.err = err
	}
	return w.err == nil
}

func (w *writer) width(text string) float64 {
	n, err := w.p.MeasureTextWidth(text)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n
}

func (w *writer) centred(font string, size float64, text string, y float64) {
	text, width := w.fit(font, size, text, textW)
	w.p.SetXY((pageW-width)/2, y)
	if err := w.p.Text(text); err != nil && w.err == nil {
		w.err = err
	}
}

func (w *writer) at(font string, size float64, text string, x, y float64) {
	text, _ = w.fit(font, size, text, pageW-margin-x-10)
	w.p.SetXY(x, y)
	if err := w.p.Text(text); err != nil && w.err == nil {
		w.err = err
	}
}

// drawQR draws the QR code of text as filled squares: vector, so it stays
// sharp at any zoom and in any print.
func drawQR(p *gopdf.GoPdf, text string, x, y, side float64) error {
	code, err := qr.EncodeText(text, qr.Medium)
	if err != nil {
		return fmt.Errorf("QR code of %s: %w", text, err)
	}
	const quiet = 4 // modules of white around the symbol
	n := code.Size()
	m := side / float64(n+2*quiet)
	p.SetFillColor(0, 0, 0)
	for row := 0; row < n; row++ {
		// One rectangle per run of dark modules keeps the page small.
		for col := 0; col < n; {
			if !code.Module(col, row) {
				col++
				continue
			}
			start := col
			for col < n && code.Module(col, row) {
				col++
			}
			p.RectFromUpperLeftWithStyle(x+float64(quiet+start)*m, y+float64(quiet+row)*m, float64(col-start)*m, m, "F")
		}
	}
	return nil
}
