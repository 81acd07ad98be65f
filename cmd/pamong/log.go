package main

import (
	"log/slog"
	"os"

	"golang.org/x/term"
)

// newLogger logs JSON when stderr is not a terminal (a service manager, a
// container) and readable text when a person watches.
func newLogger(e *env) *slog.Logger {
	opts := &slog.HandlerOptions{Level: e.cfg.LogLevel}
	if f, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return slog.New(slog.NewTextHandler(e.stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(e.stderr, opts))
}
