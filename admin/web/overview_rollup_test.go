package web_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/admin"
	"github.com/pamong-desa/pamong/store"
)

// The rollup gives every scope the very numbers the live count gives; the
// page says how fresh they are; a rollup older than RollupMaxAge is not
// used.
func TestOverviewRollup(t *testing.T) {
	f := newFixture(t)
	f.seed(700, villages)
	ctx := context.Background()
	f.svc.CourseID = "c1"
	scopes := map[string]store.Admin{"national": {Scope: ""}, "province": {Scope: "52"}, "regency": {Scope: "52.01"}, "other province": {Scope: "32"}}
	live := map[string]admin.Overview{}
	for name, who := range scopes {
		o, err := f.svc.Overview(ctx, who)
		if err != nil || o.FromRollup {
			t.Fatalf("%s live: %v %v", name, o.FromRollup, err)
		}
		live[name] = o
	}
	if done, err := f.svc.RefreshRollup(ctx); err != nil || !done {
		t.Fatalf("refresh: %v %v", done, err)
	}
	for name, who := range scopes {
		o, err := f.svc.Overview(ctx, who)
		if err != nil {
			t.Fatal(err)
		}
		if !o.FromRollup {
			t.Fatalf("%s: not from the rollup", name)
		}
		want := live[name]
		if !reflect.DeepEqual(o.Steps, want.Steps) || o.Active7d != want.Active7d || o.Gained != want.Gained ||
			!reflect.DeepEqual(o.AverageGain, want.AverageGain) || !reflect.DeepEqual(o.Channels, want.Channels) {
			t.Errorf("%s: the rollup says\n%+v\nthe live count\n%+v", name, o, want)
		}
	}

	b := f.browser()
	b.signIn(f.ntb)
	if _, body, _ := b.get("/admin/overview"); !strings.Contains(body, "dihitung ulang tiap 5 menit") {
		t.Errorf("the page does not say the numbers are the rollup's: %s", body)
	}
	f.clock.add(admin.RollupMaxAge + time.Minute)
	if o, _ := f.svc.Overview(ctx, scopes["national"]); o.FromRollup {
		t.Error("a stale rollup is still shown")
	}
	if _, body, _ := b.get("/admin/overview"); !strings.Contains(body, "Dihitung langsung") {
		t.Errorf("the page after the rollup went stale: %s", body)
	}
}
