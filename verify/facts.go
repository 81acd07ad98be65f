package verify

import (
	"strings"

	"github.com/pamong-desa/pamong/certificate"
	"github.com/pamong-desa/pamong/certificate/pdf"
	"github.com/pamong-desa/pamong/store"
)

// Facts is what a certificate says, for the page and for machines: the
// same facts on every door, and never the holder's phone number.
type Facts struct {
	Code   string `json:"code"`
	Status string `json:"status"` // "valid" or "revoked"
	URL    string `json:"url"`

	Name     string `json:"name"`
	Role     string `json:"role"`
	Village  string `json:"village"`
	District string `json:"district"`
	Regency  string `json:"regency"`
	Province string `json:"province"`

	CourseID      string `json:"course_id"`
	Course        string `json:"course"`
	CourseVersion string `json:"course_version"`
	HasPretest    bool   `json:"-"`
	Pretest       *int   `json:"pretest_score"`
	Posttest      int    `json:"posttest_score"`
	Gain          int    `json:"gain"`

	Issuer string `json:"issuer"`
	// Dates are ISO (2026-11-30) for machines, Indonesian for the page.
	IssuedOn      string `json:"issued_on"`
	IssuedText    string `json:"-"`
	Revoked       bool   `json:"-"`
	RevokedOn     string `json:"revoked_on,omitempty"`
	RevokedText   string `json:"-"`
	RevokedReason string `json:"revoked_reason,omitempty"`

	PDFPath  string `json:"pdf_url"`
	JSONPath string `json:"-"`
}

func (h *Handler) facts(c store.Certificate) *Facts {
	f := &Facts{Code: c.Code.String(), Status: "valid", URL: h.Store.VerifyURL(c.Code),
		Name: c.HolderName, Role: c.HolderRole, Village: c.VillageLabel(), District: c.District,
		Regency: c.Regency, Province: c.Province, CourseID: c.CourseID, Course: c.CourseTitle,
		CourseVersion: c.CourseVersion, Pretest: c.PretestScore, HasPretest: c.PretestScore != nil,
		Posttest: c.PosttestScore, Issuer: c.Issuer, IssuedOn: certificate.Day(c.IssuedAt), IssuedText: certificate.Date(c.IssuedAt),
		PDFPath: "/v/" + c.Code.String() + ".pdf", JSONPath: "/v/" + c.Code.String() + ".json"}
	if c.PretestScore != nil {
		f.Gain = c.PosttestScore - *c.PretestScore
	}
	if c.RevokedAt != nil {
		f.Status, f.Revoked, f.RevokedReason = "revoked", true, c.RevokedReason
		f.RevokedOn, f.RevokedText = certificate.Day(*c.RevokedAt), certificate.Date(*c.RevokedAt)
	}
	return f
}

// Document is a certificate as the PDF prints it.
func Document(c store.Certificate, url string) pdf.Document {
	var place []string
	if v := c.VillageLabel(); v != "" {
		place = append(place, v)
	}
	if c.District != "" {
		place = append(place, "Kec. "+c.District)
	}
	for _, s := range []string{c.Regency, c.Province} {
		if s != "" {
			place = append(place, s)
		}
	}
	return pdf.Document{Code: c.Code, URL: url, Name: c.HolderName, Role: c.HolderRole, Place: strings.Join(place, ", "),
		Course: c.CourseTitle, CourseVersion: c.CourseVersion, Pretest: c.PretestScore, Posttest: c.PosttestScore,
		Issuer: c.Issuer, Issued: c.IssuedAt, RevokedAt: c.RevokedAt, RevokeReason: c.RevokedReason}
}
