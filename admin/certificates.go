package admin

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pamong-desa/pamong/certificate"
	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

// CertificateStore is what admins need of the database for certificates.
type CertificateStore interface {
	Certificates(ctx context.Context, f store.CertificateFilter) ([]store.Certificate, int, error)
	CertificatesAfter(ctx context.Context, f store.CertificateFilter, issuedAt *time.Time, id int64, limit int) ([]store.Certificate, error)
	RevokeCertificate(ctx context.Context, scope region.Code, code certificate.Code, reason, by string) (store.Certificate, error)
	VerifyURL(code certificate.Code) string
}

// CertificateRow is a certificate as admins see it in lists and exports.
// It carries no phone number: the certificate's public facts, plus who
// revoked it.
type CertificateRow struct {
	Code          string `json:"code"`
	Status        string `json:"status"` // valid | revoked
	Name          string `json:"name"`
	Role          string `json:"role"`
	VillageCode   string `json:"village_code"`
	Village       string `json:"village"`
	District      string `json:"district"`
	Regency       string `json:"regency"`
	Province      string `json:"province"`
	CourseID      string `json:"course_id"`
	Course        string `json:"course"`
	CourseVersion string `json:"course_version"`
	PretestScore  *int   `json:"pretest_score"`
	PosttestScore int    `json:"posttest_score"`
	Issuer        string `json:"issuer"`
	IssuedOn      string `json:"issued_on"`
	RevokedOn     string `json:"revoked_on,omitempty"`
	RevokedReason string `json:"revoked_reason,omitempty"`
	RevokedBy     string `json:"revoked_by,omitempty"`
	URL           string `json:"url"`
}

func certificateRow(cs CertificateStore, c store.Certificate) CertificateRow {
	r := CertificateRow{Code: c.Code.String(), Status: "valid", Name: c.HolderName, Role: c.HolderRole,
		VillageCode: c.VillageCode, Village: c.VillageLabel(), District: c.District, Regency: c.Regency, Province: c.Province,
		CourseID: c.CourseID, Course: c.CourseTitle, CourseVersion: c.CourseVersion, PretestScore: c.PretestScore,
		PosttestScore: c.PosttestScore, Issuer: c.Issuer, IssuedOn: certificate.Day(c.IssuedAt), URL: cs.VerifyURL(c.Code)}
	if c.RevokedAt != nil {
		r.Status, r.RevokedOn, r.RevokedReason, r.RevokedBy = "revoked", certificate.Day(*c.RevokedAt), c.RevokedReason, c.RevokedBy
	}
	return r
}

// certs is the certificate side of the store. The database behind every
// door has it; it is asked for here rather than in Store so that fakes of
// Store need not grow.
func (s *Service) certs() (CertificateStore, error) {
	cs, ok := s.Store.(CertificateStore)
	if !ok {
		return nil, fmt.Errorf("certificates: %T keeps no certificates", s.Store)
	}
	return cs, nil
}

// CertificateList is one page of certificates.
type CertificateList struct {
	Certificates []CertificateRow `json:"certificates"`
	Total        int              `json:"total"`
	Limit        int              `json:"limit"`
	Offset       int              `json:"offset"`
}

// Certificates lists the certificates inside who's region, narrowed to
// regions and to a status (valid, revoked or "" for both), newest first.
// limit 0 is MaxPage; export (no limit at all) is ExportCertificates.
func (s *Service) Certificates(ctx context.Context, who store.Admin, regions []string, status string, limit, offset int) (CertificateList, error) {
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	cs, err := s.certs()
	if err != nil {
		return CertificateList{}, err
	}
	f, err := s.certificateFilter(ctx, who, regions, status)
	if err != nil {
		return CertificateList{}, err
	}
	f.Limit, f.Offset = limit, max(offset, 0)
	rows, total, err := cs.Certificates(ctx, f)
	if err != nil {
		return CertificateList{}, err
	}
	list := CertificateList{Certificates: make([]CertificateRow, len(rows)), Total: total, Limit: f.Limit, Offset: f.Offset}
	for i, c := range rows {
		list.Certificates[i] = certificateRow(cs, c)
	}
	return list, nil
}

func (s *Service) certificateFilter(ctx context.Context, who store.Admin, regions []string, status string) (store.CertificateFilter, error) {
	a, _, err := s.audience(ctx, who, Filter{Regions: regions})
	if err != nil {
		return store.CertificateFilter{}, err
	}
	switch status {
	case "", "valid", "revoked":
	default:
		return store.CertificateFilter{}, invalid("status %q: want valid or revoked", status)
	}
	return store.CertificateFilter{Scope: who.Scope, Regions: a.Regions, Status: status}, nil
}

// certificateCSVHeader names the export's columns.
var certificateCSVHeader = []string{"code", "status", "name", "role", "village_code", "village", "district", "regency", "province",
	"course_id", "course", "course_version", "pretest_score", "posttest_score", "issuer", "issued_on",
	"revoked_on", "revoked_reason", "revoked_by", "url"}

// ExportCertificates writes every certificate the filter selects as CSV,
// a page at a time, and returns how many it wrote.
func (s *Service) ExportCertificates(ctx context.Context, who store.Admin, regions []string, status string, w io.Writer) (int, error) {
	cs, err := s.certs()
	if err != nil {
		return 0, err
	}
	f, err := s.certificateFilter(ctx, who, regions, status)
	if err != nil {
		return 0, err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(certificateCSVHeader); err != nil {
		return 0, fmt.Errorf("export certificates: %w", err)
	}
	n := 0
	// Keyset pages: each starts after the last row of the one before, so
	// the export costs the same per row to the end, and nothing is counted.
	var afterAt *time.Time
	var afterID int64
	for {
		rows, err := cs.CertificatesAfter(ctx, f, afterAt, afterID, MaxPage)
		if err != nil {
			return n, err
		}
		if len(rows) > 0 {
			last := rows[len(rows)-1]
			afterAt, afterID = &last.IssuedAt, last.ID
		}
		for _, c := range rows {
			r := certificateRow(cs, c)
			pre := ""
			if r.PretestScore != nil {
				pre = strconv.Itoa(*r.PretestScore)
			}
			rec := []string{r.Code, r.Status, r.Name, r.Role, r.VillageCode, r.Village, r.District, r.Regency, r.Province,
				r.CourseID, r.Course, r.CourseVersion, pre, strconv.Itoa(r.PosttestScore), r.Issuer, r.IssuedOn,
				r.RevokedOn, r.RevokedReason, r.RevokedBy, r.URL}
			for i := range rec {
				rec[i] = spreadsheetSafe(rec[i])
			}
			if err := cw.Write(rec); err != nil {
				return n, fmt.Errorf("export certificates: %w", err)
			}
			n++
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return n, fmt.Errorf("export certificates: %w", err)
		}
		if len(rows) < MaxPage {
			return n, nil
		}
	}
}

// spreadsheetSafe keeps a cell from being read as a formula by Excel: a
// name a learner typed could start with "=".
func spreadsheetSafe(s string) string {
	if r, _ := utf8.DecodeRuneInString(s); strings.ContainsRune("=+-@\t\r", r) && s != "" {
		return "'" + s
	}
	return s
}

// MaxReason bounds a revocation's reason: it is shown on the page and in
// one SMS.
const MaxReason = 200

// RevokeCertificate revokes a certificate inside who's region, with why.
func (s *Service) RevokeCertificate(ctx context.Context, who store.Admin, code, reason string) (CertificateRow, error) {
	cs, err := s.certs()
	if err != nil {
		return CertificateRow{}, err
	}
	c, err := certificate.Parse(code)
	if err != nil {
		return CertificateRow{}, invalid("code %q: %v", truncate(code, 40), err)
	}
	reason = strings.Join(strings.Fields(reason), " ")
	switch {
	case reason == "":
		return CertificateRow{}, invalid("give the reason for revoking %s", c)
	case utf8.RuneCountInString(reason) > MaxReason:
		return CertificateRow{}, invalid("the reason is longer than %d characters", MaxReason)
	}
	by := who.Name
	if who.ID != 0 {
		by = fmt.Sprintf("%s (admin %d)", who.Name, who.ID)
	}
	cert, err := cs.RevokeCertificate(ctx, who.Scope, c, reason, by)
	if errors.Is(err, store.ErrAlreadyRevoked) {
		return certificateRow(cs, cert), invalid("%v", err)
	}
	if err != nil {
		return CertificateRow{}, fromStore(err)
	}
	return certificateRow(cs, cert), nil
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
