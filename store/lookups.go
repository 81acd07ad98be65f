package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/certificate"
)

// Look-ups of certificate codes by the public are limited per requester (a
// phone for SMS, an IP address for the web): after LookupLimit failed
// look-ups within LookupWindow, the requester is refused until the window
// has passed. Valid codes are one in 2.5·10^16, so honest people rarely
// fail more than a few times; someone harvesting codes fails every time.
const (
	LookupLimit  = 10
	LookupWindow = time.Hour
)

// Lookup is the outcome of one public look-up of a code.
type Lookup struct {
	Status bot.CheckStatus
	// Query is what was asked, cut short; Code the code it read as.
	Query string
	Code  certificate.Code
	// Err says why Query is not a code (CheckMalformed, CheckTypo).
	Err         error
	Certificate *Certificate
}

const (
	countFailedLookups = `
SELECT count(*) FROM certificate_lookups
WHERE requester = $1 AND NOT found AND looked_up_at > $2`
	insertLookup = `
INSERT INTO certificate_lookups (channel, requester, query, found, looked_up_at) VALUES ($1, $2, $3, $4, $5)`
)

// LookUpCertificate answers a public look-up of a code from the web
// (requester: the client's IP address), logging it and applying the limit
// of failed look-ups.
func (d *DB) LookUpCertificate(ctx context.Context, requester, query string) (Lookup, error) {
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return Lookup{}, fmt.Errorf("look up certificate: begin: %w", err)
	}
	defer tx.Rollback()
	lk, err := d.lookUp(ctx, tx, "web", requester, query, d.now())
	if err != nil {
		return lk, err
	}
	if err := tx.Commit(); err != nil {
		return lk, fmt.Errorf("look up certificate: commit: %w", err)
	}
	return lk, nil
}

// lookUp is one look-up by SMS or web: refused when the requester failed
// too often lately, else parsed, found or not, and logged.
func (d *DB) lookUp(ctx context.Context, tx *sqlx.Tx, channel, requester, query string, now time.Time) (Lookup, error) {
	lk := Lookup{Query: strings.ToUpper(strings.TrimSpace(query))}
	if r := []rune(lk.Query); len(r) > 64 {
		lk.Query = string(r[:64])
	}
	var failed int
	if err := tx.GetContext(ctx, &failed, countFailedLookups, requester, now.Add(-LookupWindow)); err != nil {
		return lk, fmt.Errorf("count failed certificate look-ups: %w", err)
	}
	code, err := certificate.Parse(query)
	switch {
	case failed >= LookupLimit:
		lk.Status = bot.CheckLimited
	case errors.Is(err, certificate.ErrTypo):
		lk.Status, lk.Err = bot.CheckTypo, err
	case err != nil:
		lk.Status, lk.Err = bot.CheckMalformed, err
	default:
		lk.Code = code
		c, err := certificateByCode(ctx, tx, code)
		switch {
		case errors.Is(err, ErrCertificateNotFound):
			lk.Status = bot.CheckNotFound
		case err != nil:
			return lk, err
		default:
			lk.Status, lk.Certificate = bot.CheckFound, &c
		}
	}
	if _, err := tx.ExecContext(ctx, insertLookup, channel, requester, lk.Query, lk.Status == bot.CheckFound, now); err != nil {
		return lk, fmt.Errorf("log certificate look-up: %w", err)
	}
	return lk, nil
}
