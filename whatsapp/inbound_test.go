package whatsapp

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/lib/pq"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/store"
)

var (
	learnerPN  = types.NewJID("6281234567890", types.DefaultUserServer)
	learnerLID = types.NewJID("204853178519628", types.HiddenUserServer)
)

// textFrom builds the event whatsmeow emits for a one-to-one text message.
func textFrom(id string, sender types.JID, text string) *events.Message {
	return &events.Message{
		Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: sender.ToNonAD(), Sender: sender},
			ID:            id, Timestamp: t0,
		},
		Message: &waE2E.Message{Conversation: proto.String(text)},
	}
}

func TestInboundMessages(t *testing.T) {
	deviceOfLearner := learnerPN
	deviceOfLearner.Device = 3
	tests := []struct {
		name     string
		evt      func() *events.Message
		lids     map[types.JID]types.JID
		want     *store.Inbound // nil: ignored
		wantRead bool
	}{
		{
			name: "plain text from a phone-number JID",
			evt:  func() *events.Message { return textFrom("A1", learnerPN, " 2 ") },
			want: &store.Inbound{Channel: bot.WhatsApp, Provider: "whatsmeow", ProviderID: "A1", Phone: "+6281234567890", Text: "2"},
		},
		{
			name: "from a linked device of the learner",
			evt:  func() *events.Message { return textFrom("A2", deviceOfLearner, "halo") },
			want: &store.Inbound{Channel: bot.WhatsApp, Provider: "whatsmeow", ProviderID: "A2", Phone: "+6281234567890", Text: "halo"},
		},
		{
			name: "extended text (a link, a quoted reply)",
			evt: func() *events.Message {
				e := textFrom("A3", learnerPN, "")
				e.Message = &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("b) Sekdes https://x.id")}}
				return e
			},
			want: &store.Inbound{Channel: bot.WhatsApp, Provider: "whatsmeow", ProviderID: "A3", Phone: "+6281234567890", Text: "b) Sekdes https://x.id"},
		},
		{
			name: "LID addressing with the phone number in SenderAlt",
			evt: func() *events.Message {
				e := textFrom("A4", learnerLID, "MENU")
				e.Info.AddressingMode, e.Info.SenderAlt = types.AddressingModeLID, learnerPN
				return e
			},
			want: &store.Inbound{Channel: bot.WhatsApp, Provider: "whatsmeow", ProviderID: "A4", Phone: "+6281234567890", Text: "MENU"},
		},
		{
			name: "LID addressing resolved through the LID store",
			evt:  func() *events.Message { return textFrom("A5", learnerLID, "LANJUT") },
			lids: map[types.JID]types.JID{learnerLID: learnerPN},
			want: &store.Inbound{Channel: bot.WhatsApp, Provider: "whatsmeow", ProviderID: "A5", Phone: "+6281234567890", Text: "LANJUT"},
		},
		{
			name: "phone-number sender with a LID alternative: the number wins",
			evt: func() *events.Message {
				e := textFrom("A6", learnerPN, "1")
				e.Info.SenderAlt = learnerLID
				return e
			},
			want: &store.Inbound{Channel: bot.WhatsApp, Provider: "whatsmeow", ProviderID: "A6", Phone: "+6281234567890", Text: "1"},
		},
		{
			// PostgreSQL refuses NUL and invalid UTF-8 in text: uncleaned,
			// the message failed on every redelivery and was lost.
			name: "NUL, invalid UTF-8 and an encoded surrogate are cleaned",
			evt:  func() *events.Message { return textFrom("A7", learnerPN, "a\x00b \xe9t\xe9 \xed\xa0\x80") },
			want: &store.Inbound{Channel: bot.WhatsApp, Provider: "whatsmeow", ProviderID: "A7", Phone: "+6281234567890", Text: "ab \uFFFDt\uFFFD \uFFFD"},
		},
		{name: "only NUL", evt: func() *events.Message { return textFrom("B0", learnerPN, "\x00 \x00") }},
		{name: "LID whose number is unknown", evt: func() *events.Message { return textFrom("B1", learnerLID, "halo") }},
		{name: "group", evt: func() *events.Message {
			e := textFrom("B2", learnerPN, "halo")
			e.Info.IsGroup, e.Info.Chat = true, types.NewJID("120363025246125888", types.GroupServer)
			return e
		}},
		{name: "status broadcast", evt: func() *events.Message {
			e := textFrom("B3", learnerPN, "my status")
			e.Info.Chat = types.StatusBroadcastJID
			return e
		}},
		{name: "broadcast list", evt: func() *events.Message {
			e := textFrom("B4", learnerPN, "promo")
			e.Info.Chat = types.NewJID("1712345678", types.BroadcastServer)
			return e
		}},
		{name: "our own message", evt: func() *events.Message {
			e := textFrom("B5", learnerPN, "sent from the phone")
			e.Info.IsFromMe = true
			return e
		}},
		{name: "image without caption", evt: func() *events.Message {
			e := textFrom("B6", learnerPN, "")
			e.Message = &waE2E.Message{ImageMessage: &waE2E.ImageMessage{}}
			return e
		}},
		{name: "only spaces", evt: func() *events.Message { return textFrom("B7", learnerPN, "   ") }},
		{name: "edit of an earlier answer", evt: func() *events.Message {
			e := textFrom("B8", learnerPN, "3")
			e.IsEdit = true
			return e
		}},
		{name: "a bot", evt: func() *events.Message { return textFrom("B9", types.NewMetaAIJID, "hi") }},
		{name: "a number that is not a mobile", evt: func() *events.Message {
			return textFrom("B10", types.NewJID("62215551234", types.DefaultUserServer), "halo")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, Config{})
			r.client.lids = tt.lids
			evt := tt.evt()
			if !r.client.emit(evt) {
				t.Fatal("handler withheld the ack")
			}
			if tt.want == nil {
				if len(r.store.inbound) != 0 || len(r.client.read) != 0 {
					t.Fatalf("want ignored, got inbound %+v, read %+v", r.store.inbound, r.client.read)
				}
				return
			}
			if len(r.store.inbound) != 1 || r.store.inbound[0] != *tt.want {
				t.Fatalf("inbound = %+v, want %+v", r.store.inbound, *tt.want)
			}
			if len(r.client.read) != 1 || r.client.read[0].ids[0] != evt.Info.ID || r.client.read[0].chat != evt.Info.Chat {
				t.Fatalf("marked read: %+v", r.client.read)
			}
		})
	}
}

func TestDuplicateIsMarkedReadAgain(t *testing.T) {
	r := newRig(t, Config{})
	r.client.emit(textFrom("A1", learnerPN, "2"))
	r.client.emit(textFrom("A1", learnerPN, "2"))
	if len(r.store.inbound) != 1 {
		t.Fatalf("handled %d times", len(r.store.inbound))
	}
	if len(r.client.read) != 2 {
		t.Fatalf("marked read %d times, want 2 (WhatsApp delivered it again, so the first receipt may be lost)", len(r.client.read))
	}
	if !strings.Contains(r.logs.String(), "duplicate WhatsApp message ignored") {
		t.Fatalf("logs: %s", r.logs)
	}
}

func TestStoreFailureWithholdsAckAndReadReceipt(t *testing.T) {
	r := newRig(t, Config{})
	r.store.handleErr = errors.New("connection refused")
	if r.client.emit(textFrom("A1", learnerPN, "2")) {
		t.Fatal("the handler acked a message the database did not take")
	}
	if len(r.client.read) != 0 {
		t.Fatal("marked read a message that was not handled")
	}
	r.store.handleErr = nil
	if !r.client.emit(textFrom("A1", learnerPN, "2")) || len(r.store.inbound) != 1 || len(r.client.read) != 1 {
		t.Fatalf("redelivery not handled: %+v %+v", r.store.inbound, r.client.read)
	}
}

func TestPermanentStoreFailureIsAcked(t *testing.T) {
	r := newRig(t, Config{})
	r.store.handleErr = fmt.Errorf("insert inbound: %w", &pq.Error{Code: "22001"})
	if !r.client.emit(textFrom("A1", learnerPN, "2")) {
		t.Fatal("the handler withheld the ack of a message the database refuses for good: WhatsApp would redeliver it forever")
	}
	if !strings.Contains(r.logs.String(), "dropped") {
		t.Fatalf("the loss is not logged: %s", r.logs)
	}
}

func TestMarkReadFailureStillAcks(t *testing.T) {
	r := newRig(t, Config{})
	r.client.readErr = errors.New("websocket not connected")
	if !r.client.emit(textFrom("A1", learnerPN, "2")) {
		t.Fatal("a lost read receipt must not make WhatsApp deliver a handled message again")
	}
}

func TestLogsDoNotHoldFullNumbers(t *testing.T) {
	r := newRig(t, Config{})
	r.client.emit(textFrom("A1", learnerPN, "2"))
	r.client.emit(textFrom("A2", learnerLID, "2")) // unknown LID: a warning
	r.a.Send(t.Context(), msg("+6281234567890", "hi", true))
	logs := r.logs.String()
	if !strings.Contains(logs, "WhatsApp message handled") {
		t.Fatalf("logs: %s", logs)
	}
	for _, full := range []string{"6281234567890", "204853178519628"} {
		if strings.Contains(logs, full) {
			t.Fatalf("a full number is in the info logs:\n%s", logs)
		}
	}
}

func TestReceipts(t *testing.T) {
	receipt := func(typ types.ReceiptType, ids ...string) *events.Receipt {
		return &events.Receipt{MessageSource: types.MessageSource{Chat: learnerPN, Sender: learnerPN}, MessageIDs: ids, Type: typ, Timestamp: t0}
	}
	tests := []struct {
		name string
		evt  *events.Receipt
		want []store.Delivery
	}{
		{"delivered", receipt(types.ReceiptTypeDelivered, "3EB0A"),
			[]store.Delivery{{Provider: "whatsmeow", ProviderID: "3EB0A", Status: "delivered"}}},
		{"read, several at once", receipt(types.ReceiptTypeRead, "3EB0A", "3EB0B"),
			[]store.Delivery{{Provider: "whatsmeow", ProviderID: "3EB0A", Status: "read"}, {Provider: "whatsmeow", ProviderID: "3EB0B", Status: "read"}}},
		{"played (media)", receipt(types.ReceiptTypePlayed, "3EB0A"), nil},
		{"retry", receipt(types.ReceiptTypeRetry, "3EB0A"), nil},
		{"our other device", receipt(types.ReceiptTypeSender, "3EB0A"), nil},
		{"read on our phone", func() *events.Receipt {
			e := receipt(types.ReceiptTypeRead, "A1")
			e.IsFromMe = true
			return e
		}(), nil},
		{"group", func() *events.Receipt {
			e := receipt(types.ReceiptTypeDelivered, "3EB0A")
			e.IsGroup = true
			return e
		}(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, Config{})
			if !r.client.emit(tt.evt) {
				t.Fatal("handler withheld the ack")
			}
			if len(r.store.deliveries) != len(tt.want) {
				t.Fatalf("deliveries = %+v, want %+v", r.store.deliveries, tt.want)
			}
			for i := range tt.want {
				if r.store.deliveries[i] != tt.want[i] {
					t.Fatalf("delivery %d = %+v, want %+v", i, r.store.deliveries[i], tt.want[i])
				}
			}
		})
	}
}

func TestReceiptStoreFailureWithholdsAck(t *testing.T) {
	r := newRig(t, Config{})
	r.store.deliveryErr = errors.New("connection refused")
	if r.client.emit(&events.Receipt{MessageSource: types.MessageSource{Chat: learnerPN, Sender: learnerPN}, MessageIDs: []string{"3EB0A"}}) {
		t.Fatal("acked a receipt the database did not take")
	}
}
