package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/pamong-desa/pamong/store"
)

// trialSuffix names the database where courses are tried: beside the real
// one, on the same server, never the same. A course edited and tried with a
// real learner's phone once moved that learner's real progress.
const trialSuffix = "_trial"

// openTrial opens (creating and migrating it if need be) the trial
// database beside real, with the real regions copied in so that village
// codes and names are found there too.
func openTrial(ctx context.Context, real *store.DB, log *slog.Logger) (*store.DB, string, error) {
	name, err := real.DatabaseName(ctx)
	if err != nil {
		return nil, "", err
	}
	if !strings.HasSuffix(name, trialSuffix) {
		name += trialSuffix
	}
	trial, err := real.OpenSibling(ctx, name)
	if err != nil {
		return nil, "", fmt.Errorf("open the trial database %s (trying a course never uses the real one; "+
			"if the database role may not create databases, create %s yourself): %w", name, name, err)
	}
	ok := false
	defer func() {
		if !ok {
			trial.Close()
		}
	}()
	applied, err := trial.Migrate(ctx)
	if err != nil {
		return nil, "", err
	}
	for _, m := range applied {
		log.Debug("applied migration to the trial database", "file", m)
	}
	have, err := trial.CountRegions(ctx)
	if err != nil {
		return nil, "", err
	}
	want, err := real.CountRegions(ctx)
	if err != nil {
		return nil, "", err
	}
	if have != want {
		rows, err := real.Regions(ctx)
		if err != nil {
			return nil, "", err
		}
		if _, err := trial.ImportRegions(ctx, rows, "copied from the real database"); err != nil {
			return nil, "", fmt.Errorf("copy regions to the trial database: %w", err)
		}
	}
	ok = true
	return trial, name, nil
}
