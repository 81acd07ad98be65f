package webhooks

import (
	"net/http"
	"time"
)

// Go's server reads what is left of a request body before it sends the
// answer or reuses the connection, up to 256 kB. A request that announces
// a body and never sends it (a Kannel GET with Content-Length: 10) thus
// held its answer, and its connection, for as long as the client liked.
// These helpers make the server answer at once and close the connection
// instead, for requests whose body Pamong does not want.

// refuse answers code and closes the connection after the answer,
// without reading or waiting for the rest of the request's body.
func refuse(w http.ResponseWriter, msg string, code int) {
	w.Header().Set("Connection", "close")
	http.Error(w, msg, code)
	stopReading(w)
}

// bodyless wraps a handler that never reads a body (a GET's): when the
// request announces one anyway, the answer goes out at once and the
// connection is closed after it.
func bodyless(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength == 0 {
			next(w, r)
			return
		}
		w.Header().Set("Connection", "close")
		next(w, r)
		stopReading(w)
	}
}

// stopReading makes the connection's pending and future reads fail, so
// that the server, done with the handler, neither drains the body nor
// waits for it. The answer, already written, is still sent.
func stopReading(w http.ResponseWriter) {
	_ = http.NewResponseController(w).SetReadDeadline(time.Now())
}
