package store_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"

	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

func TestAdminTokenLifecycle(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	hash := func(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

	national, err := db.CreateAdmin(ctx, "Kemendagri", "", hash("a"))
	if err != nil || national.ID == 0 || national.Scope != "" {
		t.Fatalf("create national admin: %+v %v", national, err)
	}
	regency, err := db.CreateAdmin(ctx, "DPMD Lombok Barat", "52.01", hash("b"))
	if err != nil || regency.Scope != "52.01" {
		t.Fatalf("create regency admin: %+v %v", regency, err)
	}
	if _, err := db.CreateAdmin(ctx, "Typo", "5201", hash("c")); err == nil {
		t.Fatal("a scope not in dotted form was stored")
	}
	if _, err := db.CreateAdmin(ctx, "Same token", "", hash("a")); err == nil {
		t.Fatal("two admins share a token hash")
	}

	got, err := db.AdminByTokenHash(ctx, hash("b"))
	if err != nil || got.ID != regency.ID || got.Name != "DPMD Lombok Barat" {
		t.Fatalf("look up by token: %+v %v", got, err)
	}
	if _, err := db.AdminByTokenHash(ctx, hash("nope")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
	revoked, err := db.RevokeAdmin(ctx, regency.ID)
	if err != nil || revoked.RevokedAt == nil {
		t.Fatalf("revoke: %+v %v", revoked, err)
	}
	if _, err := db.AdminByTokenHash(ctx, hash("b")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a revoked token still works: %v", err)
	}
	again, err := db.RevokeAdmin(ctx, regency.ID)
	if err != nil || !again.RevokedAt.Equal(*revoked.RevokedAt) {
		t.Fatalf("revoking twice moved the time: %v %v", again.RevokedAt, err)
	}
	if _, err := db.RevokeAdmin(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("revoke unknown admin: %v", err)
	}
	all, err := db.Admins(ctx)
	if err != nil || len(all) != 2 || all[0].RevokedAt != nil || all[1].RevokedAt == nil {
		t.Fatalf("list: %+v %v", all, err)
	}
	if n := count(t, db, `SELECT count(*) FROM admins WHERE length(token_hash) = 32`); n != 2 {
		t.Fatalf("%d admins have a 32-byte hash", n)
	}
}

func TestMissingRegions(t *testing.T) {
	db, _ := openRaw(t)
	ctx := context.Background()
	codes := []region.Code{"52.01", "52.01.09", villageLobar1, "99", "52.01.09"}
	missing, err := db.MissingRegions(ctx, codes)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(missing) != "[52.01.09 99 52.01.09]" {
		t.Errorf("missing %v; want the unknown ones in the order given", missing)
	}
	if missing, err := db.MissingRegions(ctx, nil); err != nil || len(missing) != 0 {
		t.Errorf("no codes: %v %v", missing, err)
	}
}
