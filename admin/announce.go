package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

// Limits of an announcement: one WhatsApp message an official reads on a
// small screen, and no more SMS than a village budget should pay for.
const (
	MaxTextRunes = 1000
	MaxSMSParts  = 8
	// MaxScheduleAhead is how far ahead send_at may be.
	MaxScheduleAhead = 90 * 24 * time.Hour
)

// Compose is an announcement as an admin writes it: the text and who gets
// it (Filter, always inside the admin's region).
type Compose struct {
	Text string `json:"text"`
	Filter
	// SendAt is when it may leave at the earliest (RFC 3339); nil is now.
	// Either way each message waits for 08:00–20:00 in the learner's time
	// zone.
	SendAt *time.Time `json:"send_at,omitempty"`
	// OverCap is what becomes of the WhatsApp messages beyond WhatsApp's
	// hourly cap: "wait" (the default) for WhatsApp capacity, or "spill"
	// them to SMS, at SMS prices.
	OverCap string `json:"over_cap,omitempty"`
}

// Preview is what sending would do.
type Preview struct {
	// Recipients are WhatsApp + SMS, counted by the channel each learner
	// prefers; opted-out learners are not among them.
	Recipients int `json:"recipients"`
	WhatsApp   int `json:"whatsapp"`
	SMS        int `json:"sms"`
	OptedOut   int `json:"opted_out"`
	// How they will be reached in this deployment (Deployment): ByWhatsApp
	// + BySMS + Unreachable = Recipients. With no WhatsApp device everyone
	// goes by SMS; SpilledToSMS is the part of the WhatsApp users beyond
	// the hourly cap when OverCap is "spill" (included in BySMS);
	// Unreachable have no channel here (SMS users without an SMS gateway).
	ByWhatsApp   int    `json:"by_whatsapp"`
	BySMS        int    `json:"by_sms"`
	SpilledToSMS int    `json:"spilled_to_sms"`
	Unreachable  int    `json:"unreachable"`
	OverCap      string `json:"over_cap"`
	// WhatsAppHours is how many sending hours the WhatsApp part takes at
	// the cap, WhatsAppDays that in days of 08:00–20:00 sending, and
	// WhatsAppTime says it in a line ("60,000 by WhatsApp at 200/hour ≈
	// 25 days of 08:00–20:00 sending (300 hours)").
	WhatsAppHours float64    `json:"whatsapp_hours"`
	WhatsAppDays  float64    `json:"whatsapp_days"`
	WhatsAppTime  string     `json:"whatsapp_time,omitempty"`
	Deployment    Deployment `json:"deployment"`
	// HeldForQuietHours are recipients whose local time at the send time
	// is outside 08:00–20:00: theirs waits for 08:00.
	HeldForQuietHours int `json:"held_for_quiet_hours"`
	// WaitsForTomorrow is the part of HeldForQuietHours that already had
	// that day's reminder: theirs waits for 08:00 of their next day, so
	// nobody gets two bot-initiated messages in one day.
	WaitsForTomorrow int `json:"waits_for_tomorrow"`
	// WhatsAppText is the WhatsApp message; SMSParts the SMS, each a single
	// GSM-7 segment, numbered (1/n) when there are several.
	WhatsAppText string   `json:"whatsapp_text"`
	SMSParts     []string `json:"sms_parts"`
	// SMSSegments is BySMS × parts; EstimatedCost that times
	// SMSPrice, in rupiah (WhatsApp messages cost nothing per message; an
	// SMS fallback of a WhatsApp message that was not delivered would add
	// to it).
	SMSSegments   int        `json:"sms_segments"`
	SMSPrice      int        `json:"sms_price"`
	EstimatedCost int        `json:"estimated_cost"`
	Currency      string     `json:"currency"`
	SendAt        *time.Time `json:"send_at,omitempty"`
	// Target is the filter as understood (codes and roles normalized).
	Target Filter `json:"target"`
}

// composed is a validated announcement.
type composed struct {
	audience store.Audience
	target   Filter
	text     string
	wa       string
	sms      []string
	content  []byte
	sendAt   time.Time
	fallback string
}

// compose validates c for who and renders it for both channels.
func (s *Service) compose(ctx context.Context, who store.Admin, c Compose) (composed, error) {
	var out composed
	out.text = strings.TrimSpace(c.Text)
	switch n := utf8.RuneCountInString(out.text); {
	case n == 0:
		return out, invalid("the announcement has no text")
	case n > MaxTextRunes:
		return out, invalid("the text has %d characters; at most %d", n, MaxTextRunes)
	case strings.IndexFunc(out.text, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0:
		return out, invalid("the text has a control character; only line breaks and tabs are allowed")
	}
	switch out.fallback = strings.ToLower(strings.TrimSpace(c.OverCap)); out.fallback {
	case "":
		out.fallback = OverCapWait
	case OverCapWait, OverCapSpill:
	default:
		return out, invalid("over_cap %q: want %q (wait for WhatsApp capacity) or %q (send by SMS what the hourly cap does not carry)",
			c.OverCap, OverCapWait, OverCapSpill)
	}
	var err error
	if out.audience, out.target, err = s.audience(ctx, who, c.Filter); err != nil {
		return out, err
	}
	if c.SendAt != nil && !c.SendAt.IsZero() {
		now := s.now()
		switch {
		case c.SendAt.Before(now.Add(-time.Minute)):
			return out, invalid("send_at %s is in the past", c.SendAt.Format(time.RFC3339))
		case c.SendAt.After(now.Add(MaxScheduleAhead)):
			return out, invalid("send_at %s is more than 90 days ahead", c.SendAt.Format(time.RFC3339))
		}
		out.sendAt = *c.SendAt
	}
	msgs := []bot.Message{{Kind: bot.KindText, Text: out.text}}
	out.wa = bot.Render(bot.WhatsApp, msgs)[0].Text
	for _, r := range bot.Render(bot.SMS, msgs) {
		out.sms = append(out.sms, r.Text)
	}
	if len(out.sms) == 0 {
		return out, invalid("the text has nothing that can be sent by SMS")
	}
	if len(out.sms) > MaxSMSParts {
		return out, invalid("the text needs %d SMS per recipient; at most %d: shorten it", len(out.sms), MaxSMSParts)
	}
	if out.content, err = json.Marshal(msgs); err != nil {
		return out, fmt.Errorf("compose announcement: %w", err)
	}
	return out, nil
}

// Preview tells who an announcement would reach and what it would cost,
// without sending anything.
func (s *Service) Preview(ctx context.Context, who store.Admin, c Compose) (Preview, error) {
	cm, err := s.compose(ctx, who, c)
	if err != nil {
		return Preview{}, err
	}
	n, err := s.Store.CountAudience(ctx, cm.audience, cm.sendAt)
	if err != nil {
		return Preview{}, err
	}
	p := Preview{
		Recipients: n.WhatsApp + n.SMS, WhatsApp: n.WhatsApp, SMS: n.SMS, OptedOut: n.OptedOut, HeldForQuietHours: n.Held, WaitsForTomorrow: n.Tomorrow,
		WhatsAppText: cm.wa, SMSParts: cm.sms, SMSPrice: s.SMSPrice, Currency: "IDR", Target: cm.target,
	}
	s.deployment().route(&p, n.WhatsApp, n.SMS, len(cm.sms), cm.fallback)
	if !cm.sendAt.IsZero() {
		p.SendAt = &cm.sendAt
	}
	return p, nil
}

// Sent is the outcome of sending an announcement.
type Sent struct {
	ID int64 `json:"id"`
	Preview
	// Messages are the outbox rows written: one per WhatsApp recipient,
	// one per SMS part for SMS recipients.
	Messages int `json:"messages"`
}

// Send queues the announcement for everyone it reaches now (the audience
// is read again in the sending transaction; the preview's figures may have
// moved since). Messages leave at bulk priority, after replies, and each
// only between 08:00 and 20:00 in its recipient's time zone.
func (s *Service) Send(ctx context.Context, who store.Admin, c Compose) (Sent, error) {
	cm, err := s.compose(ctx, who, c)
	if err != nil {
		return Sent{}, err
	}
	target, err := json.Marshal(cm.target)
	if err != nil {
		return Sent{}, fmt.Errorf("send announcement: %w", err)
	}
	q, err := s.Store.SendAnnouncement(ctx, store.NewAnnouncement{
		AdminID: who.ID, Audience: cm.audience, Scope: reach(who.Scope, cm.audience.Regions), Text: cm.text,
		Target: target, SendAt: cm.sendAt, WhatsAppText: cm.wa, SMSParts: cm.sms, Content: cm.content,
		SpillToSMS: cm.fallback == OverCapSpill,
	})
	if err != nil {
		return Sent{}, err
	}
	out := Sent{ID: q.ID, Messages: q.Messages, Preview: Preview{
		Recipients: q.Recipients, SMS: q.SMSSegments / len(cm.sms), OptedOut: q.OptedOut, HeldForQuietHours: q.Held, WaitsForTomorrow: q.Tomorrow,
		WhatsAppText: cm.wa, SMSParts: cm.sms, SMSPrice: s.SMSPrice, Currency: "IDR", Target: cm.target,
	}}
	out.WhatsApp = out.Recipients - out.SMS
	s.deployment().route(&out.Preview, out.WhatsApp, out.SMS, len(cm.sms), cm.fallback)
	if !cm.sendAt.IsZero() {
		out.SendAt = &cm.sendAt
	}
	return out, nil
}

// reach is the narrowest region that holds every target region (the whole
// scope when there are none): an announcement to two regencies of NTB is
// NTB's, and admins of NTB see it, those of one regency do not.
func reach(scope region.Code, regions []region.Code) region.Code {
	if len(regions) == 0 {
		return scope
	}
	common := regions[0]
	for _, r := range regions[1:] {
		for !r.Within(common) {
			common = common.Parent()
		}
	}
	return common
}

// Summary is an announcement as it was sent.
type Summary struct {
	ID          int64           `json:"id"`
	Text        string          `json:"text"`
	Target      json.RawMessage `json:"target"`
	Scope       region.Code     `json:"scope"`
	Admin       string          `json:"admin"`
	CreatedAt   time.Time       `json:"created_at"`
	SendAt      *time.Time      `json:"send_at,omitempty"`
	CancelledAt *time.Time      `json:"cancelled_at,omitempty"`
	Recipients  int             `json:"recipients"`
	Messages    int             `json:"messages"`
	SMSSegments int             `json:"sms_segments"`
	OptedOut    int             `json:"opted_out"`
	OverCap     string          `json:"over_cap"`
}

// Status is an announcement with where its messages are, live.
type Status struct {
	Summary
	// The announcement's own messages by status (queued, held, sent,
	// delivered, read, failed, cancelled, fell_back_to_sms).
	DeliveryCounts
	// SMSFallback are the SMS sent in place of WhatsApp messages that were
	// not delivered in time, by status.
	SMSFallback DeliveryCounts `json:"sms_fallback"`
}

func toSummary(a store.Announcement) Summary {
	name := a.AdminName
	if !a.AdminID.Valid {
		name = "operator"
	}
	return Summary{ID: a.ID, Text: a.Text, Target: a.Target, Scope: a.Scope, Admin: name, CreatedAt: a.CreatedAt,
		SendAt: a.SendAt, CancelledAt: a.CancelledAt, Recipients: a.Recipients, Messages: a.Messages,
		SMSSegments: a.SMSSegments, OptedOut: a.OptedOut, OverCap: a.OverCap}
}

// Status reports where announcement id's messages are. An announcement
// that reached beyond who's region is ErrForbidden.
func (s *Service) Status(ctx context.Context, who store.Admin, id int64) (Status, error) {
	a, st, err := s.Store.AnnouncementStats(ctx, who.Scope, id)
	if err != nil {
		return Status{}, fromStore(err)
	}
	return Status{Summary: toSummary(a), DeliveryCounts: deliveryCounts(st.Messages), SMSFallback: deliveryCounts(st.Fallback)}, nil
}

// Cancel stops what of announcement id has not left yet and returns how
// many messages that was, with the status after.
func (s *Service) Cancel(ctx context.Context, who store.Admin, id int64) (int, Status, error) {
	n, err := s.Store.CancelAnnouncement(ctx, who.Scope, id)
	if err != nil {
		return 0, Status{}, fromStore(err)
	}
	st, err := s.Status(ctx, who, id)
	return n, st, err
}

// Announcements lists the latest announcements inside who's region.
func (s *Service) Announcements(ctx context.Context, who store.Admin, limit int) ([]Summary, error) {
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	as, err := s.Store.Announcements(ctx, who.Scope, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Summary, 0, len(as))
	for _, a := range as {
		out = append(out, toSummary(a))
	}
	return out, nil
}
