package admin

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pamong-desa/pamong/store"
)

// LoginLinkTTL is how long a one-time sign-in link works: long enough to
// send it over a chat and open it, short enough that one forwarded by
// mistake is soon dead.
const LoginLinkTTL = 15 * time.Minute

// loginLinkPrefix marks sign-in link tokens, so one is never mistaken for
// an API token (pmg_) and is refused where one is expected.
const loginLinkPrefix = "pml_"

// loginLinkStore is the store's side of sign-in links, asked for by type
// assertion so that fakes of Store need not grow.
type loginLinkStore interface {
	CreateLoginLink(ctx context.Context, tokenHash []byte, adminID int64, expires time.Time) (store.Admin, error)
	UseLoginLink(ctx context.Context, tokenHash []byte) (store.Admin, error)
}

var _ loginLinkStore = (*store.DB)(nil)

func (s *Service) loginLinks() (loginLinkStore, error) {
	ls, ok := s.Store.(loginLinkStore)
	if !ok {
		return nil, fmt.Errorf("login links: %T keeps no login links", s.Store)
	}
	return ls, nil
}

// CreateLoginLink makes a one-time sign-in link token for admin id. The
// token exists only in this return value (the database keeps its hash);
// it works once, until the returned time, and not after the admin is
// revoked. A revoked admin gets none (ErrInvalid), an unknown one
// ErrNotFound.
func (s *Service) CreateLoginLink(ctx context.Context, id int64) (store.Admin, string, time.Time, error) {
	ls, err := s.loginLinks()
	if err != nil {
		return store.Admin{}, "", time.Time{}, err
	}
	raw, err := randomToken()
	if err != nil {
		return store.Admin{}, "", time.Time{}, err
	}
	token := loginLinkPrefix + raw
	expires := s.now().Add(LoginLinkTTL)
	a, err := ls.CreateLoginLink(ctx, HashToken(token), id, expires)
	if errors.Is(err, store.ErrRevoked) {
		return a, "", time.Time{}, invalid("%v: a revoked admin gets no sign-in link; create a new admin instead", err)
	}
	if err != nil {
		return a, "", time.Time{}, fromStore(err)
	}
	return a, token, expires, nil
}

// SignInWithLink spends a sign-in link token and opens a dashboard
// session for its admin, as SignIn does for an API token. An unknown,
// spent or expired link, or a revoked admin's, is ErrUnauthorized.
func (s *Service) SignInWithLink(ctx context.Context, token string) (string, Session, error) {
	ds, err := s.dash()
	if err != nil {
		return "", Session{}, err
	}
	ls, err := s.loginLinks()
	if err != nil {
		return "", Session{}, err
	}
	if len(token) < len(loginLinkPrefix) || token[:len(loginLinkPrefix)] != loginLinkPrefix {
		return "", Session{}, ErrUnauthorized
	}
	who, err := ls.UseLoginLink(ctx, HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return "", Session{}, ErrUnauthorized
	}
	if err != nil {
		return "", Session{}, err
	}
	return s.openSession(ctx, ds, who)
}
