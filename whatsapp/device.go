package whatsapp

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/lib/pq"
	"go.mau.fi/whatsmeow"
	wastore "go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
)

// Advisory lock keys (database-local): one for the device session, one to
// serialise whatsmeow's schema upgrades when several processes start at once.
const (
	deviceLockKey int64 = 0x70616d6f6e675741 // "pamongWA"
	schemaLockKey int64 = 0x70616d6f6e675753 // "pamongWS"
)

// Errors of the device.
var (
	// ErrNotPaired: the database holds no WhatsApp session.
	ErrNotPaired = errors.New("no WhatsApp device is paired: run 'pamong whatsapp pair'")
	// ErrLocked: another process holds the device session.
	ErrLocked = errors.New("the WhatsApp device is in use by another pamong process (pamong serve?)")
)

// whatsmeow keeps two settings in package variables; they are set once,
// the same way for every device.
var configureOnce sync.Once

func configureWhatsmeow() {
	configureOnce.Do(func() {
		// lib/pq needs arrays wrapped; without it sqlstore falls back to
		// one query per element.
		sqlstore.PostgresArrayWrapper = pq.Array
		// The name the phone shows under "Linked devices".
		wastore.SetOSInfo("Pamong", [3]uint32{1, 0, 0})
	})
}

// Device is the WhatsApp session (the account's keys and identity), kept by
// whatsmeow's sqlstore in Pamong's own database, in whatsmeow's whatsmeow_*
// tables with their own version table (not in Pamong's migrations).
//
// A session must be used by one process at a time: two clients with the
// same keys throw each other off and corrupt the encryption sessions. Lock
// takes a Postgres advisory lock on a connection of its own and holds it
// until Close, so a second `pamong serve` (or a `pamong whatsapp` command
// while serve runs) is refused instead.
type Device struct {
	db        *sql.DB
	container *sqlstore.Container
	store     *wastore.Device
	log       *slog.Logger

	mu   sync.Mutex
	lock *sql.Conn // holds the advisory lock while not nil
}

// Open connects to the database at dsn, creates or upgrades whatsmeow's
// tables, and loads the paired device, or a new unpaired one.
func Open(ctx context.Context, dsn string, log *slog.Logger) (*Device, error) {
	configureWhatsmeow()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return nil, fmt.Errorf("open WhatsApp device store: %w", err)
	}
	db.SetMaxOpenConns(10)
	d := &Device{db: db, log: log,
		container: sqlstore.NewWithDB(db, "postgres", newWALogger(log.With("component", "whatsmeow"), "Database"))}
	if err := d.upgrade(ctx); err != nil {
		d.container.Close()
		return nil, err
	}
	if d.store, err = d.container.GetFirstDevice(ctx); err != nil {
		d.container.Close()
		return nil, fmt.Errorf("load WhatsApp device: %w", err)
	}
	return d, nil
}

// upgrade brings whatsmeow's tables up to date, one process at a time.
func (d *Device) upgrade(ctx context.Context) error {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("open WhatsApp device store: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", schemaLockKey); err != nil {
		return fmt.Errorf("lock whatsmeow schema: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", schemaLockKey)
	if err := d.container.Upgrade(ctx); err != nil {
		return fmt.Errorf("upgrade whatsmeow tables: %w", err)
	}
	return nil
}

// Paired tells whether the store holds a linked account.
func (d *Device) Paired() bool { return d.store.ID != nil }

// JID is the linked account's device JID (empty when not paired).
func (d *Device) JID() types.JID {
	if d.store.ID == nil {
		return types.EmptyJID
	}
	return *d.store.ID
}

// Lock takes the device session for this process, or returns ErrLocked.
func (d *Device) Lock(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.lock != nil {
		return nil
	}
	return d.takeLock(ctx)
}

func (d *Device) takeLock(ctx context.Context) error {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("lock WhatsApp device: %w", err)
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", deviceLockKey).Scan(&ok); err != nil {
		conn.Close()
		return fmt.Errorf("lock WhatsApp device: %w", err)
	}
	if !ok {
		conn.Close()
		return ErrLocked
	}
	d.lock = conn
	return nil
}

// KeepLock checks that the lock's connection is alive. When it is not (the
// database restarted, the connection was cut), the lock went with it, and
// KeepLock takes it again; ErrLocked means another process has it now and
// this one must stop using the session.
func (d *Device) KeepLock(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.lock != nil {
		_, err := d.lock.ExecContext(ctx, "SELECT 1")
		if err == nil {
			return nil
		}
		d.log.Warn("lost the connection that holds the WhatsApp device lock; taking it again", "err", err)
		_ = d.lock.Raw(func(any) error { return driver.ErrBadConn }) // discard it, never reuse it
		d.lock.Close()
		d.lock = nil
	}
	return d.takeLock(ctx)
}

// Client makes the whatsmeow client of the device, set up the way the
// adapter expects: acks only after the handler succeeded (a message the
// database could not take is delivered again), the decrypted payload kept
// until then (a second decryption would fail), and reconnection in the
// background when the first connect finds no network.
func (d *Device) Client() Client {
	c := whatsmeow.NewClient(d.store, newWALogger(d.log.With("component", "whatsmeow"), "Client"))
	c.SynchronousAck = true
	c.EnableDecryptedEventBuffer = true
	c.InitialAutoReconnect = true
	return wmClient{c}
}

// Forget deletes the local session without telling WhatsApp (the phone may
// still list the device until it is removed there).
func (d *Device) Forget(ctx context.Context) error {
	if d.store.ID == nil {
		return nil
	}
	if err := d.store.Delete(ctx); err != nil {
		return fmt.Errorf("delete WhatsApp session: %w", err)
	}
	return nil
}

// Close releases the lock and the database connections.
func (d *Device) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.lock != nil {
		_, _ = d.lock.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", deviceLockKey)
		d.lock.Close()
		d.lock = nil
	}
	return d.container.Close()
}
