package whatsapp

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pamong-desa/pamong/phone"
)

// Status is the adapter's state for /healthz and people.
type Status struct {
	Paired bool `json:"paired"`
	// Number is the linked number, masked.
	Number    string `json:"number,omitempty"`
	Connected bool   `json:"connected"`
	LoggedOut bool   `json:"logged_out"`
	// Stopped says why WhatsApp sending stopped until a restart:
	// logged-out, stream-replaced, client-outdated or lock-lost.
	Stopped     string    `json:"stopped,omitempty"`
	BannedUntil time.Time `json:"banned_until,omitzero"`
	// PausedUntil is when bot-initiated WhatsApp sending resumes;
	// PauseReason is 463, 429, temporary-ban or hourly-cap.
	PausedUntil  time.Time `json:"paused_until,omitzero"`
	PauseReason  string    `json:"pause_reason,omitempty"`
	BulkLastHour int       `json:"bulk_last_hour"`
}

// Status tells the adapter's state now.
func (a *Adapter) Status() Status {
	own := a.client.OwnID()
	s := Status{Paired: !own.IsEmpty(), Connected: a.client.IsLoggedIn()}
	if s.Paired {
		s.Number = phone.Mask("+" + own.User)
	}
	now := a.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	s.Stopped, s.LoggedOut = a.stopped, a.stopped == "logged-out"
	if now.Before(a.bannedUntil) {
		s.BannedUntil = a.bannedUntil
	}
	if now.Before(a.pausedUntil) {
		s.PausedUntil, s.PauseReason = a.pausedUntil, a.pauseReason
	}
	recent := a.recentBulkLocked(now)
	s.BulkLastHour = len(recent)
	if n := a.cfg.BulkPerHour; n > 0 && len(recent) >= n {
		if free := recent[len(recent)-n].Add(time.Hour); free.After(s.PausedUntil) {
			s.PausedUntil, s.PauseReason = free, "hourly-cap"
		}
	}
	return s
}

// Collectors are the adapter's gauges, read from Status when scraped:
// pamong_whatsapp_connected, pamong_whatsapp_logged_out and
// pamong_whatsapp_paused (bot-initiated sending paused: 463/429, a
// temporary ban or the hourly cap).
func (a *Adapter) Collectors() []prometheus.Collector {
	gauge := func(name, help string, f func(Status) bool) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 {
			if f(a.Status()) {
				return 1
			}
			return 0
		})
	}
	return []prometheus.Collector{
		gauge("pamong_whatsapp_connected", "1 when the WhatsApp device is connected and logged in.",
			func(s Status) bool { return s.Connected }),
		gauge("pamong_whatsapp_logged_out", "1 when WhatsApp logged the device out: pair again.",
			func(s Status) bool { return s.LoggedOut }),
		gauge("pamong_whatsapp_paused", "1 while bot-initiated WhatsApp messages do not go by WhatsApp (463/429 or a temporary ban: by SMS; hourly cap: they wait).",
			func(s Status) bool { return !s.PausedUntil.IsZero() }),
	}
}
