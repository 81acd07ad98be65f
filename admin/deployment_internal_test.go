package admin

import (
	"testing"
	"time"
)

func TestRouteByDeployment(t *testing.T) {
	both := Deployment{WhatsApp: true, SMS: true, WhatsAppPerHour: 200, WhatsAppInterval: 3 * time.Second}
	for _, tt := range []struct {
		name                          string
		d                             Deployment
		fallback                      string
		byWA, bySMS, spilled, nowhere int
		cost                          int
		hours                         float64
		time                          string
	}{
		{"waits for WhatsApp at the cap", both, OverCapWait, 60_000, 1_000, 0, 0, 1_000 * 2 * 350, 300,
			"60,000 by WhatsApp at 200/hour ≈ 25 days of 08:00–20:00 sending (300 hours)"},
		{"spills beyond an hour of the cap", both, OverCapSpill, 200, 60_800, 59_800, 0, 60_800 * 2 * 350, 1,
			"200 by WhatsApp at 200/hour ≈ 1 hour"},
		{"no WhatsApp device: all by SMS", Deployment{SMS: true, WhatsAppPerHour: 200}, OverCapWait, 0, 61_000, 0, 0, 61_000 * 2 * 350, 0, ""},
		{"bulk switched off: all by SMS", Deployment{WhatsApp: true, SMS: true, WhatsAppPerHour: -1}, OverCapWait, 0, 61_000, 0, 0, 61_000 * 2 * 350, 0, ""},
		{"no SMS gateway", Deployment{WhatsApp: true, WhatsAppPerHour: 200}, OverCapWait, 60_000, 0, 0, 1_000, 0, 300,
			"60,000 by WhatsApp at 200/hour ≈ 25 days of 08:00–20:00 sending (300 hours)"},
		{"an interval slower than the cap sets the pace", Deployment{WhatsApp: true, SMS: true, WhatsAppPerHour: 200, WhatsAppInterval: time.Minute},
			OverCapWait, 60_000, 1_000, 0, 0, 1_000 * 2 * 350, 1000, "60,000 by WhatsApp at 60/hour ≈ 83.3 days of 08:00–20:00 sending (1000 hours)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := Preview{SMSPrice: 350}
			tt.d.route(&p, 60_000, 1_000, 2, tt.fallback)
			if p.ByWhatsApp != tt.byWA || p.BySMS != tt.bySMS || p.SpilledToSMS != tt.spilled || p.Unreachable != tt.nowhere ||
				p.EstimatedCost != tt.cost || p.WhatsAppHours != tt.hours || p.WhatsAppTime != tt.time {
				t.Fatalf("got whatsapp %d sms %d spilled %d unreachable %d cost %d hours %v %q",
					p.ByWhatsApp, p.BySMS, p.SpilledToSMS, p.Unreachable, p.EstimatedCost, p.WhatsAppHours, p.WhatsAppTime)
			}
		})
	}
}
