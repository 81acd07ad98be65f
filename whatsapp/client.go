package whatsapp

import (
	"context"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
)

// Client is what the adapter uses of a whatsmeow client: the only seam
// between Pamong and WhatsApp. Everything above it is tested with a fake;
// wmClient, below it, is the thin part that only a real WhatsApp server
// can exercise.
type Client interface {
	// Connect opens the websocket and logs in with the stored device (or,
	// with nothing paired, starts pairing). A failure on the network is
	// retried by whatsmeow in the background.
	Connect() error
	Disconnect()
	IsConnected() bool
	// IsLoggedIn is true once connected and authenticated.
	IsLoggedIn() bool
	// WaitForConnection waits up to d for a logged-in connection.
	WaitForConnection(d time.Duration) bool
	// AddEventHandler registers h for every event; returning false from h
	// withholds the ack of the message or receipt, so that WhatsApp
	// delivers it again.
	AddEventHandler(h func(evt any) bool)

	// SendMessage sends msg and returns WhatsApp's id for it.
	SendMessage(ctx context.Context, to types.JID, msg *waE2E.Message) (types.MessageID, error)
	// Upload encrypts and uploads a file (a certificate PDF) for a media
	// message.
	Upload(ctx context.Context, data []byte, kind whatsmeow.MediaType) (whatsmeow.UploadResponse, error)
	// MarkRead sends read receipts (blue ticks) for messages of a chat.
	MarkRead(ctx context.Context, ids []types.MessageID, at time.Time, chat, sender types.JID) error
	// IsOnWhatsApp asks which of the numbers ("+628…") have WhatsApp.
	IsOnWhatsApp(ctx context.Context, phones []string) ([]types.IsOnWhatsAppResponse, error)
	// PhoneForLID finds the phone-number JID behind a LID in the device
	// store; empty when unknown.
	PhoneForLID(ctx context.Context, lid types.JID) (types.JID, error)

	// GetQRChannel must be called before Connect when pairing; it yields QR
	// codes, then success, timeout or an error.
	GetQRChannel(ctx context.Context) (<-chan whatsmeow.QRChannelItem, error)
	// PairPhone asks for an 8-character code to type on the phone instead
	// of scanning a QR code; phone is international digits (628…).
	PairPhone(ctx context.Context, phone string) (string, error)
	// Logout unlinks the device at WhatsApp and deletes its session.
	Logout(ctx context.Context) error
	// OwnID is the paired account (empty when nothing is paired).
	OwnID() types.JID
}

// wmClient is a Client over a real *whatsmeow.Client: one line per method.
type wmClient struct{ c *whatsmeow.Client }

var _ Client = wmClient{}

func (w wmClient) Connect() error                         { return w.c.Connect() }
func (w wmClient) Disconnect()                            { w.c.Disconnect() }
func (w wmClient) IsConnected() bool                      { return w.c.IsConnected() }
func (w wmClient) IsLoggedIn() bool                       { return w.c.IsLoggedIn() }
func (w wmClient) WaitForConnection(d time.Duration) bool { return w.c.WaitForConnection(d) }
func (w wmClient) AddEventHandler(h func(any) bool)       { w.c.AddEventHandlerWithSuccessStatus(h) }

func (w wmClient) SendMessage(ctx context.Context, to types.JID, msg *waE2E.Message) (types.MessageID, error) {
	resp, err := w.c.SendMessage(ctx, to, msg)
	return resp.ID, err
}

func (w wmClient) Upload(ctx context.Context, data []byte, kind whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	return w.c.Upload(ctx, data, kind)
}

func (w wmClient) MarkRead(ctx context.Context, ids []types.MessageID, at time.Time, chat, sender types.JID) error {
	return w.c.MarkRead(ctx, ids, at, chat, sender)
}

func (w wmClient) IsOnWhatsApp(ctx context.Context, phones []string) ([]types.IsOnWhatsAppResponse, error) {
	return w.c.IsOnWhatsApp(ctx, phones)
}

func (w wmClient) PhoneForLID(ctx context.Context, lid types.JID) (types.JID, error) {
	return w.c.Store.LIDs.GetPNForLID(ctx, lid)
}

func (w wmClient) GetQRChannel(ctx context.Context) (<-chan whatsmeow.QRChannelItem, error) {
	return w.c.GetQRChannel(ctx)
}

func (w wmClient) PairPhone(ctx context.Context, phone string) (string, error) {
	// The display name must look like "Browser (OS)": WhatsApp checks it.
	return w.c.PairPhone(ctx, phone, true, whatsmeow.PairClientChrome, "Chrome (Linux)")
}

func (w wmClient) Logout(ctx context.Context) error { return w.c.Logout(ctx) }

func (w wmClient) OwnID() types.JID {
	if w.c.Store.ID == nil {
		return types.EmptyJID
	}
	return *w.c.Store.ID
}
