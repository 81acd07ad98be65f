package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"net"

	"github.com/lib/pq"
)

// Unavailable tells whether err, returned by a store method, means the
// database could not be reached or did not answer in time: the same call
// may well work in a minute, so callers answer "try again" (503) rather
// than "internal error".
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var (
		netErr net.Error
		pqErr  *pq.Error
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.As(err, &netErr):
		return true
	case errors.As(err, &pqErr):
		switch pqErr.Code {
		case "57P01", "57P02", "57P03", // shutting down, crashed, starting up
			"53300": // too many connections
			return true
		}
		return pqErr.Code.Class() == "08" // connection exception
	}
	return false
}
