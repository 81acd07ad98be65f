package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/lib/pq"
)

// connectTimeout bounds opening one connection (TCP, TLS, startup): a
// paused or overloaded server must not hold a caller without a deadline
// of its own, such as the dispatcher, for ever. A caller's shorter
// deadline wins.
const connectTimeout = 5 * time.Second

// Why this file exists: lib/pq honours a context by sending PostgreSQL a
// cancel request when it ends, then keeps waiting on the socket for the
// server's answer. A server that is paused (SIGSTOP, a frozen VM, a
// network that drops packets) never answers, so a request with a 5-second
// deadline waited as long as the pause: /healthz and every webhook took
// 19.8 s with Postgres paused for 20 s. Here every connection's socket is
// tied to the context of the call using it: when that context ends, the
// socket's deadline passes, the blocked read fails at once, and lib/pq
// marks the connection bad so the pool throws it away.

// connector opens lib/pq connections whose sockets obey their callers'
// contexts.
type connector struct{ pq *pq.Connector }

func newConnector(dsn string) (*connector, error) {
	dsn, err := withoutJIT(dsn)
	if err != nil {
		return nil, err
	}
	c, err := pq.NewConnector(withCustomPlans(dsn))
	if err != nil {
		return nil, err
	}
	c.Dialer(dialer{})
	return &connector{pq: c}, nil
}

// withoutJIT turns PostgreSQL's JIT compilation off for our connections
// (lib/pq sends settings it does not know itself to the server at
// start-up), unless the DSN sets it. Every query here is short, but the
// claim's LIMIT over rows that few pass is estimated dear enough to be
// compiled: 100–200 ms of JIT for a claim that runs in 0.5 ms.
func withoutJIT(dsn string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		kv, err := pq.ParseURL(dsn)
		if err != nil {
			return "", err
		}
		dsn = kv
	}
	if strings.Contains(dsn, "jit=") {
		return dsn, nil
	}
	return strings.TrimSpace(dsn + " jit=off"), nil
}

// dialedKey carries, through lib/pq's Connect, where the dialer leaves the
// socket it opened, so that Connect can hand it to the new conn.
type dialedKey struct{}

func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	var sock *deadlineConn
	pc, err := c.pq.Connect(context.WithValue(ctx, dialedKey{}, &sock))
	if err != nil {
		return nil, withContextErr(ctx, err)
	}
	if sock == nil {
		_ = pc.Close()
		return nil, errors.New("connect to database: the connection did not come through the deadline-aware dialer")
	}
	return &conn{pq: pc, sock: sock}, nil
}

func (c *connector) Driver() driver.Driver { return c.pq.Driver() }

// dialer opens sockets that obey the dialling context until the first
// call arms them with its own (lib/pq dials its cancel requests here too,
// which then end when their context does).
type dialer struct{ net.Dialer }

func (d dialer) Dial(network, address string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, address)
}

func (d dialer) DialTimeout(network, address string, timeout time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return d.DialContext(ctx, network, address)
}

func (d dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	nc, err := d.Dialer.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	c := &deadlineConn{Conn: nc}
	c.arm(ctx)
	if slot, ok := ctx.Value(dialedKey{}).(**deadlineConn); ok {
		*slot = c
	}
	return c, nil
}

// deadlineConn is a socket whose deadline passes when the context it was
// last armed with ends.
type deadlineConn struct {
	net.Conn
	mu   sync.Mutex
	gen  uint64 // which arming a pending AfterFunc belongs to
	stop func() bool
}

// longAgo is a deadline that has passed.
var longAgo = time.Unix(1, 0)

// arm clears the deadline and makes it pass when ctx ends, until the next
// arm. The pool gives a connection to one caller at a time, and each call
// re-arms it, so a finished request's context (ended as soon as its
// handler returns) cannot cut off the next user of the connection.
func (c *deadlineConn) arm(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stop != nil {
		c.stop()
	}
	c.gen++
	gen := c.gen
	_ = c.Conn.SetDeadline(time.Time{})
	c.stop = context.AfterFunc(ctx, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.gen == gen {
			_ = c.Conn.SetDeadline(longAgo)
		}
	})
}

// withContextErr makes an error caused by the end of ctx say so
// (errors.Is(err, context.DeadlineExceeded)), not just "i/o timeout".
func withContextErr(ctx context.Context, err error) error {
	if err == nil || ctx.Err() == nil || errors.Is(err, ctx.Err()) {
		return err
	}
	return fmt.Errorf("%w: %w", ctx.Err(), err)
}

// conn is a lib/pq connection whose every call arms its socket with the
// call's context. It forwards each optional interface lib/pq implements.
type conn struct {
	pq    driver.Conn
	sock  *deadlineConn
	stmts stmtCache // statements prepared on this connection (stmtcache.go)
}

var (
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
)

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	st, err := c.pq.Prepare(query)
	if err != nil {
		return nil, err
	}
	return &stmt{st: st, sock: c.sock}, nil
}

func (c *conn) Close() error { return c.pq.Close() }

//lint:ignore SA1019 database/sql needs it to call BeginTx's fallback.
func (c *conn) Begin() (driver.Tx, error) { return c.pq.Begin() } //nolint:staticcheck

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.sock.arm(ctx)
	tx, err := c.pq.(driver.ConnBeginTx).BeginTx(ctx, opts)
	return tx, withContextErr(ctx, err)
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	c.sock.arm(ctx)
	st, err := c.pq.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, withContextErr(ctx, err)
	}
	return &stmt{st: st, sock: c.sock}, nil
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.sock.arm(ctx)
	if len(args) > 0 {
		st, err := c.prepared(ctx, query)
		if err != nil {
			return nil, withContextErr(ctx, err)
		}
		if st != nil {
			res, err := st.(driver.StmtExecContext).ExecContext(ctx, args)
			c.forget(query, err)
			return res, withContextErr(ctx, err)
		}
	}
	res, err := c.pq.(driver.ExecerContext).ExecContext(ctx, query, args)
	return res, withContextErr(ctx, err)
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.sock.arm(ctx) // stays armed while the rows are read
	if len(args) > 0 {
		st, err := c.prepared(ctx, query)
		if err != nil {
			return nil, withContextErr(ctx, err)
		}
		if st != nil {
			rows, err := st.(driver.StmtQueryContext).QueryContext(ctx, args)
			c.forget(query, err)
			return rows, withContextErr(ctx, err)
		}
	}
	rows, err := c.pq.(driver.QueryerContext).QueryContext(ctx, query, args)
	return rows, withContextErr(ctx, err)
}

func (c *conn) Ping(ctx context.Context) error {
	c.sock.arm(ctx)
	return withContextErr(ctx, c.pq.(driver.Pinger).Ping(ctx))
}

func (c *conn) ResetSession(ctx context.Context) error {
	return c.pq.(driver.SessionResetter).ResetSession(ctx)
}

func (c *conn) IsValid() bool { return c.pq.(driver.Validator).IsValid() }

func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	return c.pq.(driver.NamedValueChecker).CheckNamedValue(nv)
}

// stmt is a prepared statement (or a COPY) of a conn, armed like it.
type stmt struct {
	st   driver.Stmt
	sock *deadlineConn
}

func (s *stmt) Close() error  { return s.st.Close() }
func (s *stmt) NumInput() int { return s.st.NumInput() }

//lint:ignore SA1019 lib/pq's COPY statements only have these.
func (s *stmt) Exec(args []driver.Value) (driver.Result, error) { return s.st.Exec(args) } //nolint:staticcheck

//lint:ignore SA1019 lib/pq's COPY statements only have these.
func (s *stmt) Query(args []driver.Value) (driver.Rows, error) { return s.st.Query(args) } //nolint:staticcheck

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.sock.arm(ctx)
	if sc, ok := s.st.(driver.StmtExecContext); ok {
		res, err := sc.ExecContext(ctx, args)
		return res, withContextErr(ctx, err)
	}
	vals, err := plainValues(args)
	if err != nil {
		return nil, err
	}
	res, err := s.st.Exec(vals) //nolint:staticcheck
	return res, withContextErr(ctx, err)
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.sock.arm(ctx)
	if sc, ok := s.st.(driver.StmtQueryContext); ok {
		rows, err := sc.QueryContext(ctx, args)
		return rows, withContextErr(ctx, err)
	}
	vals, err := plainValues(args)
	if err != nil {
		return nil, err
	}
	rows, err := s.st.Query(vals) //nolint:staticcheck
	return rows, withContextErr(ctx, err)
}

// plainValues is what database/sql does for a statement without context
// support: positional values only.
func plainValues(named []driver.NamedValue) ([]driver.Value, error) {
	vals := make([]driver.Value, len(named))
	for i, nv := range named {
		if nv.Name != "" {
			return nil, fmt.Errorf("lib/pq: named parameter %q is not supported", nv.Name)
		}
		vals[i] = nv.Value
	}
	return vals, nil
}
