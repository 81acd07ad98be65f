package admin

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

// SessionTTL is how long a dashboard sign-in lasts: a working day, so a
// phone left signed in overnight asks again.
const SessionTTL = 12 * time.Hour

// DashboardStore is what the web dashboard needs of the database beyond
// Store. It is asked for by type assertion, like CertificateStore, so that
// fakes of Store need not grow.
type DashboardStore interface {
	CreateAdminSession(ctx context.Context, idHash []byte, adminID int64, csrf string, expires time.Time) error
	AdminSession(ctx context.Context, idHash []byte) (store.AdminSession, error)
	DeleteAdminSession(ctx context.Context, idHash []byte) error
	Funnel(ctx context.Context, scope region.Code, course string, activeSince time.Time) (store.Funnel, error)
	ChannelTraffic(ctx context.Context, scope region.Code, since time.Time) ([]store.ChannelTraffic, error)
	RegionStats(ctx context.Context, parent region.Code, course string, activeSince time.Time) ([]store.RegionStats, error)
	RegionPath(ctx context.Context, code region.Code) ([]region.Region, error)
	MarkQuestionAnswered(ctx context.Context, scope region.Code, id int64, by string) error
}

var _ DashboardStore = (*store.DB)(nil)

func (s *Service) dash() (DashboardStore, error) {
	ds, ok := s.Store.(DashboardStore)
	if !ok {
		return nil, fmt.Errorf("dashboard: %T keeps no sessions", s.Store)
	}
	return ds, nil
}

// Session is a signed-in dashboard browser: who, and the CSRF token its
// changing forms must carry.
type Session struct {
	Admin     store.Admin
	CSRF      string
	ExpiresAt time.Time
}

func randomToken() (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

// SignIn checks an API token and opens a dashboard session for its admin.
// It returns the cookie value, which exists only here (the database keeps
// its hash), and the session.
func (s *Service) SignIn(ctx context.Context, token string) (string, Session, error) {
	ds, err := s.dash()
	if err != nil {
		return "", Session{}, err
	}
	who, err := s.Authenticate(ctx, token)
	if err != nil {
		return "", Session{}, err
	}
	return s.openSession(ctx, ds, who)
}

// openSession starts a session for who and returns its cookie value.
func (s *Service) openSession(ctx context.Context, ds DashboardStore, who store.Admin) (string, Session, error) {
	id, err := randomToken()
	if err != nil {
		return "", Session{}, err
	}
	csrf, err := randomToken()
	if err != nil {
		return "", Session{}, err
	}
	expires := s.now().Add(SessionTTL)
	if err := ds.CreateAdminSession(ctx, HashToken(id), who.ID, csrf, expires); err != nil {
		return "", Session{}, err
	}
	return id, Session{Admin: who, CSRF: csrf, ExpiresAt: expires}, nil
}

// SessionFor returns the live session a cookie value belongs to, or
// ErrUnauthorized when it is unknown, expired, signed out or its admin
// revoked.
func (s *Service) SessionFor(ctx context.Context, cookie string) (Session, error) {
	ds, err := s.dash()
	if err != nil {
		return Session{}, err
	}
	if cookie == "" {
		return Session{}, ErrUnauthorized
	}
	ss, err := ds.AdminSession(ctx, HashToken(cookie))
	if errors.Is(err, store.ErrNotFound) {
		return Session{}, ErrUnauthorized
	}
	if err != nil {
		return Session{}, err
	}
	return Session{Admin: ss.Admin, CSRF: ss.CSRF, ExpiresAt: ss.ExpiresAt}, nil
}

// SignOut ends the session of a cookie value.
func (s *Service) SignOut(ctx context.Context, cookie string) error {
	ds, err := s.dash()
	if err != nil {
		return err
	}
	return ds.DeleteAdminSession(ctx, HashToken(cookie))
}
