package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/pamong-desa/pamong/localpg"
	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

// openStore connects to DATABASE_URL, or starts the private cluster when it
// is unset, and brings the schema up to date.
func openStore(ctx context.Context, e *env, log *slog.Logger) (*store.DB, error) {
	if err := e.cfg.require(needStore); err != nil {
		return nil, err
	}
	dsn := e.cfg.DatabaseURL
	if dsn == "" {
		c, err := localpg.New(e.cfg.DataDir)
		if err != nil {
			return nil, err
		}
		if dsn, err = c.Start(ctx); err != nil {
			return nil, err
		}
		e.cluster = c
		log.Debug("using the private PostgreSQL cluster", "dir", c.Dir, "home", c.Home())
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if e.cfg.DBConns > 0 {
		db.SetMaxConns(e.cfg.DBConns)
	}
	db.SetCertificates(certificateSettings(e.cfg))
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if len(applied) > 0 {
		log.Info("database schema updated", "migrations", len(applied), "last", applied[len(applied)-1])
	}
	start := time.Now()
	n, err := db.SeedRegions(ctx, region.EmbeddedSource, region.Embedded)
	if err != nil {
		db.Close()
		return nil, err
	}
	if n > 0 {
		log.Info("the regions table was empty: imported the region codes embedded in this binary",
			"regions", n, "source", region.EmbeddedSource, "seconds", time.Since(start).Round(10*time.Millisecond).Seconds())
	}
	return db, nil
}

func migrateCmd(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "migrate", "migrate\n\nApplies the database migrations embedded in the binary (serve does this at start too).")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger(e)
	db, err := openStore(ctx, e, log)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintln(e.stdout, "database schema is up to date")
	return nil
}

func dbCmd(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "db", "db status|stop\n\nThe private PostgreSQL cluster in PAMONG_DATA_DIR is started on demand and keeps running\nafter pamong exits, so the next command finds it ready; 'db stop' stops it (the data stays).")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if e.cfg.DatabaseURL != "" {
		return fmt.Errorf("DATABASE_URL is set: pamong does not manage that server")
	}
	c, err := localpg.New(e.cfg.DataDir)
	if err != nil {
		return err
	}
	switch fs.Arg(0) {
	case "status":
		if c.Home() == "" {
			fmt.Fprintf(e.stdout, "private cluster for %s: not created yet (the next command creates it)\n", c.Dir)
			return nil
		}
		state := "stopped"
		if c.Running(ctx) {
			state = "running"
		}
		fmt.Fprintf(e.stdout, "private cluster in %s: %s\n", c.Home(), state)
		if c.Home() != c.Dir {
			fmt.Fprintf(e.stdout, "(kept there for %s, which the postgres user cannot reach)\n", c.Dir)
		}
		return nil
	case "stop":
		if err := c.Stop(ctx); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "private cluster in %s: stopped\n", c.Home())
		return nil
	}
	fs.Usage()
	return fmt.Errorf("db: want 'status' or 'stop'")
}
