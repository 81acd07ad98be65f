// Package localpg runs Pamong's private PostgreSQL cluster: the zero-set-up
// database used when DATABASE_URL is unset. The cluster lives in a directory
// of its own, listens only on a unix socket in that directory (so it never
// clashes with another server's port), is created on first use, started on
// demand and left running after the command exits, so that the next command
// (and any other pamong process on the same directory) finds it ready.
package localpg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/lib/pq"
)

// Cluster is a private PostgreSQL cluster that belongs to Dir.
type Cluster struct {
	// Dir is PAMONG_DATA_DIR: it holds the lock file and either the cluster
	// itself or, when the postgres user cannot reach it, a pointer to where
	// the cluster lives (see home.go).
	Dir string
	// Fast trades durability for speed (fsync off): for throwaway test
	// clusters only.
	Fast bool
	// Spare is where clusters live whose Dir the postgres user cannot
	// reach; /var/lib/pamong unless a test says otherwise.
	Spare string

	bin string
	// owner is the account the server runs as; nil means the current one.
	owner *syscall.Credential
	// home holds the socket, the server log and data/: Dir itself, or a
	// directory under Spare. Empty until the cluster is found or created.
	home string
}

// DatabaseName is the database Pamong uses inside a private cluster.
const DatabaseName = "pamong"

// socketPathMax is the longest unix socket path Linux accepts (sun_path is
// 108 bytes with the terminating NUL).
const socketPathMax = 107

// New prepares (but does not start) the cluster under dir, finding the
// server binaries on PATH or under /usr/lib/postgresql/*/bin.
func New(dir string) (*Cluster, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("resolve PAMONG_DATA_DIR %q: %w", dir, err)
	}
	bin, err := findBinaries(os.Getenv("PATH"), "/usr/lib/postgresql/*/bin")
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: abs, Spare: DefaultSpare, bin: bin}
	if os.Geteuid() != 0 {
		// The cluster always lives in Dir: it is this user's own.
		if err := checkSocketPath(abs); err != nil {
			return nil, err
		}
		c.home = abs
		return c, nil
	}
	// initdb and postgres refuse to run as root.
	if c.owner, err = systemUser("postgres"); err != nil {
		return nil, err
	}
	if err := c.find(); err != nil {
		return nil, err
	}
	return c, nil
}

// findBinaries returns the directory holding initdb, pg_ctl and postgres,
// looking in PATH first, then in the versioned directories Debian uses.
func findBinaries(path, versioned string) (string, error) {
	for _, dir := range filepath.SplitList(path) {
		if dir != "" && isExecutable(filepath.Join(dir, "initdb")) && isExecutable(filepath.Join(dir, "pg_ctl")) {
			// Links into a versioned directory (as on this kind of machine)
			// are followed, so that postgres is found beside initdb.
			if real, err := filepath.EvalSymlinks(filepath.Join(dir, "initdb")); err == nil && isExecutable(filepath.Join(filepath.Dir(real), "postgres")) {
				return filepath.Dir(real), nil
			}
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob(versioned)
	// Newest major version first: "15" sorts after "9" only numerically.
	sort.Slice(dirs, func(i, j int) bool { return majorOf(dirs[i]) > majorOf(dirs[j]) })
	for _, d := range dirs {
		if isExecutable(filepath.Join(d, "initdb")) && isExecutable(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	return "", errors.New("no PostgreSQL server binaries found (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin: " +
		"install them (Debian/Ubuntu: apt-get install postgresql) or set DATABASE_URL to an existing database, " +
		"e.g. postgres://user:password@localhost:5432/pamong?sslmode=disable")
}

func majorOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0
}

func systemUser(name string) (*syscall.Credential, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("running as root, the private PostgreSQL must run as the %q system user, which does not exist: "+
			"create it (useradd --system %s) or set DATABASE_URL: %w", name, name, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// checkSocketPath refuses a cluster directory whose socket path Linux
// cannot bind.
func checkSocketPath(dir string) error {
	if n := len(filepath.Join(dir, ".s.PGSQL.5432")); n > socketPathMax {
		return fmt.Errorf("PAMONG_DATA_DIR %s is too deep for a unix socket (%d of %d bytes): choose a shorter path", dir, n, socketPathMax)
	}
	return nil
}

func (c *Cluster) dataDir() string { return filepath.Join(c.home, "data") }

// LogFile is where the server writes its log.
func (c *Cluster) LogFile() string { return filepath.Join(c.home, "postgres.log") }

// Home is the directory that holds the cluster (data/, socket, log): Dir
// itself, or a directory under Spare when the postgres user cannot reach
// Dir. Empty when the cluster has not been created yet.
func (c *Cluster) Home() string { return c.home }

// URL is the connection string for database name in this cluster.
func (c *Cluster) URL(name string) string {
	q := url.Values{"host": {c.home}, "sslmode": {"disable"}}
	return (&url.URL{Scheme: "postgres", User: url.User(c.superuser()), Path: "/" + name, RawQuery: q.Encode()}).String()
}

// superuser is the role initdb creates: the account that ran it.
func (c *Cluster) superuser() string {
	if c.owner != nil {
		return "postgres"
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "postgres"
}

// Start creates the cluster if it does not exist and starts the server if it
// is not running, then returns the URL of the pamong database. Concurrent
// callers (several processes on the same directory) are serialised by a lock
// file; the ones that come second find the server running and just use it.
func (c *Cluster) Start(ctx context.Context) (string, error) {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return "", fmt.Errorf("create PAMONG_DATA_DIR %s: %w", c.Dir, err)
	}
	unlock, err := lockFile(ctx, filepath.Join(c.Dir, "lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	if err := c.settleHome(ctx); err != nil {
		return "", err
	}
	if err := c.initOnce(ctx); err != nil {
		return "", err
	}
	if !c.running(ctx) {
		if err := c.start(ctx); err != nil {
			return "", err
		}
	}
	if err := c.createDatabase(ctx, DatabaseName); err != nil {
		return "", err
	}
	return c.URL(DatabaseName), nil
}

func (c *Cluster) initOnce(ctx context.Context) error {
	versionFile := filepath.Join(c.dataDir(), "PG_VERSION")
	if v, err := os.ReadFile(versionFile); err == nil {
		return c.checkVersion(ctx, strings.TrimSpace(string(v)))
	}
	if entries, _ := os.ReadDir(c.dataDir()); len(entries) > 0 {
		return fmt.Errorf("%s is not empty but holds no PostgreSQL cluster (no PG_VERSION): move it away or choose another PAMONG_DATA_DIR", c.dataDir())
	}
	out, err := c.command(ctx, "initdb", "-D", c.dataDir(), "--encoding=UTF8", "--locale=C.UTF-8", "--auth=trust").CombinedOutput()
	if err != nil {
		_ = os.RemoveAll(c.dataDir())
		return fmt.Errorf("initdb in %s: %w\n%s\n(the server runs as the cluster's owner, who must be able to reach this directory: "+
			"every parent directory needs o+x)", c.dataDir(), err, out)
	}
	return c.writeConfig()
}

func (c *Cluster) checkVersion(ctx context.Context, have string) error {
	out, err := c.command(ctx, "postgres", "--version").Output()
	if err != nil {
		return fmt.Errorf("run %s/postgres --version: %w", c.bin, err)
	}
	// "postgres (PostgreSQL) 15.18 (Debian ...)" → "15"
	fields := strings.Fields(string(out))
	if len(fields) < 3 || strings.SplitN(fields[2], ".", 2)[0] != have {
		return fmt.Errorf("the cluster in %s was made by PostgreSQL %s but the server here is %q: "+
			"install PostgreSQL %s, or move the directory away to start afresh", c.dataDir(), have, strings.TrimSpace(string(out)), have)
	}
	return nil
}

// writeConfig keeps the server off TCP entirely and its socket private.
func (c *Cluster) writeConfig() error {
	conf := fmt.Sprintf(`
# Written by pamong: a private cluster reachable only through its socket.
listen_addresses = ''
unix_socket_directories = '%s'
unix_socket_permissions = 0700
max_connections = 200
shared_buffers = 128MB
logging_collector = off
`, c.home)
	if c.Fast {
		conf += "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
	}
	f, err := os.OpenFile(filepath.Join(c.dataDir(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("configure cluster: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(conf); err != nil {
		return fmt.Errorf("configure cluster: %w", err)
	}
	return nil
}

func (c *Cluster) running(ctx context.Context) bool {
	if c.home == "" {
		return false
	}
	return c.command(ctx, "pg_ctl", "status", "-D", c.dataDir()).Run() == nil
}

func (c *Cluster) start(ctx context.Context) error {
	if err := c.touchLog(); err != nil {
		return err
	}
	cmd := c.command(ctx, "pg_ctl", "start", "-w", "-t", "60", "-D", c.dataDir(), "-l", c.LogFile())
	// The server must outlive this process and not receive its terminal's
	// Ctrl-C: give it a session of its own.
	cmd.SysProcAttr.Setsid = true
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("start PostgreSQL in %s: %w\n%s\n(see %s)", c.dataDir(), err, out, c.LogFile())
	}
	return nil
}

// Stop stops the server if it runs; the data stays.
func (c *Cluster) Stop(ctx context.Context) error {
	if !c.running(ctx) {
		return nil
	}
	if out, err := c.command(ctx, "pg_ctl", "stop", "-w", "-m", "fast", "-D", c.dataDir()).CombinedOutput(); err != nil {
		return fmt.Errorf("stop PostgreSQL in %s: %w\n%s", c.dataDir(), err, out)
	}
	return nil
}

// Running tells whether the server is up.
func (c *Cluster) Running(ctx context.Context) bool { return c.running(ctx) }

func (c *Cluster) createDatabase(ctx context.Context, name string) error {
	db, err := sql.Open("postgres", c.URL("postgres"))
	if err != nil {
		return fmt.Errorf("connect to private cluster: %w", err)
	}
	defer db.Close()
	var exists bool
	if err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("look for database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

func (c *Cluster) touchLog() error {
	f, err := os.OpenFile(c.LogFile(), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("create server log: %w", err)
	}
	f.Close()
	return c.chown(c.LogFile())
}

func (c *Cluster) chown(path string) error {
	if c.owner == nil {
		return nil
	}
	if err := os.Chown(path, int(c.owner.Uid), int(c.owner.Gid)); err != nil {
		return fmt.Errorf("hand %s to the postgres user: %w", path, err)
	}
	return nil
}

// command runs one of the server binaries as the cluster's owner.
func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.owner}
	cmd.Dir = "/"
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "PGTZ=UTC")
	cmd.WaitDelay = 5 * time.Second
	return cmd
}
