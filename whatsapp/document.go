package whatsapp

import (
	"context"
	"errors"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"

	"github.com/pamong-desa/pamong/dispatch"
)

// Documents makes the document an outbox message names in its Attachment
// ("certificate:…"). ErrNoDocument means there is none to make (the
// certificate is gone or revoked): the text goes alone.
type Documents func(ctx context.Context, name string) (data []byte, fileName, mimeType string, err error)

// ErrNoDocument is a document that cannot be made and never will be.
var ErrNoDocument = errors.New("no such document")

// SetDocuments gives the adapter what makes attachments; call it before
// the first Send.
func (a *Adapter) SetDocuments(d Documents) { a.documents = d }

// message is what WhatsApp is sent for m: plain text, or a document with
// the text as its caption (one message, so the two cannot arrive apart or
// in the wrong order).
func (a *Adapter) message(ctx context.Context, m dispatch.Message) (*waE2E.Message, error) {
	text := &waE2E.Message{Conversation: proto.String(m.Text)}
	if m.Attachment == "" || a.documents == nil {
		return text, nil
	}
	data, name, mime, err := a.documents(ctx, m.Attachment)
	if errors.Is(err, ErrNoDocument) {
		a.log.Warn("attachment not available; sending the text alone", "msg_id", m.ID, "attachment", m.Attachment, "err", err)
		return text, nil
	}
	if err != nil {
		// The database or the PDF writer failed: try again later.
		return nil, dispatch.Retryable("document", err)
	}
	up, err := a.client.Upload(ctx, data, whatsmeow.MediaDocument)
	if err != nil {
		return nil, a.classify("upload WhatsApp document", err, m.Bulk)
	}
	return &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
		URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath), MediaKey: up.MediaKey,
		FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength),
		Mimetype: proto.String(mime), FileName: proto.String(name), Title: proto.String(name), Caption: proto.String(m.Text),
	}}, nil
}
