package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/clean"
	"github.com/pamong-desa/pamong/phone"
	"github.com/pamong-desa/pamong/store"
)

// handleMessage runs a learner's WhatsApp message through the store (one
// transaction, deduplicated on WhatsApp's message id) and marks it read.
// Only text from a person in a one-to-one chat counts. It returns false
// when the database could not take the message: the ack is withheld and
// WhatsApp delivers it again.
func (a *Adapter) handleMessage(evt *events.Message) bool {
	info := evt.Info
	log := a.log.With("wa_msg_id", info.ID)
	if why := ignored(evt); why != "" {
		log.Debug("WhatsApp message ignored", "why", why)
		return true
	}
	text := messageText(evt.Message)
	if text == "" {
		log.Debug("WhatsApp message without text ignored")
		return true
	}
	ctx, cancel := context.WithTimeout(a.ctx, a.cfg.HandleTimeout)
	defer cancel()
	number, err := a.senderPhone(ctx, info.MessageSource)
	if err != nil {
		log.Warn("WhatsApp message from a sender whose phone number is unknown, ignored", "err", err)
		return true
	}
	res, err := a.store.HandleInbound(ctx, store.Inbound{Channel: bot.WhatsApp, Provider: Provider,
		ProviderID: info.ID, Phone: number, Text: text}, a.course)
	if err != nil {
		if !store.Transient(err) {
			// Redelivered, it would fail the same way, forever.
			log.Error("WhatsApp message refused by the database and dropped: a redelivery would fail the same way", "err", err)
			return true
		}
		log.Error("handle inbound WhatsApp message; WhatsApp will deliver it again", "err", err)
		return false
	}
	a.rememberContact(number[1:])
	log = log.With("learner", res.LearnerID)
	if res.Duplicate {
		log.Info("duplicate WhatsApp message ignored")
	} else {
		log.Info("WhatsApp message handled", "from", phone.Mask(number), "replies", len(res.Replies))
	}
	res.LogEvents(log)
	if err := a.client.MarkRead(ctx, []types.MessageID{info.ID}, a.now(), info.Chat, info.Sender); err != nil {
		log.Warn("mark WhatsApp message read", "err", err)
	}
	return true
}

// ignored says why a message is not for the engine, or "".
func ignored(evt *events.Message) string {
	info := evt.Info
	switch {
	case info.IsFromMe:
		return "sent by this account"
	case info.IsGroup:
		return "group"
	case info.Chat.Server == types.BroadcastServer:
		return "status or broadcast list"
	case info.Chat.Server == types.NewsletterServer:
		return "channel"
	case evt.IsEdit:
		return "edit of an earlier message"
	case info.Sender.Server != types.DefaultUserServer && info.Sender.Server != types.HiddenUserServer:
		return "not from a person (" + info.Sender.Server + ")"
	}
	return ""
}

// messageText is the text of a plain or extended (link, quote) text
// message, cleaned as every provider's is (clean.Text: WhatsApp's protos
// do not promise valid UTF-8); other kinds (media, stickers, reactions)
// give "".
func messageText(m *waE2E.Message) string {
	if t := strings.TrimSpace(clean.Text(m.GetConversation())); t != "" {
		return t
	}
	return strings.TrimSpace(clean.Text(m.GetExtendedTextMessage().GetText()))
}

// senderPhone finds the sender's phone number (E.164). WhatsApp increasingly
// addresses people by LID, an id that hides the number: then the number is
// in SenderAlt, or in whatsmeow's LID→phone store.
func (a *Adapter) senderPhone(ctx context.Context, src types.MessageSource) (string, error) {
	var lid types.JID
	for _, j := range []types.JID{src.Sender, src.SenderAlt} {
		switch {
		case j.Server == types.DefaultUserServer && j.User != "":
			return normalize(j.User)
		case j.Server == types.HiddenUserServer && lid.IsEmpty():
			lid = j.ToNonAD()
		}
	}
	if lid.IsEmpty() {
		return "", errors.New("no phone number or LID in the message")
	}
	pn, err := a.client.PhoneForLID(ctx, lid)
	if err != nil {
		return "", fmt.Errorf("look up the phone number of a LID: %w", err)
	}
	if pn.User == "" {
		return "", errors.New("the LID's phone number is not known")
	}
	return normalize(pn.User)
}

func normalize(user string) (string, error) {
	n, err := phone.Normalize("+" + user)
	if err != nil {
		return "", fmt.Errorf("sender's number: %w", err)
	}
	return n, nil
}

// receiptStatus maps the receipts that matter to outbox statuses.
var receiptStatus = map[types.ReceiptType]string{
	types.ReceiptTypeDelivered: "delivered",
	types.ReceiptTypeRead:      "read",
}

// handleReceipt records delivered and read receipts of messages Pamong
// sent. Receipts from this account's other devices, of groups, and of other
// kinds are ignored. It returns false when the database could not take it,
// so that WhatsApp sends it again.
func (a *Adapter) handleReceipt(evt *events.Receipt) bool {
	status, ok := receiptStatus[evt.Type]
	if !ok || evt.IsFromMe || evt.IsGroup {
		return true
	}
	ctx, cancel := context.WithTimeout(a.ctx, a.cfg.HandleTimeout)
	defer cancel()
	for _, id := range evt.MessageIDs {
		found, err := a.store.RecordDelivery(ctx, store.Delivery{Provider: Provider, ProviderID: id, Status: status})
		if err != nil {
			a.log.Error("record WhatsApp receipt; WhatsApp will send it again", "wa_msg_id", id, "status", status, "err", err)
			return false
		}
		if !found {
			a.log.Debug("receipt for a message Pamong did not send, ignored", "wa_msg_id", id, "status", status)
		}
	}
	return true
}
