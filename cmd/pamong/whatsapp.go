package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/mdp/qrterminal/v3"

	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/localpg"
	"github.com/pamong-desa/pamong/phone"
	"github.com/pamong-desa/pamong/whatsapp"
)

// probeWait is how long status and logout wait for WhatsApp's answer.
const probeWait = 20 * time.Second

const whatsappSynopsis = "whatsapp pair [--phone 628123456789] | status | logout [--local]\n\n" +
	"Links Pamong to a WhatsApp number as a linked device (the session is kept in the database),\n" +
	"tells whether it is paired and connected, or unlinks it. Run 'pamong whatsapp COMMAND --help'."

func whatsappCmd(ctx context.Context, e *env, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "pair":
		return whatsappPair(ctx, e, args)
	case "status":
		return whatsappStatus(ctx, e, args)
	case "logout":
		return whatsappLogout(ctx, e, args)
	case "-h", "--help", "help":
		fmt.Fprintf(e.stdout, "Usage: pamong %s\n", whatsappSynopsis)
		return nil
	}
	fmt.Fprintf(e.stderr, "Usage: pamong %s\n", whatsappSynopsis)
	return errors.New("whatsapp: want 'pair', 'status' or 'logout'")
}

func whatsappPair(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "whatsapp pair", "whatsapp pair [--phone 628123456789]\n\n"+
		"Links a WhatsApp number to Pamong as a linked device. Without --phone a QR code is drawn here:\n"+
		"on the phone open WhatsApp → Settings → Linked devices → Link a device, and scan it. With --phone\n"+
		"an 8-character code is printed instead: on that phone choose Link a device → Link with phone\n"+
		"number instead, and type it. Waits until the phone accepts or the codes run out (about 2 minutes).\n"+
		"A running 'pamong serve' uses the new device after a restart.")
	number := fs.String("phone", "", "link with a pairing code for this `number` (0812…, 62812… or +62812…) instead of a QR code")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("whatsapp pair: unexpected argument %q", fs.Arg(0))
	}
	var digits string
	if *number != "" {
		n, err := phone.Normalize(*number)
		if err != nil {
			return fmt.Errorf("--phone: %w", err)
		}
		digits = n[1:]
	}
	dev, err := openWhatsAppDevice(ctx, e)
	if err != nil {
		return err
	}
	defer dev.Close()
	if dev.Paired() {
		return fmt.Errorf("a WhatsApp device is already paired (+%s): run 'pamong whatsapp logout' first", dev.JID().User)
	}
	if err := lockWhatsAppDevice(ctx, dev); err != nil {
		return err
	}
	c := dev.Client()
	defer c.Disconnect()
	fmt.Fprintln(e.stdout, "Connecting to WhatsApp…")
	jid, err := whatsapp.Pair(ctx, c, whatsapp.PairOptions{
		Phone: digits,
		ShowQR: func(code string) {
			fmt.Fprintln(e.stdout, "\nScan this code: WhatsApp on the phone → Settings → Linked devices → Link a device")
			qrterminal.GenerateHalfBlock(code, qrterminal.L, e.stdout)
		},
		ShowCode: func(code string) {
			fmt.Fprintf(e.stdout, "\nPairing code: %s\n\nOn the phone of +%s: WhatsApp → Settings → Linked devices → Link a device →\n"+
				"Link with phone number instead, and type the code.\n", code, digits)
		},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Paired: WhatsApp +%s is linked to Pamong. Restart 'pamong serve' to use it.\n", jid.User)
	return nil
}

func whatsappStatus(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "whatsapp status", "whatsapp status\n\n"+
		"Tells whether a WhatsApp device is paired, with which number, and whether WhatsApp accepts it now\n"+
		"(connecting for a moment; messages that arrive meanwhile are left for 'pamong serve'). When a running\n"+
		"'pamong serve' holds the device it says so; serve's /healthz tells its connection.\n"+
		"Exit status 0 when paired and connected (or held by serve), 1 otherwise.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dev, err := openWhatsAppDevice(ctx, e)
	if err != nil {
		return err
	}
	defer dev.Close()
	if !dev.Paired() {
		return whatsapp.ErrNotPaired
	}
	fmt.Fprintf(e.stdout, "paired:    yes, WhatsApp +%s\n", dev.JID().User)
	switch err := dev.Lock(ctx); {
	case errors.Is(err, whatsapp.ErrLocked):
		fmt.Fprintln(e.stdout, "connected: in use by a running 'pamong serve' (its /healthz tells whether it is connected)")
		return nil
	case err != nil:
		return err
	}
	c := dev.Client()
	defer c.Disconnect()
	p := whatsapp.ProbeConnection(ctx, c, probeWait)
	switch {
	case p.Connected:
		fmt.Fprintln(e.stdout, "connected: yes, WhatsApp accepts the session")
		return nil
	case p.LoggedOut:
		fmt.Fprintf(e.stdout, "connected: no, %s; run 'pamong whatsapp pair'\n", p.Problem)
	default:
		fmt.Fprintf(e.stdout, "connected: no, %s\n", p.Problem)
	}
	return errFailed
}

func whatsappLogout(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "whatsapp logout", "whatsapp logout [--local]\n\n"+
		"Unlinks the WhatsApp device: WhatsApp forgets it (the phone no longer lists it) and its session is\n"+
		"deleted from the database. Stop 'pamong serve' first.")
	local := fs.Bool("local", false, "only delete the session here, without reaching WhatsApp; then remove the device on the phone under Linked devices")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dev, err := openWhatsAppDevice(ctx, e)
	if err != nil {
		return err
	}
	defer dev.Close()
	if !dev.Paired() {
		return whatsapp.ErrNotPaired
	}
	number := dev.JID().User
	if err := lockWhatsAppDevice(ctx, dev); err != nil {
		return err
	}
	if *local {
		if err := dev.Forget(ctx); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Deleted the session of WhatsApp +%s here. On the phone, remove \"Pamong\" under Linked devices.\n", number)
		return nil
	}
	c := dev.Client()
	already, err := whatsapp.Unlink(ctx, c, probeWait)
	c.Disconnect()
	if err != nil {
		return fmt.Errorf("%w; 'pamong whatsapp logout --local' deletes the session here only", err)
	}
	if already {
		if err := dev.Forget(ctx); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "The phone had already unlinked WhatsApp +%s; its session here is deleted.\n", number)
		return nil
	}
	fmt.Fprintf(e.stdout, "Unlinked: WhatsApp +%s is no longer linked to Pamong.\n", number)
	return nil
}

// lockWhatsAppDevice takes the device for a command, or says who has it.
func lockWhatsAppDevice(ctx context.Context, dev *whatsapp.Device) error {
	err := dev.Lock(ctx)
	if errors.Is(err, whatsapp.ErrLocked) {
		return errors.New("the WhatsApp device is in use by a running 'pamong serve': stop it first")
	}
	return err
}

func openWhatsAppDevice(ctx context.Context, e *env) (*whatsapp.Device, error) {
	log := newLogger(e)
	dsn, err := databaseURL(ctx, e, log)
	if err != nil {
		return nil, err
	}
	return whatsapp.Open(ctx, dsn, log.With("component", "whatsapp"))
}

// databaseURL is the connection string openStore uses: DATABASE_URL, or
// the private cluster, started when needed. whatsmeow's sqlstore keeps the
// WhatsApp session in the same database.
func databaseURL(ctx context.Context, e *env, log *slog.Logger) (string, error) {
	if e.cfg.DatabaseURL != "" {
		return e.cfg.DatabaseURL, nil
	}
	c, err := localpg.New(e.cfg.DataDir)
	if err != nil {
		return "", err
	}
	dsn, err := c.Start(ctx)
	if err != nil {
		return "", err
	}
	log.Debug("using the private PostgreSQL cluster", "dir", c.Dir)
	return dsn, nil
}

// errWhatsAppElsewhere says another process carries WhatsApp: this one must
// leave those messages to it rather than turn them into SMS.
var errWhatsAppElsewhere = errors.New("WhatsApp is carried by another process")

// setUpWhatsApp connects the paired WhatsApp device for serve and returns
// the adapter: the "whatsapp" sender of the dispatcher, with Status for
// /healthz and Collectors for /metrics. It returns nil when nothing is
// paired, or when another pamong process holds the device (that process
// sends the WhatsApp messages; the dispatcher here leaves them alone). The
// caller closes the adapter after the dispatcher has stopped.
func setUpWhatsApp(ctx context.Context, dsn string, cfg whatsapp.Config, db whatsapp.Store, course *lessons.Course, log *slog.Logger) (*whatsapp.Adapter, error) {
	log = log.With("component", "whatsapp")
	dev, err := whatsapp.Open(ctx, dsn, log)
	if err != nil {
		return nil, err
	}
	if !dev.Paired() {
		dev.Close()
		log.Info("WhatsApp is off: no device paired (run 'pamong whatsapp pair')")
		return nil, nil
	}
	a, err := whatsapp.Connect(ctx, dev, db, course, cfg, log)
	if errors.Is(err, whatsapp.ErrLocked) {
		dev.Close()
		log.Warn("WhatsApp is off in this process: another pamong process holds the device and sends the WhatsApp messages")
		return nil, errWhatsAppElsewhere
	}
	if err != nil {
		dev.Close()
		return nil, err
	}
	log.Info("WhatsApp through whatsmeow", "bulk_interval", cfg.BulkInterval, "bulk_per_hour", cfg.BulkPerHour, "pause", cfg.Pause)
	return a, nil
}
