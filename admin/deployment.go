package admin

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Deployment is what this Pamong can send, for pricing previews: an
// announcement to WhatsApp users costs nothing per message only where a
// WhatsApp device carries it, and only as fast as its hourly cap allows.
type Deployment struct {
	// WhatsApp is a paired WhatsApp device (here or in another process).
	WhatsApp bool `json:"whatsapp"`
	// SMS is a configured SMS gateway (Twilio or Kannel).
	SMS bool `json:"sms"`
	// WhatsAppPerHour is the cap on bot-initiated WhatsApp messages an hour
	// (PAMONG_WHATSAPP_BULK_PER_HOUR); 0 or less: WhatsApp carries none, and
	// they go by SMS.
	WhatsAppPerHour int `json:"whatsapp_per_hour"`
	// WhatsAppInterval is the average gap between two of them
	// (PAMONG_WHATSAPP_BULK_INTERVAL); it bounds the pace when it is
	// slower than the cap.
	WhatsAppInterval time.Duration `json:"-"`
}

// DefaultDeployment is assumed when the Service is not told: both channels
// and WhatsApp's default pace (200 an hour, one every 3 s).
var DefaultDeployment = Deployment{WhatsApp: true, SMS: true, WhatsAppPerHour: 200, WhatsAppInterval: 3 * time.Second}

// The answers to "what of WhatsApp's share does the cap not carry?".
const (
	// OverCapWait waits for WhatsApp capacity: free, but slow.
	OverCapWait = "wait"
	// OverCapSpill sends by SMS what the cap does not carry at once.
	OverCapSpill = "spill"
)

// SendingHoursPerDay is how long bulk messages may leave each day: 08:00
// to 20:00 in each learner's time zone.
const SendingHoursPerDay = 12

// perHour is how many bulk WhatsApp messages leave in an hour: the cap,
// or fewer when the interval is slower.
func (d Deployment) perHour() int {
	n := d.WhatsAppPerHour
	if d.WhatsAppInterval > 0 {
		n = min(n, int(time.Hour/d.WhatsAppInterval))
	}
	return n
}

// route prices an announcement in this deployment: preferWA and preferSMS
// are the recipients by their preferred channel, parts the SMS per
// recipient. It mirrors what the dispatcher does: WhatsApp rows without a
// device, or with bulk switched off, go by SMS; over the hourly cap they
// wait, or spill to SMS when chosen (priced as everything beyond one hour
// of the cap: the dispatcher spills from the moment the cap is reached, so
// a little more may go by WhatsApp than priced, never less); SMS rows
// without a gateway fail.
func (d Deployment) route(p *Preview, preferWA, preferSMS, parts int, fallback string) {
	p.Deployment, p.OverCap = d, fallback
	byWA, bySMS := preferWA, preferSMS
	if !d.WhatsApp || d.perHour() <= 0 {
		byWA, bySMS = 0, preferWA+preferSMS
	} else if fallback == OverCapSpill && byWA > d.perHour() {
		p.SpilledToSMS = byWA - d.perHour()
		byWA, bySMS = d.perHour(), bySMS+p.SpilledToSMS
	}
	if !d.SMS {
		p.Unreachable, bySMS = bySMS, 0
	}
	p.ByWhatsApp, p.BySMS = byWA, bySMS
	p.SMSSegments = bySMS * parts
	p.EstimatedCost = p.SMSSegments * p.SMSPrice
	if byWA > 0 {
		p.WhatsAppHours = float64(byWA) / float64(d.perHour())
		p.WhatsAppDays = p.WhatsAppHours / SendingHoursPerDay
		p.WhatsAppTime = fmt.Sprintf("%s by WhatsApp at %s/hour ≈ %s", GroupDigits(byWA, ","), GroupDigits(d.perHour(), ","), span(p.WhatsAppHours))
	}
}

// span says how long a number of sending hours takes, in the 12 sending
// hours of each day.
func span(hours float64) string {
	switch {
	case hours < 1:
		return fmt.Sprintf("%d min", int(math.Ceil(hours*60)))
	case hours == 1:
		return "1 hour"
	case hours <= SendingHoursPerDay:
		return strconv.FormatFloat(math.Round(hours*10)/10, 'f', -1, 64) + " hours"
	}
	days := math.Round(hours/SendingHoursPerDay*10) / 10
	return fmt.Sprintf("%s days of 08:00–20:00 sending (%s hours)", strconv.FormatFloat(days, 'f', -1, 64),
		strconv.FormatFloat(math.Round(hours*10)/10, 'f', -1, 64))
}
