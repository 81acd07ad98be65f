package localpg

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Where a cluster lives when its PAMONG_DATA_DIR is out of the postgres
// user's reach. As root, the server runs as postgres, which cannot enter
// root's home (0700) or a mktemp -d directory. Rather than loosen the
// permissions of someone's home, the cluster then lives in a postgres-owned
// directory under Spare, and PAMONG_DATA_DIR keeps a pointer to it:
//
//	PAMONG_DATA_DIR/cluster   the path of the cluster's home (one line)
//	HOME/origin               the PAMONG_DATA_DIR it belongs to
//
// Each home gets a random name when it is created, so deleting
// PAMONG_DATA_DIR and starting again gives a new, empty cluster, and a copy
// of PAMONG_DATA_DIR (pointer included) is refused rather than shared.

// DefaultSpare is where clusters live whose data directory the postgres
// user cannot reach.
const DefaultSpare = "/var/lib/pamong"

const (
	pointerFile = "cluster"
	originFile  = "origin"
)

// find sets home from what is on disk: the pointer, or a cluster in Dir
// itself. It leaves home empty when neither exists yet.
func (c *Cluster) find() error {
	b, err := os.ReadFile(filepath.Join(c.Dir, pointerFile))
	switch {
	case err == nil:
		home := strings.TrimSpace(string(b))
		if !filepath.IsAbs(home) {
			return fmt.Errorf("%s says the cluster is in %q, which is not an absolute path: remove the file to start a new, empty cluster",
				filepath.Join(c.Dir, pointerFile), home)
		}
		if _, err := os.Stat(filepath.Join(home, "data", "PG_VERSION")); err != nil {
			return fmt.Errorf("%s says the cluster is in %s, but no cluster is there (%v): remove the file to start a new, empty cluster",
				filepath.Join(c.Dir, pointerFile), home, err)
		}
		c.home = home
		return nil
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("read %s: %w", filepath.Join(c.Dir, pointerFile), err)
	}
	if _, err := os.Stat(filepath.Join(c.Dir, "data")); err == nil {
		c.home = c.Dir
	}
	return nil
}

// settleHome decides where the cluster lives, creating a home under Spare
// when Dir will not do, and checks that the home belongs to Dir. The caller
// holds Dir's lock.
func (c *Cluster) settleHome(ctx context.Context) error {
	if c.owner == nil {
		return nil // a user's own cluster lives in Dir (New checked it)
	}
	if err := c.find(); err != nil {
		return err
	}
	if c.home == "" {
		if err := c.chown(c.Dir); err != nil {
			return err
		}
		if checkSocketPath(c.Dir) == nil && c.reachable(ctx, c.Dir) {
			c.home = c.Dir
		} else if err := c.createSpareHome(ctx); err != nil {
			return err
		}
	}
	if c.home == c.Dir {
		return c.chown(c.Dir)
	}
	return c.claimHome()
}

// reachable tells whether the postgres user can enter dir: it runs a
// harmless binary there as that user, so every parent's permissions, ACLs
// and mount options count, not a guess from mode bits.
func (c *Cluster) reachable(ctx context.Context, dir string) bool {
	cmd := c.command(ctx, "pg_ctl", "--version")
	cmd.Dir = dir
	return cmd.Run() == nil
}

// createSpareHome makes a new postgres-owned home under Spare and points Dir
// at it.
func (c *Cluster) createSpareHome(ctx context.Context) error {
	if err := os.MkdirAll(c.Spare, 0o755); err != nil {
		return fmt.Errorf("PAMONG_DATA_DIR %s is out of the postgres user's reach, and the cluster cannot go to %s instead: %w", c.Dir, c.Spare, err)
	}
	if !c.reachable(ctx, c.Spare) {
		return fmt.Errorf("PAMONG_DATA_DIR %s is out of the postgres user's reach, and so is %s: make either reachable (every parent directory needs o+x) or set DATABASE_URL", c.Dir, c.Spare)
	}
	home, err := os.MkdirTemp(c.Spare, homeName(c.Dir)+"-")
	if err != nil {
		return fmt.Errorf("create a home for the cluster under %s: %w", c.Spare, err)
	}
	if err := checkSocketPath(home); err != nil {
		os.Remove(home)
		return fmt.Errorf("%w (the cluster's home under %s)", err, c.Spare)
	}
	if err := os.WriteFile(filepath.Join(home, originFile), []byte(c.Dir+"\n"), 0o644); err != nil {
		return fmt.Errorf("record the owner of %s: %w", home, err)
	}
	if err := c.chown(home); err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(c.Dir, pointerFile), []byte(home+"\n")); err != nil {
		return fmt.Errorf("point PAMONG_DATA_DIR at the cluster in %s: %w", home, err)
	}
	c.home = home
	c.stopOrphans(ctx)
	return nil
}

// claimHome checks that the home found through the pointer belongs to Dir.
// A pointer whose origin still points at the same home elsewhere means Dir
// is a copy: two data dirs must never share a cluster. A moved directory
// (its origin no longer points here) takes the home over.
func (c *Cluster) claimHome() error {
	b, err := os.ReadFile(filepath.Join(c.home, originFile))
	if err != nil {
		return fmt.Errorf("read the owner of the cluster in %s: %w", c.home, err)
	}
	origin := strings.TrimSpace(string(b))
	if origin == c.Dir {
		return nil
	}
	if other, err := os.ReadFile(filepath.Join(origin, pointerFile)); err == nil && strings.TrimSpace(string(other)) == c.home {
		return fmt.Errorf("the cluster in %s belongs to %s, and %s points at it too (a copy?): two data directories must not share a cluster; "+
			"remove %s to start a new, empty one", c.home, origin, c.Dir, filepath.Join(c.Dir, pointerFile))
	}
	return writeAtomic(filepath.Join(c.home, originFile), []byte(c.Dir+"\n"))
}

// stopOrphans stops the servers of earlier homes of Dir: their pointer was
// deleted with the old Dir, so nothing can reach them any more. Their data
// stays on disk for the operator to remove (README.md says where).
func (c *Cluster) stopOrphans(ctx context.Context) {
	entries, err := os.ReadDir(c.Spare)
	if err != nil {
		return
	}
	for _, e := range entries {
		home := filepath.Join(c.Spare, e.Name())
		if !e.IsDir() || home == c.home {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(home, originFile)); err != nil || strings.TrimSpace(string(b)) != c.Dir {
			continue
		}
		orphan := *c
		orphan.home = home
		_ = orphan.Stop(ctx)
	}
}

// homeName makes a readable directory name from the data dir's path, so an
// operator looking at Spare sees whose cluster each is.
func homeName(dir string) string {
	name := strings.Trim(strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '-'
	}, dir), "-")
	if len(name) > 40 {
		name = name[len(name)-40:]
	}
	if name == "" {
		name = "root"
	}
	return name
}

func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
