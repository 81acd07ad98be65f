package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/pamong-desa/pamong/store"
)

// Request body limits: a JSON request is small; an officials file of
// 80,000 rows is about 6 MB.
const (
	maxJSONBody = 1 << 20
	maxCSVBody  = 64 << 20
)

// Handler serves the admins' JSON API under /api/v1/. Every request needs
// `Authorization: Bearer <token>` of an admin who is not revoked (else
// 401); errors are {"error": "..."} with 400 (malformed, or an upload cut
// off), 403 (outside the admin's region), 404, 422 (a strict import with
// bad rows) or 503 (the database is not answering: try again).
//
//	GET  /api/v1/me                           the admin: id, name, scope
//	GET  /api/v1/officials                    ?region=&role=&status=&channel=&limit=&offset=
//	POST /api/v1/officials/import             CSV body; ?strict=true for all or nothing
//	POST /api/v1/announcements/preview        Compose → Preview
//	POST /api/v1/announcements                Compose → Sent (201)
//	GET  /api/v1/announcements                the latest, as Summary
//	GET  /api/v1/announcements/{id}           Status, live
//	POST /api/v1/announcements/{id}/cancel    {"cancelled": n, "status": Status}
//	GET  /api/v1/questions                    ?region=&limit=&offset= → QuestionList
//	GET  /api/v1/reminders                    ?region= → ReminderStats per region below it
func (s *Service) Handler(log *slog.Logger) http.Handler {
	h := &api{s: s, log: log}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/me", h.me)
	mux.HandleFunc("GET /api/v1/officials", h.officials)
	mux.HandleFunc("POST /api/v1/officials/import", h.importOfficials)
	mux.HandleFunc("POST /api/v1/announcements/preview", h.preview)
	mux.HandleFunc("POST /api/v1/announcements", h.send)
	mux.HandleFunc("GET /api/v1/announcements", h.announcements)
	mux.HandleFunc("GET /api/v1/announcements/{id}", h.status)
	mux.HandleFunc("POST /api/v1/announcements/{id}/cancel", h.cancel)
	mux.HandleFunc("GET /api/v1/questions", h.questions)
	h.mountCertificates(mux)                                 // certificates_http.go
	mux.HandleFunc("GET /api/v1/reminders", h.reminderStats) // reminders.go
	return h.authenticated(mux)
}

type api struct {
	s   *Service
	log *slog.Logger
}

type adminKey struct{}

// authenticated lets through requests with a valid bearer token, with the
// admin in the request's context.
func (h *api) authenticated(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The scheme is case-insensitive (RFC 9110); the token is not.
		scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		ok = ok && strings.EqualFold(scheme, "Bearer")
		token = strings.TrimSpace(token)
		if !ok || token == "" {
			h.fail(w, r, fmt.Errorf("%w: send Authorization: Bearer <token>", ErrUnauthorized), nil)
			return
		}
		who, err := h.s.Authenticate(r.Context(), strings.TrimSpace(token))
		if err != nil {
			if errors.Is(err, ErrUnauthorized) {
				err = fmt.Errorf("%w: the token is unknown or revoked", ErrUnauthorized)
			}
			h.fail(w, r, err, nil)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), adminKey{}, who)))
	})
}

func caller(r *http.Request) store.Admin { return r.Context().Value(adminKey{}).(store.Admin) }

// fail answers with the status err stands for; extra fields join the error
// message in the body. This is the one place errors become statuses.
func (h *api) fail(w http.ResponseWriter, r *http.Request, err error, extra map[string]any) {
	status := http.StatusInternalServerError
	var cut *cutOffError
	switch {
	case errors.As(err, &cut):
		// The client's connection broke or it stopped sending: nothing
		// for the operator to fix.
		h.log.Info("admin API: upload cut off", "method", r.Method, "path", r.URL.Path, "err", err)
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "the upload ended before the end of the file; send it again"})
		return
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		h.log.Info("admin API: the client went away", "method", r.Method, "path", r.URL.Path)
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "the request was cancelled"})
		return
	case store.Unavailable(err):
		h.log.Warn("admin API: database unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "30")
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"error": "the database is not answering; try again in a minute"})
		return
	case errors.Is(err, ErrUnauthorized):
		status = http.StatusUnauthorized
		w.Header().Set("WWW-Authenticate", `Bearer realm="pamong"`)
	case errors.Is(err, ErrForbidden):
		status = http.StatusForbidden
	case errors.Is(err, ErrInvalid):
		status = http.StatusBadRequest
	case errors.Is(err, ErrNotFound):
		status = http.StatusNotFound
	}
	msg := err.Error()
	if status == http.StatusInternalServerError {
		h.log.Error("admin API", "method", r.Method, "path", r.URL.Path, "err", err)
		msg = "internal error; the server log has the details"
	}
	body := map[string]any{"error": msg}
	for k, v := range extra {
		body[k] = v
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// decode reads a JSON body strictly: an unknown field is a typo to report,
// not to ignore.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return invalid("request body: %v", err)
	}
	if dec.More() {
		return invalid("request body: more than one JSON value")
	}
	return nil
}

func (h *api) me(w http.ResponseWriter, r *http.Request) {
	who := caller(r)
	writeJSON(w, http.StatusOK, map[string]any{"id": who.ID, "name": who.Name, "scope": who.Scope, "scope_name": ScopeName(who.Scope)})
}

// list reads a repeatable, comma-separable query parameter.
func list(r *http.Request, name string) []string {
	var out []string
	for _, v := range r.URL.Query()[name] {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func intParam(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, invalid("%s=%q: want a whole number", name, v)
	}
	return n, nil
}

// pageParams reads ?limit= and ?offset= of a list request.
func pageParams(r *http.Request) (limit, offset int, err error) {
	if limit, err = intParam(r, "limit"); err != nil {
		return 0, 0, err
	}
	offset, err = intParam(r, "offset")
	return limit, offset, err
}

func (h *api) officials(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := pageParams(r)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	f := Filter{Regions: list(r, "region"), Roles: list(r, "role"), Status: list(r, "status"), Channels: list(r, "channel")}
	res, err := h.s.Officials(r.Context(), caller(r), f, limit, offset)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (h *api) importOfficials(w http.ResponseWriter, r *http.Request) {
	strict := false
	if s := r.URL.Query().Get("strict"); s != "" {
		var err error
		if strict, err = strconv.ParseBool(s); err != nil {
			h.fail(w, r, invalid("strict=%q: want true or false", s), nil)
			return
		}
	}
	who := caller(r)
	rep, err := h.s.ImportOfficials(r.Context(), who, &uploadReader{r: http.MaxBytesReader(w, r.Body, maxCSVBody)}, strict)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		h.fail(w, r, invalid("the file is larger than %d MB", maxCSVBody>>20), nil)
		return
	case err != nil:
		h.fail(w, r, err, map[string]any{"report": rep})
		return
	}
	h.log.Info("officials imported", "admin", who.ID, "read", rep.Read, "inserted", rep.Inserted,
		"updated", rep.Updated, "problems", rep.ProblemCount, "imported", rep.Imported)
	status := http.StatusOK
	if !rep.Imported {
		status = http.StatusUnprocessableEntity
	}
	writeJSON(w, status, rep)
}

func (h *api) preview(w http.ResponseWriter, r *http.Request) {
	var c Compose
	if err := decode(w, r, &c); err != nil {
		h.fail(w, r, err, nil)
		return
	}
	p, err := h.s.Preview(r.Context(), caller(r), c)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (h *api) send(w http.ResponseWriter, r *http.Request) {
	var c Compose
	if err := decode(w, r, &c); err != nil {
		h.fail(w, r, err, nil)
		return
	}
	who := caller(r)
	sent, err := h.s.Send(r.Context(), who, c)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	h.log.Info("announcement queued", "admin", who.ID, "announcement", sent.ID, "recipients", sent.Recipients, "messages", sent.Messages)
	w.Header().Set("Location", fmt.Sprintf("/api/v1/announcements/%d", sent.ID))
	writeJSON(w, http.StatusCreated, sent)
}

func (h *api) announcements(w http.ResponseWriter, r *http.Request) {
	limit, err := intParam(r, "limit")
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	as, err := h.s.Announcements(r.Context(), caller(r), limit)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"announcements": as})
}

func announcementID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%w: announcement %q", ErrNotFound, r.PathValue("id"))
	}
	return id, nil
}

func (h *api) status(w http.ResponseWriter, r *http.Request) {
	id, err := announcementID(r)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	st, err := h.s.Status(r.Context(), caller(r), id)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (h *api) cancel(w http.ResponseWriter, r *http.Request) {
	id, err := announcementID(r)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	who := caller(r)
	n, st, err := h.s.Cancel(r.Context(), who, id)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	h.log.Info("announcement cancelled", "admin", who.ID, "announcement", id, "cancelled", n)
	writeJSON(w, http.StatusOK, map[string]any{"cancelled": n, "status": st})
}

func (h *api) questions(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := pageParams(r)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	list, err := h.s.Questions(r.Context(), caller(r), r.URL.Query().Get("region"), limit, offset)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

// uploadReader marks the errors of reading a request body, other than its
// size limit, as the upload being cut off: a client that disconnects
// mid-upload is not a server error.
type uploadReader struct{ r io.Reader }

func (u *uploadReader) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	var tooBig *http.MaxBytesError
	if err != nil && !errors.Is(err, io.EOF) && !errors.As(err, &tooBig) {
		err = &cutOffError{err}
	}
	return n, err
}

// cutOffError is a request body that ended early or broke.
type cutOffError struct{ err error }

func (e *cutOffError) Error() string { return "upload cut off: " + e.err.Error() }
func (e *cutOffError) Unwrap() error { return e.err }
