package store

import (
	"context"
	"fmt"
	"time"

	"github.com/pamong-desa/pamong/region"
)

// The offset comes from the same SQL function that holds bulk messages for
// quiet hours (migration 00005), so the zone a page shows a time in is the
// zone the messages wait in.
const selectUTCOffset = `SELECT extract(epoch FROM pamong_utc_offset($1))::int`

// UTCOffset is the local time's offset from UTC in region code (WIB +7,
// WITA +8, WIT +9); "" (national) reads as WIB.
func (d *DB) UTCOffset(ctx context.Context, code region.Code) (time.Duration, error) {
	var secs int
	if err := d.db.GetContext(ctx, &secs, selectUTCOffset, string(code)); err != nil {
		return 0, fmt.Errorf("time zone of region %q: %w", code, err)
	}
	return time.Duration(secs) * time.Second, nil
}
