package whatsapp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"

	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/store"
)

// fakeClient stands in for whatsmeow: it records calls and answers what
// the test set up. Function fields, when set, replace the default answers.
type fakeClient struct {
	mu          sync.Mutex
	loggedIn    bool
	own         types.JID
	waitOK      bool // WaitForConnection's answer
	waits       int
	handlers    []func(any) bool
	connects    int
	disconnects int
	connectErr  error
	onConnect   func() // runs inside Connect, e.g. to emit events

	sent      []sentMessage
	uploads   [][]byte
	uploadErr error
	sendFn    func(to types.JID, msg *waE2E.Message) (types.MessageID, error)
	read      []readCall
	readErr   error

	lookups   []string
	notOnWA   map[string]bool // "+628…" → not on WhatsApp
	lookupErr error
	lids      map[types.JID]types.JID

	qr         chan whatsmeow.QRChannelItem
	pairPhones []string
	logouts    int
}

type sentMessage struct {
	to   types.JID
	text string // the text, or a document's caption
	doc  *waE2E.DocumentMessage
}

type readCall struct {
	ids          []types.MessageID
	chat, sender types.JID
}

func newFakeClient() *fakeClient {
	return &fakeClient{loggedIn: true, own: types.NewJID("6281100000001", types.DefaultUserServer)}
}

func (f *fakeClient) Connect() error {
	f.mu.Lock()
	f.connects++
	err, on := f.connectErr, f.onConnect
	f.mu.Unlock()
	if on != nil {
		on()
	}
	return err
}

func (f *fakeClient) Disconnect() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.disconnects++
}

func (f *fakeClient) IsConnected() bool { return f.IsLoggedIn() }

func (f *fakeClient) IsLoggedIn() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.loggedIn
}

func (f *fakeClient) WaitForConnection(time.Duration) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waits++
	return f.loggedIn || f.waitOK
}

func (f *fakeClient) AddEventHandler(h func(any) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.handlers = append(f.handlers, h)
}

// emit delivers an event to the handlers as whatsmeow does; false means
// a handler withheld the ack.
func (f *fakeClient) emit(evt any) bool {
	f.mu.Lock()
	hs := append([]func(any) bool(nil), f.handlers...)
	f.mu.Unlock()
	ok := true
	for _, h := range hs {
		ok = h(evt) && ok
	}
	return ok
}

func (f *fakeClient) SendMessage(ctx context.Context, to types.JID, msg *waE2E.Message) (types.MessageID, error) {
	f.mu.Lock()
	fn := f.sendFn
	f.mu.Unlock()
	if fn != nil {
		if id, err := fn(to, msg); err != nil {
			return id, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, sentMessage{to, msg.GetConversation() + msg.GetDocumentMessage().GetCaption(), msg.GetDocumentMessage()})
	return types.MessageID("3EB0" + string(rune('A'+len(f.sent)))), nil
}

func (f *fakeClient) Upload(ctx context.Context, data []byte, kind whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.uploadErr != nil {
		return whatsmeow.UploadResponse{}, f.uploadErr
	}
	if kind != whatsmeow.MediaDocument {
		return whatsmeow.UploadResponse{}, fmt.Errorf("upload of %q, want a document", kind)
	}
	f.uploads = append(f.uploads, data)
	sum := sha256.Sum256(data)
	return whatsmeow.UploadResponse{URL: "https://mmg.whatsapp.net/d/f/fake", DirectPath: "/v/t62/fake",
		MediaKey: make([]byte, 32), FileEncSHA256: sum[:], FileSHA256: sum[:], FileLength: uint64(len(data))}, nil
}

func (f *fakeClient) MarkRead(ctx context.Context, ids []types.MessageID, at time.Time, chat, sender types.JID) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.read = append(f.read, readCall{ids, chat, sender})
	return f.readErr
}

func (f *fakeClient) IsOnWhatsApp(ctx context.Context, phones []string) ([]types.IsOnWhatsAppResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lookups = append(f.lookups, phones...)
	if f.lookupErr != nil {
		return nil, f.lookupErr
	}
	var out []types.IsOnWhatsAppResponse
	for _, p := range phones {
		r := types.IsOnWhatsAppResponse{Query: p, IsIn: !f.notOnWA[p]}
		if r.IsIn {
			r.JID = types.NewJID(p[1:], types.DefaultUserServer)
		}
		out = append(out, r)
	}
	return out, nil
}

func (f *fakeClient) PhoneForLID(ctx context.Context, lid types.JID) (types.JID, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lids[lid], nil
}

func (f *fakeClient) GetQRChannel(ctx context.Context) (<-chan whatsmeow.QRChannelItem, error) {
	return f.qr, nil
}

func (f *fakeClient) PairPhone(ctx context.Context, phone string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pairPhones = append(f.pairPhones, phone)
	return "ABCD-EFGH", nil
}

func (f *fakeClient) Logout(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logouts++
	f.own = types.EmptyJID
	return nil
}

func (f *fakeClient) OwnID() types.JID {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.own
}

func (f *fakeClient) counts() (connects, disconnects int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.connects, f.disconnects
}

// fakeStore records what the adapter hands to the database.
type fakeStore struct {
	mu          sync.Mutex
	inbound     []store.Inbound
	seen        map[string]bool
	handleErr   error
	deliveries  []store.Delivery
	deliveryErr error
}

func (s *fakeStore) HandleInbound(ctx context.Context, in store.Inbound, course *lessons.Course) (store.Handled, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.handleErr != nil {
		return store.Handled{}, s.handleErr
	}
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	key := in.Provider + "/" + in.ProviderID
	if s.seen[key] {
		return store.Handled{Duplicate: true, LearnerID: 7}, nil
	}
	s.seen[key] = true
	s.inbound = append(s.inbound, in)
	return store.Handled{LearnerID: 7, Replies: []store.Reply{{ID: 1}}}, nil
}

func (s *fakeStore) RecordDelivery(ctx context.Context, d store.Delivery) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.deliveryErr != nil {
		return false, s.deliveryErr
	}
	s.deliveries = append(s.deliveries, d)
	return true, nil
}

// fakeClock is a clock that moves only when the adapter sleeps or the
// test says so.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	return nil
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// timers records what the adapter scheduled; the test runs them.
type timers struct {
	mu  sync.Mutex
	due []scheduled
}

type scheduled struct {
	after time.Duration
	f     func()
}

func (ts *timers) after(d time.Duration, f func()) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.due = append(ts.due, scheduled{d, f})
}

func (ts *timers) take() []scheduled {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	due := ts.due
	ts.due = nil
	return due
}

// syncBuffer is a log destination safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// rig is an adapter on fakes, started, with a fixed clock.
type rig struct {
	a      *Adapter
	client *fakeClient
	store  *fakeStore
	clock  *fakeClock
	timers *timers
	logs   *syncBuffer
}

var t0 = time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)

func newRig(t *testing.T, cfg Config) *rig {
	t.Helper()
	r := &rig{client: newFakeClient(), store: &fakeStore{}, clock: &fakeClock{t: t0}, timers: &timers{}, logs: &syncBuffer{}}
	log := slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	r.a = New(r.client, r.store, &lessons.Course{}, cfg, log)
	r.a.now, r.a.sleep, r.a.after = r.clock.now, r.clock.sleep, r.timers.after
	r.a.random = func() float64 { return 0.5 } // no jitter unless a test says so
	r.a.Start()
	t.Cleanup(func() { r.a.Close() })
	return r
}
