package admin

import (
	"context"
	"fmt"
	"time"

	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

// zoneStore knows the time zone of a region.
type zoneStore interface {
	UTCOffset(ctx context.Context, code region.Code) (time.Duration, error)
}

var _ zoneStore = (*store.DB)(nil)

// Zones are Indonesia's three time zones, by their offset in hours.
var Zones = []Zone{{"WIB", 7}, {"WITA", 8}, {"WIT", 9}}

// Zone is one of Indonesia's time zones.
type Zone struct {
	Name  string
	Hours int
}

// Location is the zone as a fixed-offset location.
func (z Zone) Location() *time.Location { return time.FixedZone(z.Name, z.Hours*3600) }

// ZoneOf returns the zone with the given offset in hours, or false.
func ZoneOf(hours int) (Zone, bool) {
	for _, z := range Zones {
		if z.Hours == hours {
			return z, true
		}
	}
	return Zone{}, false
}

// LocalZone is the time zone of who's region, the one an admin thinks in
// when they schedule (WIB for a national admin).
func (s *Service) LocalZone(ctx context.Context, who store.Admin) (Zone, error) {
	zs, ok := s.Store.(zoneStore)
	if !ok {
		return Zones[0], nil
	}
	off, err := zs.UTCOffset(ctx, who.Scope)
	if err != nil {
		return Zone{}, err
	}
	z, ok := ZoneOf(int(off / time.Hour))
	if !ok {
		return Zone{}, fmt.Errorf("time zone of region %q: offset %s is none of WIB, WITA, WIT", who.Scope, off)
	}
	return z, nil
}
