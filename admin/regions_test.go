package admin_test

import (
	"context"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pamong-desa/pamong/admin"
	"github.com/pamong-desa/pamong/region"
)

// lookupCounter counts the region lookups the service makes.
type lookupCounter struct {
	admin.Store
	n atomic.Int64
}

func (c *lookupCounter) RegionExists(ctx context.Context, code region.Code) (bool, error) {
	c.n.Add(1)
	return c.Store.RegionExists(ctx, code)
}

func (c *lookupCounter) MissingRegions(ctx context.Context, codes []region.Code) ([]region.Code, error) {
	c.n.Add(1)
	return c.Store.MissingRegions(ctx, codes)
}

// Each region value once cost a query of its own, one after another:
// 150,000 of them took 40 s. Now a request names at most
// admin.MaxRegions, checked together in one query.
func TestAPIRegionsAreLimitedAndCheckedInOneQuery(t *testing.T) {
	f := newFixture(t)
	counter := &lookupCounter{Store: f.svc.Store}
	f.svc.Store = counter
	regions := func(n int, code string) string {
		return url.QueryEscape(strings.TrimSuffix(strings.Repeat(code+",", n), ","))
	}
	tests := []struct {
		name, query string
		status      int
		lookups     int64
		want        string
	}{
		{"the most regions", "?region=" + regions(admin.MaxRegions, "52.01"), 200, 1, ""},
		{"several, in any form", "?region=5201&region=52.01.01,52.01.01.2001", 200, 1, ""},
		{"one too many", "?region=" + regions(admin.MaxRegions+1, "52.01"), 400, 0, "at most 100 regions"},
		{"a hostile number", "?region=" + regions(50_000, "3204"), 400, 0, "at most 100 regions"},
		{"unknown ones are named together", "?region=52.01,52.01.09,52.01.08", 400, 1,
			"regions 52.01.09, 52.01.08 are not among the imported regions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			counter.n.Store(0)
			var body map[string]any
			status := f.call(f.lobar, "GET", "/api/v1/officials"+tt.query, "", &body)
			if status != tt.status || counter.n.Load() != tt.lookups {
				t.Fatalf("%d after %d region lookups; want %d after %d: %v", status, counter.n.Load(), tt.status, tt.lookups, body)
			}
			if msg, _ := body["error"].(string); !strings.Contains(msg, tt.want) {
				t.Errorf("error %q; want %q", msg, tt.want)
			}
		})
	}
	// Announcements take the same path.
	body := `{"text":"Halo","regions":["` + strings.Repeat(`52.01","`, admin.MaxRegions) + `52.01"]}`
	if status := f.call(f.lobar, "POST", "/api/v1/announcements/preview", body, nil); status != 400 {
		t.Errorf("preview with %d regions: %d", admin.MaxRegions+1, status)
	}
	// A value repeated is one value to the database.
	var p admin.Preview
	body = `{"text":"Halo","roles":["` + strings.Repeat(`kades","`, 50_000) + `Kepala Desa"],"channels":["sms","SMS","sms"],` +
		`"regions":["52.01","5201","52.01"]}`
	if status := f.call(f.lobar, "POST", "/api/v1/announcements/preview", body, &p); status != 200 ||
		len(p.Target.Roles) != 1 || len(p.Target.Channels) != 1 || len(p.Target.Regions) != 1 {
		t.Errorf("preview with repeated values: %d %+v", status, p.Target)
	}
}
