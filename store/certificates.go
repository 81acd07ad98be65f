package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/certificate"
	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/region"
)

// CertificateSettings is what the store writes on the certificates it
// issues and the links it gives out.
type CertificateSettings struct {
	// Issuer is printed on new certificates (PAMONG_ISSUER).
	Issuer string
	// PublicURL is the base of verification links (PAMONG_PUBLIC_URL).
	PublicURL string
}

// SetCertificates sets the issuer and the verification links' base.
func (d *DB) SetCertificates(s CertificateSettings) { d.certs = s }

func (d *DB) issuer() string {
	if d.certs.Issuer == "" {
		return certificate.DefaultIssuer
	}
	return d.certs.Issuer
}

// VerifyURL is a certificate's public verification page.
func (d *DB) VerifyURL(c certificate.Code) string { return d.certs.PublicURL + "/v/" + c.String() }

// Certificate is an issued certificate with the names of its holder's
// regions.
type Certificate struct {
	ID            int64            `db:"id"`
	Code          certificate.Code `db:"code"`
	LearnerID     int64            `db:"learner_id"`
	CourseID      string           `db:"course_id"`
	CourseVersion string           `db:"course_version"`
	CourseTitle   string           `db:"course_title"`
	HolderName    string           `db:"holder_name"`
	HolderRole    string           `db:"holder_role"`
	VillageCode   string           `db:"village_code"`
	// The names of the holder's regions; "" when the regions are not
	// imported.
	Province string `db:"province"`
	Regency  string `db:"regency"`
	District string `db:"district"`
	Village  string `db:"village"`
	// PretestScore is nil for a course without a pretest.
	PretestScore  *int       `db:"pretest_score"`
	PosttestScore int        `db:"posttest_score"`
	Issuer        string     `db:"issuer"`
	IssuedAt      time.Time  `db:"issued_at"`
	RevokedAt     *time.Time `db:"revoked_at"`
	RevokedReason string     `db:"revoked_reason"`
	RevokedBy     string     `db:"revoked_by"`
}

// Revoked tells whether the certificate no longer holds.
func (c Certificate) Revoked() bool { return c.RevokedAt != nil }

// VillageLabel names the holder's village as people say it ("Desa
// Cileunyi Kulon"), or gives its code when regions are not imported.
func (c Certificate) VillageLabel() string {
	switch {
	case c.Village != "" && region.Code(c.VillageCode).IsKelurahan():
		return "Kelurahan " + c.Village
	case c.Village != "":
		return "Desa " + c.Village
	}
	return c.VillageCode
}

// certificateColumns reads a certificate with its region names.
const certificateColumns = `
SELECT c.id, c.code, c.learner_id, c.course_id, c.course_version, c.course_title, c.holder_name, c.holder_role,
       coalesce(c.village_code, '') AS village_code,
       coalesce(p.name, '') AS province, coalesce(r.name, '') AS regency,
       coalesce(k.name, '') AS district, coalesce(v.name, '') AS village,
       c.pretest_score, c.posttest_score, c.issuer, c.issued_at, c.revoked_at, c.revoked_reason, c.revoked_by
FROM certificates c
LEFT JOIN regions p ON p.code = left(c.village_code, 2)
LEFT JOIN regions r ON r.code = left(c.village_code, 5)
LEFT JOIN regions k ON k.code = left(c.village_code, 8)
LEFT JOIN regions v ON v.code = c.village_code`

const (
	selectCertificateByCode    = certificateColumns + ` WHERE c.code = $1`
	selectCertificateOfLearner = certificateColumns + ` WHERE c.learner_id = $1 AND c.course_id = $2`
	// A second pass (a retake after revocation, two messages racing) keeps
	// the first certificate: one per learner and course.
	insertCertificate = `
INSERT INTO certificates (code, learner_id, course_id, course_version, course_title, holder_name, holder_role,
                          village_code, pretest_score, posttest_score, issuer, issued_at, updated_at)
SELECT $1, l.id, $3, $4, $5, l.name, l.role, l.village_code, e.pretest_score, coalesce(e.posttest_score, 0), $6, $7, $7
FROM learners l JOIN enrolments e ON e.learner_id = l.id AND e.course_id = $3
WHERE l.id = $2
ON CONFLICT (learner_id, course_id) DO NOTHING`
	raiseCertificateScore = `
UPDATE certificates SET posttest_score = $3, updated_at = $4
WHERE learner_id = $1 AND course_id = $2 AND posttest_score < $3`
)

// ErrCertificateNotFound is a code no certificate has; it is an
// ErrNotFound.
var ErrCertificateNotFound = fmt.Errorf("certificate %w", ErrNotFound)

// CertificateByCode returns the certificate with this code.
func (d *DB) CertificateByCode(ctx context.Context, code certificate.Code) (Certificate, error) {
	return certificateByCode(ctx, d.db, code)
}

func certificateByCode(ctx context.Context, q sqlx.QueryerContext, code certificate.Code) (Certificate, error) {
	var c Certificate
	err := sqlx.GetContext(ctx, q, &c, selectCertificateByCode, string(code))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("certificate %s: %w", code, ErrCertificateNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("look up certificate %s: %w", code, err)
	}
	return c, nil
}

// certificateInput looks up what the engine needs about certificates for
// one inbound message: the learner's own certificate of the course (or a
// fresh code for the one they would be issued), and the answer to a CEK.
func (d *DB) certificateInput(ctx context.Context, tx *sqlx.Tx, lr learnerRow, course *lessons.Course, in Inbound, now time.Time) (*bot.Certificate, *bot.Check, error) {
	var own *bot.Certificate
	var c Certificate
	err := tx.GetContext(ctx, &c, selectCertificateOfLearner, lr.ID, course.ID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		code, err := certificate.New()
		if err != nil {
			return nil, nil, err
		}
		own = &bot.Certificate{Code: code.String(), URL: d.VerifyURL(code), Name: lr.Name, Course: course.Title, Issued: now, Pending: true}
	case err != nil:
		return nil, nil, fmt.Errorf("look up certificate of learner %d: %w", lr.ID, err)
	default:
		own = d.botCertificate(c)
	}
	arg, ok := bot.ParseCheck(in.Text)
	if !ok {
		return own, nil, nil
	}
	lk, err := d.lookUp(ctx, tx, "sms", in.Phone, arg, now)
	if err != nil {
		return nil, nil, err
	}
	check := &bot.Check{Status: lk.Status, Code: lk.Code.String()}
	if lk.Status == bot.CheckTypo {
		check.Code = lk.Query
	}
	if lk.Certificate != nil {
		check.Certificate = d.botCertificate(*lk.Certificate)
	}
	return own, check, nil
}

func (d *DB) botCertificate(c Certificate) *bot.Certificate {
	b := &bot.Certificate{Code: c.Code.String(), URL: d.VerifyURL(c.Code), Name: c.HolderName, Village: c.VillageLabel(),
		Course: c.CourseTitle, Score: c.PosttestScore, Issued: c.IssuedAt, RevokeReason: c.RevokedReason}
	if c.RevokedAt != nil {
		b.RevokedAt = *c.RevokedAt
	}
	return b
}

// applyCertificates issues the certificate the engine announced, and
// raises the best score of one already issued.
func (d *DB) applyCertificates(ctx context.Context, tx *sqlx.Tx, learnerID int64, course *lessons.Course, own *bot.Certificate, out bot.Output, now time.Time) error {
	for _, e := range out.Events {
		issued, ok := e.(bot.CertificateIssued)
		if !ok {
			continue
		}
		code, err := certificate.Parse(issued.Code)
		if err != nil {
			return fmt.Errorf("issue certificate to learner %d: %w", learnerID, err)
		}
		if _, err := tx.ExecContext(ctx, insertCertificate, string(code), learnerID, issued.CourseID, CourseVersion(course),
			course.Title, d.issuer(), now); err != nil {
			return fmt.Errorf("issue certificate to learner %d: %w", learnerID, err)
		}
	}
	if p := out.State.Progress; own != nil && !own.Pending && p != nil && p.BestPosttest > own.Score {
		if _, err := tx.ExecContext(ctx, raiseCertificateScore, learnerID, p.CourseID, p.BestPosttest, now); err != nil {
			return fmt.Errorf("raise certificate score of learner %d: %w", learnerID, err)
		}
	}
	return nil
}

// CourseVersion is a fingerprint of a course's content: a certificate
// records which content its holder passed.
func CourseVersion(c *lessons.Course) string {
	b, err := json.Marshal(c)
	if err != nil {
		return "unknown"
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}
