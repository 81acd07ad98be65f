package twilio

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// twilioHost is where twilio-go sends Messages API requests.
const twilioHost = "api.twilio.com"

// maxIdleConnsPerHost lets the dispatcher's concurrent sends reuse
// connections; net/http's default of 2 would open and close one per send
// under load.
const maxIdleConnsPerHost = 32

// newTransport is the Sender's connection pool, pointed at apiURL when set.
func newTransport(apiURL *url.URL) http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = maxIdleConnsPerHost
	if apiURL == nil {
		return t
	}
	return &rewriteTransport{base: apiURL, next: t}
}

// rewriteTransport sends requests for api.twilio.com to base instead:
// twilio-go hard-codes its base URL and has no option to change it.
type rewriteTransport struct {
	base *url.URL
	next http.RoundTripper
}

func (t *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != twilioHost {
		return t.next.RoundTrip(req)
	}
	// A RoundTripper must not modify the caller's request.
	r := *req
	u := *req.URL
	u.Scheme = t.base.Scheme
	u.Host = t.base.Host
	if prefix := strings.TrimSuffix(t.base.Path, "/"); prefix != "" {
		u.Path = prefix + u.Path
		u.RawPath = ""
	}
	r.URL = &u
	r.Host = ""
	return t.next.RoundTrip(&r)
}

// callTransport carries one Send's context to the wire, since twilio-go
// builds its requests with context.Background(), and keeps the response so
// that Send can see its status and close its body.
type callTransport struct {
	ctx  context.Context
	next http.RoundTripper
	resp *http.Response
}

func (t *callTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req.WithContext(t.ctx))
	if resp != nil {
		t.resp = resp
	}
	return resp, err
}

// status is the HTTP status of the last response, 0 if there was none.
func (t *callTransport) status() int {
	if t.resp == nil {
		return 0
	}
	return t.resp.StatusCode
}

// release drains and closes the last response body. twilio-go leaves the
// body of an error response open, which would cost a connection per refusal
// (a burst of 429s would churn the pool).
func (t *callTransport) release() {
	if t.resp == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(t.resp.Body, 64<<10))
	_ = t.resp.Body.Close()
}

// noRedirect keeps twilio-go's behaviour: a redirect is an answer, not
// something to follow with our credentials.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
