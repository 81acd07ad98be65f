package admin_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/admin"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/store"
)

// logBuffer collects a handler's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serveLogged serves svc's API with its log going to the returned buffer.
func serveLogged(t *testing.T, svc *admin.Service) (*httptest.Server, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	srv := httptest.NewServer(svc.Handler(slog.New(slog.NewTextHandler(logs, nil))))
	t.Cleanup(srv.Close)
	return srv, logs
}

// A client that goes away in the middle of an upload is the client's
// problem: 400, logged at info, not a 500 logged as an error.
func TestImportCutOffUploadIsABadRequest(t *testing.T) {
	f := newFixture(t)
	srv, logs := serveLogged(t, f.svc)
	rows := strings.Repeat("081266660001,Siti,Kades,52.01.01.2001\n", 3000)
	for name, part := range map[string]string{
		"in the first bytes":   "phone,name,role,village_code\n081266660001,Siti,Kades,52.01.01.2001\n0812666",
		"after a hundred rows": "phone,name,role,village_code\n" + rows + "0812666",
	} {
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_, err = io.WriteString(conn, "POST /api/v1/officials/import HTTP/1.1\r\nHost: pamong\r\n"+
			"Authorization: Bearer "+f.lobar+"\r\nContent-Type: text/csv\r\nContent-Length: 1000000\r\n\r\n"+part)
		if err != nil {
			t.Fatal(err)
		}
		// The client stops sending; it can still read the answer.
		if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
			t.Fatal(err)
		}
		conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 400 || !strings.Contains(string(body), "the upload ended before the end of the file") {
			t.Errorf("%s: %d %s", name, resp.StatusCode, body)
		}
	}
	if l := logs.String(); strings.Contains(l, "level=ERROR") || strings.Count(l, "level=INFO") != 2 {
		t.Errorf("log:\n%s", l)
	}
	if n := f.count(`SELECT count(*) FROM learners`); n != 0 {
		t.Errorf("%d officials imported from a cut-off upload", n)
	}
}

// While the database is down the API answers 503 ("try again"), as the
// webhooks do, and logs a warning; when it is back, requests work again.
func TestAPIAnswers503WhileTheDatabaseIsDown(t *testing.T) {
	ctx := context.Background()
	proxy := newDBProxy(t, pgtest.URL(t))
	db, err := store.Open(ctx, proxy.url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := &admin.Service{Store: db}
	_, token, err := svc.CreateAdmin(ctx, "Kemendagri", "")
	if err != nil {
		t.Fatal(err)
	}
	srv, logs := serveLogged(t, svc)
	call := func(method, path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := call("GET", "/api/v1/officials", ""); status != 200 {
		t.Fatalf("with the database up: %d %s", status, body)
	}

	proxy.stop()
	for _, r := range []struct{ method, path, body string }{
		{"GET", "/api/v1/me", ""},
		{"GET", "/api/v1/officials", ""},
		{"POST", "/api/v1/officials/import", officialsCSV},
		{"GET", "/api/v1/announcements", ""},
	} {
		if status, body := call(r.method, r.path, r.body); status != 503 || !strings.Contains(body, "try again") {
			t.Errorf("%s %s with the database down: %d %s", r.method, r.path, status, body)
		}
	}
	if l := logs.String(); strings.Contains(l, "level=ERROR") || !strings.Contains(l, "level=WARN") {
		t.Errorf("log:\n%s", l)
	}

	proxy.start()
	if status, body := call("GET", "/api/v1/officials", ""); status != 200 {
		t.Errorf("with the database back: %d %s", status, body)
	}
}

// dbProxy stands between the store and PostgreSQL, so a test can take the
// database away (the socket gone, every connection cut) and bring it back
// without touching the server other tests share.
type dbProxy struct {
	t              *testing.T
	url            string
	network, addr  string // where the proxy listens
	target, tgtNet string

	mu    sync.Mutex
	ln    net.Listener
	conns []net.Conn
}

func newDBProxy(t *testing.T, dsn string) *dbProxy {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		t.Fatalf("the proxy needs a URL connection string: %q", dsn)
	}
	p := &dbProxy{t: t}
	q := u.Query()
	if dir := q.Get("host"); strings.HasPrefix(dir, "/") {
		port := q.Get("port")
		if port == "" {
			port = "5432"
		}
		// A short directory: a unix socket path has at most 107 bytes.
		mine, err := os.MkdirTemp("", "pgproxy")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(mine) })
		p.tgtNet, p.target = "unix", filepath.Join(dir, ".s.PGSQL."+port)
		p.network, p.addr = "unix", filepath.Join(mine, ".s.PGSQL."+port)
		q.Set("host", mine)
		u.RawQuery = q.Encode()
	} else {
		p.tgtNet, p.target = "tcp", u.Host
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p.network, p.addr = "tcp", ln.Addr().String()
		ln.Close()
		u.Host = p.addr
	}
	p.url = u.String()
	p.start()
	t.Cleanup(p.stop)
	return p
}

// start listens and forwards every connection to PostgreSQL.
func (p *dbProxy) start() {
	p.t.Helper()
	ln, err := net.Listen(p.network, p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial(p.tgtNet, p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
}

// stop closes the listener (a unix socket file goes with it) and cuts
// every connection: the database is gone as far as the store can tell.
func (p *dbProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// A request whose client has gone away is not a server error either.
func TestAPIRequestOfAClientThatWentAway(t *testing.T) {
	f := newFixture(t)
	logs := &logBuffer{}
	h := f.svc.Handler(slog.New(slog.NewTextHandler(logs, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, "GET", "/api/v1/officials", nil)
	req.Header.Set("Authorization", "Bearer "+f.lobar)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 400 {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
	if l := logs.String(); strings.Contains(l, "level=ERROR") || !strings.Contains(l, "the client went away") {
		t.Errorf("log:\n%s", l)
	}
}
