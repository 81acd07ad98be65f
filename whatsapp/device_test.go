package whatsapp

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/phone"
)

func openDevice(t *testing.T, dsn string) *Device {
	t.Helper()
	d, err := Open(t.Context(), dsn, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// whatsmeow's tables live beside Pamong's in the same database.
func TestOpenCreatesWhatsmeowTablesBesidePamongs(t *testing.T) {
	dsn := pgtest.URL(t)
	d := openDevice(t, dsn)
	if d.Paired() || !d.JID().IsEmpty() {
		t.Fatal("a fresh database has a paired device")
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM information_schema.tables WHERE table_name IN ('whatsmeow_device', 'whatsmeow_version', 'outbox')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("found %d of whatsmeow_device, whatsmeow_version and outbox", n)
	}
	// Opening again (the next command, a second process) upgrades nothing
	// and still finds no device.
	if openDevice(t, dsn).Paired() {
		t.Fatal("paired after a second open")
	}
	if _, err := Connect(t.Context(), d, nil, nil, Config{}, slog.New(slog.DiscardHandler)); !errors.Is(err, ErrNotPaired) {
		t.Fatalf("connecting an unpaired device: %v", err)
	}
}

func TestOneProcessHoldsTheDevice(t *testing.T) {
	dsn := pgtest.URL(t)
	first, second := openDevice(t, dsn), openDevice(t, dsn)
	if err := first.Lock(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := second.Lock(t.Context()); !errors.Is(err, ErrLocked) {
		t.Fatalf("second lock: %v, want ErrLocked", err)
	}
	if err := first.KeepLock(t.Context()); err != nil {
		t.Fatalf("keep a held lock: %v", err)
	}
	first.Close()
	if err := second.Lock(t.Context()); err != nil {
		t.Fatalf("lock after the holder closed: %v", err)
	}
}

// The lock goes with its connection; KeepLock notices and takes it again,
// unless another process was quicker.
func TestKeepLockAfterTheConnectionDied(t *testing.T) {
	dsn := pgtest.URL(t)
	d, other := openDevice(t, dsn), openDevice(t, dsn)
	if err := d.Lock(t.Context()); err != nil {
		t.Fatal(err)
	}
	kill := func() {
		t.Helper()
		admin, err := sql.Open("postgres", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		res, err := admin.Exec(`SELECT pg_terminate_backend(pid, 5000) FROM pg_locks
			WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			t.Fatalf("terminated %d lock holders", n)
		}
	}
	kill()
	if err := d.KeepLock(t.Context()); err != nil {
		t.Fatalf("take the lock again: %v", err)
	}
	if err := other.Lock(t.Context()); !errors.Is(err, ErrLocked) {
		t.Fatalf("the lock was not taken again: %v", err)
	}

	kill()
	if err := other.Lock(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := d.KeepLock(context.Background()); !errors.Is(err, ErrLocked) {
		t.Fatalf("KeepLock after another process took the lock: %v", err)
	}
}

func TestWhatsmeowLogsMaskNumbers(t *testing.T) {
	var buf syncBuffer
	l := newWALogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), "Client").Sub("Send")
	l.Warnf("Server returned different participant list hash when sending to %s", "6281234567890@s.whatsapp.net")
	l.Debugf("debug keeps %s", "6281234567890")
	out := buf.String()
	if !strings.Contains(out, phone.MaskDigits("6281234567890")+"@s.whatsapp.net") || !strings.Contains(out, "module=Client/Send") {
		t.Fatalf("warn line: %s", out)
	}
	if strings.Count(out, "6281234567890") != 1 || !strings.Contains(out, "debug keeps 6281234567890") {
		t.Fatalf("masking: %s", out)
	}
}
