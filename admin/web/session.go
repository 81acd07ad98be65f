package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/pamong-desa/pamong/admin"
)

// errCSRF is a changing form without the session's token.
var errCSRF = errors.New("missing or wrong CSRF token")

type sessionKey struct{}

// session lets through requests with a live session cookie, with the
// session in the context; others go to the sign-in page.
func (h *Handler) session(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(CookieName)
		if err != nil {
			http.Redirect(w, r, "/admin/signin", http.StatusSeeOther)
			return
		}
		sess, err := h.Service.SessionFor(r.Context(), c.Value)
		if err != nil {
			if errors.Is(err, admin.ErrUnauthorized) {
				// Forget the dead cookie so the browser stops sending it.
				h.setCookie(w, "", -1)
			}
			h.fail(w, r, nil, err)
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, &sess)))
	}
}

func current(r *http.Request) *admin.Session { return r.Context().Value(sessionKey{}).(*admin.Session) }

// changing refuses a form whose csrf field is not the session's token.
// SameSite=Lax already keeps the cookie off cross-site POSTs; the token
// also covers browsers that ignore SameSite and sibling subdomains.
func (h *Handler) changing(next http.HandlerFunc) http.HandlerFunc {
	return h.changingUpTo(1<<20, next)
}

// changingUpTo is changing for a form of up to limit bytes (a file upload).
func (h *Handler) changingUpTo(limit int64, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess := current(r)
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		var err error
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			err = r.ParseMultipartForm(limit)
		} else {
			err = r.ParseForm()
		}
		if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
			h.fail(w, r, sess, fmt.Errorf("%w: the form is larger than %d MB", admin.ErrInvalid, max(limit>>20, 1)))
			return
		}
		got := r.PostFormValue("csrf")
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) != 1 {
			h.fail(w, r, sess, errCSRF)
			return
		}
		next(w, r)
	}
}

// setCookie sets the session cookie; maxAge < 0 deletes it.
func (h *Handler) setCookie(w http.ResponseWriter, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: value, Path: "/admin/", MaxAge: maxAge,
		HttpOnly: true, Secure: h.Secure, SameSite: http.SameSiteLaxMode})
}

func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/admin/overview", http.StatusSeeOther)
}

type signinData struct {
	Problem string
	CSRF    string
}

// signinCookie carries the sign-in form's CSRF token before there is a
// session: the form must send back the same value (double submit), which
// a page on another site cannot read, and SameSite=Lax keeps the cookie
// off its cross-site POST. Without it another site could sign a browser
// in as the attacker's admin (login CSRF).
const signinCookie = "pamong_signin"

// signinForm renders the sign-in page with a fresh form token.
func (h *Handler) signinForm(w http.ResponseWriter, r *http.Request, status int, problem string) {
	tok, err := randomToken()
	if err != nil {
		h.fail(w, r, nil, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: signinCookie, Value: tok, Path: "/admin/signin", MaxAge: 3600,
		HttpOnly: true, Secure: h.Secure, SameSite: http.SameSiteLaxMode})
	h.render(w, r, status, "signin", page{Title: "Masuk", Data: signinData{Problem: problem, CSRF: tok}})
}

func (h *Handler) signinPage(w http.ResponseWriter, r *http.Request) {
	h.signinForm(w, r, http.StatusOK, "")
}

func (h *Handler) signin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	c, err := r.Cookie(signinCookie)
	if got := r.PostFormValue("csrf"); err != nil || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(c.Value)) != 1 {
		h.signinForm(w, r, http.StatusForbidden, "Formulir masuk kedaluwarsa. Silakan coba lagi.")
		return
	}
	token := strings.TrimSpace(r.PostFormValue("token"))
	if token == "" {
		h.signinForm(w, r, http.StatusBadRequest, "Tempelkan token API Anda (diawali pmg_).")
		return
	}
	id, _, err := h.Service.SignIn(r.Context(), token)
	if errors.Is(err, admin.ErrUnauthorized) {
		h.signinForm(w, r, http.StatusUnauthorized, "Token tidak dikenal atau sudah dicabut.")
		return
	}
	if err != nil {
		h.fail(w, r, nil, err)
		return
	}
	h.setCookie(w, id, int(admin.SessionTTL.Seconds()))
	http.SetCookie(w, &http.Cookie{Name: signinCookie, Path: "/admin/signin", MaxAge: -1, HttpOnly: true, Secure: h.Secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/admin/overview", http.StatusSeeOther)
}

func (h *Handler) signout(w http.ResponseWriter, r *http.Request) {
	c, _ := r.Cookie(CookieName)
	if err := h.Service.SignOut(r.Context(), c.Value); err != nil {
		h.fail(w, r, current(r), err)
		return
	}
	h.setCookie(w, "", -1)
	http.Redirect(w, r, "/admin/signin", http.StatusSeeOther)
}

// randomToken is 32 random bytes, URL-safe.
func randomToken() (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(raw), nil
}
