package main

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"

	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/whatsapp"
)

const notPaired = "no WhatsApp device is paired: run 'pamong whatsapp pair'"

func TestWhatsAppCommandsWithNothingPaired(t *testing.T) {
	p := pamong{t: t, env: []string{"DATABASE_URL=" + pgtest.URL(t)}}
	for _, args := range [][]string{{"whatsapp", "status"}, {"whatsapp", "logout"}, {"whatsapp", "logout", "--local"}} {
		r := p.run("", args...)
		if r.code != 1 || !strings.Contains(r.stderr, notPaired) {
			t.Errorf("pamong %s: exit %d, stderr %q; want exit 1 and %q", strings.Join(args, " "), r.code, r.stderr, notPaired)
		}
	}
	if r := p.run("", "whatsapp"); r.code != 1 || !strings.Contains(r.stderr, "want 'pair', 'status' or 'logout'") {
		t.Errorf("no subcommand: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := p.run("", "whatsapp", "pair", "--phone", "021 555 1234"); r.code != 1 || !strings.Contains(r.stderr, "--phone") ||
		!strings.Contains(r.stderr, "not a mobile number") {
		t.Errorf("pair with a landline: exit %d, stderr %q", r.code, r.stderr)
	}
	if out := p.ok("", "whatsapp", "pair", "--help"); !strings.Contains(out, "Link with phone") || !strings.Contains(out, "-phone") {
		t.Errorf("pair --help: %s", out)
	}
	if out := p.ok("", "--help"); !strings.Contains(out, "whatsapp") {
		t.Errorf("usage lacks the whatsapp command: %s", out)
	}
}

// storePairedDevice writes a device into whatsmeow's tables as pairing
// would (with made-up keys: it cannot connect to WhatsApp).
func storePairedDevice(t *testing.T, dsn, number string) {
	t.Helper()
	ctx := t.Context()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	c := sqlstore.NewWithDB(db, "postgres", nil)
	defer c.Close()
	if err := c.Upgrade(ctx); err != nil {
		t.Fatal(err)
	}
	dev := c.NewDevice()
	jid := types.NewADJID(number, 0, 12)
	dev.ID = &jid
	dev.Account = &waAdv.ADVSignedDeviceIdentity{Details: []byte{1}, AccountSignature: make([]byte, 64),
		AccountSignatureKey: make([]byte, 32), DeviceSignature: make([]byte, 64)}
	if err := c.PutDevice(ctx, dev); err != nil {
		t.Fatal(err)
	}
}

func TestWhatsAppCommandsWithAPairedDevice(t *testing.T) {
	dsn := pgtest.URL(t)
	p := pamong{t: t, env: []string{"DATABASE_URL=" + dsn}}
	storePairedDevice(t, dsn, "6281100000009")

	// A running serve holds the device.
	serve, err := whatsapp.Open(t.Context(), dsn, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer serve.Close()
	if err := serve.Lock(t.Context()); err != nil {
		t.Fatal(err)
	}
	if r := p.run("", "whatsapp", "pair"); r.code != 1 || !strings.Contains(r.stderr, "already paired (+6281100000009): run 'pamong whatsapp logout' first") {
		t.Errorf("pair over a paired device: exit %d, stderr %q", r.code, r.stderr)
	}
	r := p.run("", "whatsapp", "status")
	if r.code != 0 || !strings.Contains(r.stdout, "paired:    yes, WhatsApp +6281100000009") || !strings.Contains(r.stdout, "in use by a running 'pamong serve'") {
		t.Errorf("status while serve holds the device: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	for _, args := range [][]string{{"whatsapp", "logout"}, {"whatsapp", "logout", "--local"}} {
		if r := p.run("", args...); r.code != 1 || !strings.Contains(r.stderr, "in use by a running 'pamong serve': stop it first") {
			t.Errorf("%v while serve holds the device: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}

	serve.Close()
	if out := p.ok("", "whatsapp", "logout", "--local"); !strings.Contains(out, "Deleted the session of WhatsApp +6281100000009") {
		t.Errorf("logout --local: %s", out)
	}
	if r := p.run("", "whatsapp", "status"); r.code != 1 || !strings.Contains(r.stderr, notPaired) {
		t.Errorf("status after logout: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestSetUpWhatsApp(t *testing.T) {
	dsn := pgtest.URL(t)
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, nil))
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()

	a, err := setUpWhatsApp(ctx, dsn, defaultConfig().WhatsApp, nil, &lessons.Course{}, log)
	if a != nil || err != nil || !strings.Contains(logs.String(), "WhatsApp is off: no device paired") {
		t.Fatalf("nothing paired: adapter %v, err %v, logs %s", a, err, logs.String())
	}

	storePairedDevice(t, dsn, "6281100000009")
	other, err := whatsapp.Open(ctx, dsn, log)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.Lock(ctx); err != nil {
		t.Fatal(err)
	}
	a, err = setUpWhatsApp(ctx, dsn, defaultConfig().WhatsApp, nil, &lessons.Course{}, log)
	if a != nil || !errors.Is(err, errWhatsAppElsewhere) || !strings.Contains(logs.String(), "another pamong process holds the device") {
		t.Fatalf("device held elsewhere: adapter %v, err %v, logs %s", a, err, logs.String())
	}
}
