package pgtest

import (
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/lib/pq"
)

// Stall is a TCP proxy in front of a test database that can stop relaying
// bytes, as a paused server does (kill -STOP of the postmaster and its
// backends): connections are still accepted and writes still succeed, but
// nothing comes back. Tests of deadlines use it instead of signalling the
// server, which only works when the test owns the server's processes.
type Stall struct {
	ln     net.Listener
	target [2]string // network, address

	mu     sync.Mutex
	cond   *sync.Cond
	paused bool
	closed bool
	conns  []net.Conn
}

// Stallable returns the connection string of a new test database reached
// through a Stall, and the Stall. Everything is closed when the test ends.
func Stallable(t testing.TB) (string, *Stall) {
	t.Helper()
	dsn := URL(t)
	cfg, err := pq.NewConfig(dsn)
	if err != nil {
		t.Fatalf("parse test database URL: %v", err)
	}
	s := &Stall{target: [2]string{"tcp", net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))}}
	if filepath.IsAbs(cfg.Host) || strings.HasPrefix(cfg.Host, "@") {
		s.target = [2]string{"unix", filepath.Join(cfg.Host, ".s.PGSQL."+strconv.Itoa(int(cfg.Port)))}
	}
	s.cond = sync.NewCond(&s.mu)
	if s.ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.close)
	go s.accept()
	q := url.Values{"sslmode": {"disable"}}
	u := &url.URL{Scheme: "postgres", User: url.UserPassword(cfg.User, cfg.Password), Host: s.ln.Addr().String(),
		Path: "/" + cfg.Database, RawQuery: q.Encode()}
	if cfg.Password == "" {
		u.User = url.User(cfg.User)
	}
	return u.String(), s
}

// Pause stops relaying in both directions; bytes wait in the proxy.
func (s *Stall) Pause() { s.set(true) }

// Resume relays again, the bytes held during the pause first.
func (s *Stall) Resume() { s.set(false) }

func (s *Stall) set(paused bool) {
	s.mu.Lock()
	s.paused = paused
	s.mu.Unlock()
	s.cond.Broadcast()
}

func (s *Stall) close() {
	s.mu.Lock()
	s.closed, s.paused = true, false
	conns := s.conns
	s.mu.Unlock()
	s.cond.Broadcast()
	s.ln.Close()
	for _, c := range conns {
		c.Close()
	}
}

func (s *Stall) accept() {
	for {
		client, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.relay(client)
	}
}

func (s *Stall) relay(client net.Conn) {
	if !s.track(client) || !s.wait() {
		client.Close()
		return
	}
	server, err := net.Dial(s.target[0], s.target[1])
	if err != nil || !s.track(server) {
		client.Close()
		return
	}
	go s.copy(server, client)
	s.copy(client, server)
}

func (s *Stall) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conns = append(s.conns, c)
	return !s.closed
}

// wait blocks while paused; false once the proxy is closed.
func (s *Stall) wait() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.paused && !s.closed {
		s.cond.Wait()
	}
	return !s.closed
}

func (s *Stall) copy(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !s.wait() {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
