package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"time"
)

// limits is how long one kind of request may take. Before these existed
// only the headers had a limit: an idle keep-alive connection, a body
// trickled a byte at a time, or a GET announcing a body it never sends
// held a connection (and a file descriptor) for ever.
type limits struct {
	// Read bounds reading the whole request, body included, from when the
	// handler starts (the headers have their own, shorter limit).
	Read time.Duration
	// Deadline is the handler's context: it reaches every database call,
	// so a stalled database costs a request this long, not the stall's.
	Deadline time.Duration
	// Write bounds writing the response, from when the handler starts;
	// it is longer than Read and Deadline so that a handler whose body
	// never came (400) or whose deadline passed (503) can still say so.
	Write time.Duration
}

// routeLimits picks a request's limits by path prefix, the longest
// matching prefix winning; "" is the default.
type routeLimits map[string]limits

// httpLimits are the HTTP server's limits: for what happens before a
// handler runs, and per route.
type httpLimits struct {
	// Header bounds reading the request line and headers.
	Header time.Duration
	// Idle closes a keep-alive connection that sends nothing more.
	Idle   time.Duration
	Routes routeLimits
}

// maxHeaderBytes: no client of Pamong sends more than a few kB of headers.
const maxHeaderBytes = 64 << 10

// defaultLimits are Pamong's. A provider's webhook is small and must be
// quick (providers retry); an admin request may wait a little longer; an
// import of a large CSV over a village connection may take minutes.
// Providers that keep connections alive send far more often than Idle
// during traffic, and between bursts a new connection is cheap.
var defaultLimits = httpLimits{
	Header: 5 * time.Second,
	Idle:   30 * time.Second,
	Routes: routeLimits{
		"":                         {Read: 30 * time.Second, Deadline: 10 * time.Second, Write: 35 * time.Second},
		"/webhooks/":               {Read: 5 * time.Second, Deadline: 5 * time.Second, Write: 10 * time.Second},
		"/healthz":                 {Read: 3 * time.Second, Deadline: 3 * time.Second, Write: 5 * time.Second},
		"/metrics":                 {Read: 5 * time.Second, Deadline: 10 * time.Second, Write: 15 * time.Second},
		"/api/v1/officials/import": {Read: 10 * time.Minute, Deadline: 10 * time.Minute, Write: 11 * time.Minute},
	},
}

// forPath returns the limits of the longest prefix of path.
func (rl routeLimits) forPath(path string) limits {
	best, found := "", false
	for prefix := range rl {
		if strings.HasPrefix(path, prefix) && (!found || len(prefix) > len(best)) {
			best, found = prefix, true
		}
	}
	return rl[best]
}

// shortestRead is the server's fallback read timeout: it holds until the
// handler sets the route's own.
func (rl routeLimits) shortestRead() time.Duration {
	var d time.Duration
	for _, l := range rl {
		if l.Read > 0 && (d == 0 || l.Read < d) {
			d = l.Read
		}
	}
	return d
}

// handler applies the route's limits to every request: the connection's
// read and write deadlines, and the context's.
func (rl routeLimits) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := rl.forPath(r.URL.Path)
		now := time.Now()
		rc := http.NewResponseController(w)
		// Errors mean the writer cannot take deadlines (a test recorder);
		// the context below still bounds the handler.
		_ = rc.SetReadDeadline(now.Add(l.Read))
		_ = rc.SetWriteDeadline(now.Add(l.Write))
		ctx, cancel := context.WithTimeout(r.Context(), l.Deadline)
		defer cancel()
		if r.ContentLength == 0 {
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		body := &watchedBody{ReadCloser: r.Body}
		r.Body = body
		rw := &refusalWriter{ResponseWriter: w, body: body}
		next.ServeHTTP(rw, r.WithContext(ctx))
		if rw.closing {
			// The answer is written; let the server neither drain the
			// body nor wait for it before closing.
			_ = rc.SetReadDeadline(time.Now())
		}
	})
}

// Go's server reads what is left of a request body before it sends the
// answer (up to 256 kB, to reuse the connection). A handler that refuses
// a request before reading its body (a wrong token, a bad signature)
// thus waited, answer unsent, for a body a hostile client trickles in,
// until the route's read limit: 10 minutes on the import. refusalWriter
// closes such connections after the answer instead.

// watchedBody notes whether the handler read the body to its end.
type watchedBody struct {
	io.ReadCloser
	eof bool
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.eof = true // the end, or an error that ends it
	}
	return n, err
}

// refusalWriter marks an error answer to a request whose body was not
// read to its end: the connection is closed after it.
type refusalWriter struct {
	http.ResponseWriter
	body        *watchedBody
	wroteHeader bool
	closing     bool
}

func (w *refusalWriter) WriteHeader(code int) {
	if !w.wroteHeader && code >= 400 && !w.body.eof {
		w.Header().Set("Connection", "close")
		w.closing = true
	}
	w.wroteHeader = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *refusalWriter) Write(p []byte) (int, error) {
	w.wroteHeader = true
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *refusalWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush keeps streaming answers streaming.
func (w *refusalWriter) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }

// newServer is an HTTP server with these limits around h.
func (hl httpLimits) newServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           hl.Routes.handler(h),
		ReadHeaderTimeout: hl.Header,
		// Until the handler sets its route's own.
		ReadTimeout:    max(hl.Header, hl.Routes.shortestRead()),
		WriteTimeout:   hl.Routes[""].Write,
		IdleTimeout:    hl.Idle,
		MaxHeaderBytes: maxHeaderBytes,
	}
}
