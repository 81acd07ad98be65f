// Package admin is what the programme's admins do: load their officials
// from a spreadsheet, compose announcements to a part of them, preview the
// reach and SMS cost, send, watch the delivery and cancel. Every action
// runs inside the admin's region scope. The CLI (cmd/pamong), the JSON API
// (Handler) and the later web dashboard all call this package; the store
// does the SQL.
//
// Scope rules, the same everywhere: reading a list is silently narrowed to
// the admin's region; an explicit attempt to reach outside it (a target
// region, an imported official's village, an announcement of another
// region) is refused with ErrForbidden.
package admin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

// Store is what admins need of the database. Every method that reads or
// writes learners or announcements takes the scope and applies it in SQL.
type Store interface {
	CreateAdmin(ctx context.Context, name string, scope region.Code, tokenHash []byte) (store.Admin, error)
	Admins(ctx context.Context) ([]store.Admin, error)
	RevokeAdmin(ctx context.Context, id int64) (store.Admin, error)
	AdminByTokenHash(ctx context.Context, tokenHash []byte) (store.Admin, error)
	RegionExists(ctx context.Context, code region.Code) (bool, error)
	MissingRegions(ctx context.Context, codes []region.Code) ([]region.Code, error)

	ImportOfficialsFrom(ctx context.Context, scope region.Code, rows iter.Seq2[store.Official, error], strict bool, listed int) (store.OfficialImport, error)
	Officials(ctx context.Context, a store.Audience, limit, offset int) ([]store.OfficialRow, int, error)

	CountAudience(ctx context.Context, a store.Audience, sendAt time.Time) (store.AudienceCount, error)
	SendAnnouncement(ctx context.Context, a store.NewAnnouncement) (store.Queued, error)
	Announcements(ctx context.Context, scope region.Code, limit int) ([]store.Announcement, error)
	AnnouncementStats(ctx context.Context, scope region.Code, id int64) (store.Announcement, store.AnnouncementStats, error)
	CancelAnnouncement(ctx context.Context, scope region.Code, id int64) (int, error)

	LearnerQuestions(ctx context.Context, scope region.Code, limit, offset int) ([]store.LearnerQuestion, int, error)
}

var _ Store = (*store.DB)(nil)

// Service carries out admins' requests.
type Service struct {
	Store Store
	// SMSPrice is what one SMS segment costs, in rupiah, for previews.
	SMSPrice int
	// Deployment is which channels carry announcements here, and how fast
	// WhatsApp may; nil is DefaultDeployment.
	Deployment *Deployment
	// CourseID is the course whose progress the course-status filter of
	// announcements and lists looks at; "" looks at any course.
	CourseID string
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

func (s *Service) deployment() Deployment {
	if s.Deployment != nil {
		return *s.Deployment
	}
	return DefaultDeployment
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// The kinds of failure callers turn into HTTP statuses or exit messages.
var (
	// ErrUnauthorized is a missing, unknown or revoked token.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden is an attempt to reach outside the admin's scope.
	ErrForbidden = errors.New("outside your region")
	// ErrInvalid is a request that cannot be carried out as written.
	ErrInvalid = errors.New("invalid request")
	// ErrNotFound is something that does not exist.
	ErrNotFound = errors.New("not found")
)

// MaxRegions is how many regions one request may name: a filter is a few
// regencies or districts, and each costs the database work.
const MaxRegions = 100

// invalid wraps ErrInvalid with what was wrong.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// forbidden wraps ErrForbidden with what was asked.
func forbidden(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrForbidden, fmt.Sprintf(format, args...))
}

// fromStore translates the store's sentinel errors into this package's.
func fromStore(err error) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("%w: %v", ErrNotFound, err)
	case errors.Is(err, store.ErrOutOfScope):
		return fmt.Errorf("%w: %v", ErrForbidden, err)
	}
	return err
}

// Operator is the admin the command line acts as: the operator has the
// database, so the scope is whatever they ask for (national by default).
func Operator(scope region.Code) store.Admin {
	return store.Admin{Name: "operator", Scope: scope}
}

// ScopeName is how a scope is shown: "national" for "".
func ScopeName(scope region.Code) string {
	if scope == "" {
		return "national"
	}
	return string(scope)
}

// tokenPrefix marks Pamong tokens, so that one pasted in the wrong place is
// recognisable (and secret scanners can find them).
const tokenPrefix = "pmg_"

// HashToken is what is stored of a token: its SHA-256.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateAdmin makes an admin for scope ("" national, or an imported region
// code in any form region.Parse accepts) and returns the token, which
// exists only in this return value: the database keeps its hash.
func (s *Service) CreateAdmin(ctx context.Context, name, scope string) (store.Admin, string, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return store.Admin{}, "", invalid("an admin needs a name, like \"Dinas PMD Lombok Barat\"")
	}
	code, err := s.parseScope(ctx, scope)
	if err != nil {
		return store.Admin{}, "", err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return store.Admin{}, "", fmt.Errorf("create admin token: %w", err)
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	a, err := s.Store.CreateAdmin(ctx, name, code, HashToken(token))
	if err != nil {
		return a, "", err
	}
	return a, token, nil
}

// parseScope reads a scope: "" is national; anything else must be a known
// region.
func (s *Service) parseScope(ctx context.Context, scope string) (region.Code, error) {
	if strings.TrimSpace(scope) == "" {
		return "", nil
	}
	code, err := region.Parse(scope)
	if err != nil {
		return "", invalid("scope: %v", err)
	}
	ok, err := s.Store.RegionExists(ctx, code)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", invalid("scope %s is not among the imported regions (run 'pamong regions import' first?)", code)
	}
	return code, nil
}

// Admins lists every admin.
func (s *Service) Admins(ctx context.Context) ([]store.Admin, error) { return s.Store.Admins(ctx) }

// RevokeAdmin ends an admin's token.
func (s *Service) RevokeAdmin(ctx context.Context, id int64) (store.Admin, error) {
	a, err := s.Store.RevokeAdmin(ctx, id)
	return a, fromStore(err)
}

// Authenticate returns the admin a bearer token belongs to, or
// ErrUnauthorized.
func (s *Service) Authenticate(ctx context.Context, token string) (store.Admin, error) {
	if !strings.HasPrefix(token, tokenPrefix) {
		return store.Admin{}, ErrUnauthorized
	}
	a, err := s.Store.AdminByTokenHash(ctx, HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return a, ErrUnauthorized
	}
	return a, err
}
