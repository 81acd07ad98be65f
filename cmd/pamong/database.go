package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pamong-desa/pamong/localpg"
	"github.com/pamong-desa/pamong/store"
)

// openStore connects to DATABASE_URL, or starts the private cluster when it
// is unset, and brings the schema up to date.
func openStore(ctx context.Context, e *env, log *slog.Logger) (*store.DB, error) {
	dsn := e.cfg.DatabaseURL
	if dsn == "" {
		c, err := localpg.New(e.cfg.DataDir)
		if err != nil {
			return nil, err
		}
		if dsn, err = c.Start(ctx); err != nil {
			return nil, err
		}
		log.Debug("using the private PostgreSQL cluster", "dir", c.Dir)
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	for _, m := range applied {
		log.Info("applied migration", "file", m)
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
		state := "stopped"
		if c.Running(ctx) {
			state = "running"
		}
		fmt.Fprintf(e.stdout, "private cluster in %s: %s\n", c.Dir, state)
		return nil
	case "stop":
		if err := c.Stop(ctx); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "private cluster in %s: stopped\n", c.Dir)
		return nil
	}
	fs.Usage()
	return fmt.Errorf("db: want 'status' or 'stop'")
}
