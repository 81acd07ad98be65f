package localpg

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// As root the server runs as postgres, which cannot enter a 0700 directory
// such as root's home or t.TempDir(): the cluster must then live under
// Spare, be found again from the data dir, never be shared by two data dirs,
// and be replaced by a new, empty one when the data dir is deleted.
func TestClusterOutOfPostgresReach(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root's cluster runs as another user; an ordinary user's lives in its data dir")
	}
	ctx := context.Background()
	spare := reachableTempDir(t)
	private := t.TempDir() // 0700, as root's home is
	dirA := filepath.Join(private, "a", ".pamong")
	dirB := filepath.Join(private, "b", ".pamong")

	a := startCluster(t, dirA, spare)
	if !strings.HasPrefix(a.Home(), spare+"/") {
		t.Fatalf("home %s; want it under %s", a.Home(), spare)
	}
	mustExec(t, a, "CREATE TABLE kept (x int)")

	again := newCluster(t, dirA, spare)
	if again.Home() != a.Home() || !again.Running(ctx) {
		t.Fatalf("found home %q running %v; want %s running", again.Home(), again.Running(ctx), a.Home())
	}
	if err := again.Stop(ctx); err != nil || a.Running(ctx) {
		t.Fatalf("stop: %v, still running %v", err, a.Running(ctx))
	}
	a = startCluster(t, dirA, spare)
	mustExec(t, a, "SELECT * FROM kept") // the same cluster came back with its data

	b := startCluster(t, dirB, spare)
	if b.Home() == a.Home() {
		t.Fatalf("two data dirs share %s", a.Home())
	}

	// A copy of dirA, pointer included, must not share dirA's cluster.
	copied := filepath.Join(private, "copy", ".pamong")
	if err := os.MkdirAll(copied, 0o700); err != nil {
		t.Fatal(err)
	}
	ptr, _ := os.ReadFile(filepath.Join(dirA, pointerFile))
	if err := os.WriteFile(filepath.Join(copied, pointerFile), ptr, 0o644); err != nil {
		t.Fatal(err)
	}
	c := newCluster(t, copied, spare)
	if _, err := c.Start(ctx); err == nil || !strings.Contains(err.Error(), "must not share a cluster") {
		t.Fatalf("start on a copy: %v", err)
	}

	// Deleting the data dir and starting again gives a new, empty cluster;
	// the old server, now unreachable, is stopped.
	oldHome := a.Home()
	if err := os.RemoveAll(filepath.Dir(dirA)); err != nil {
		t.Fatal(err)
	}
	fresh := startCluster(t, dirA, spare)
	if fresh.Home() == oldHome {
		t.Fatalf("a deleted data dir found its old cluster %s again", oldHome)
	}
	if err := execErr(fresh, "SELECT * FROM kept"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("the new cluster is not empty: %v", err)
	}
	orphan := Cluster{Dir: dirA, bin: a.bin, owner: a.owner, home: oldHome}
	if orphan.Running(ctx) {
		t.Fatalf("the orphaned cluster in %s still runs", oldHome)
	}
}

// A data dir the postgres user can reach keeps its cluster inside.
func TestClusterInReachableDir(t *testing.T) {
	dir := filepath.Join(reachableTempDir(t), ".pamong")
	c := startCluster(t, dir, t.TempDir())
	if c.Home() != dir {
		t.Fatalf("home %s; want %s", c.Home(), dir)
	}
	if _, err := os.Stat(filepath.Join(dir, pointerFile)); err == nil {
		t.Fatal("a pointer file was written for a cluster that lives in its data dir")
	}
	mustExec(t, c, "SELECT 1")
}

func reachableTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "pamong-spare-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func newCluster(t *testing.T, dir, spare string) *Cluster {
	t.Helper()
	c, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	c.Spare, c.Fast = spare, true
	return c
}

// startCluster starts dir's cluster and stops it when the test ends.
func startCluster(t *testing.T, dir, spare string) *Cluster {
	t.Helper()
	c := newCluster(t, dir, spare)
	if _, err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	home := *c
	t.Cleanup(func() { _ = home.Stop(context.Background()) })
	return c
}

func mustExec(t *testing.T, c *Cluster, query string) {
	t.Helper()
	if err := execErr(c, query); err != nil {
		t.Fatal(err)
	}
}

func execErr(c *Cluster, query string) error {
	db, err := sql.Open("postgres", c.URL(DatabaseName))
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(query)
	return err
}
