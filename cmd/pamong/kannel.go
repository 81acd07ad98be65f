package main

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/pamong-desa/pamong/dispatch"
	"github.com/pamong-desa/pamong/kannel"
	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/store"
	"github.com/pamong-desa/pamong/webhooks"
)

// setUpSMS sets up the configured SMS gateways and returns the default SMS
// route and the other gateway, if any, as an extra route: a learner's
// replies go back through the gateway they wrote through (the outbox row
// names it), everything else (announcements, WhatsApp fallbacks) takes
// the default. See smsRoutes for which one that is.
func setUpSMS(cfg Config, db *store.DB, course *lessons.Course, log *slog.Logger, mux *http.ServeMux) (dispatch.Sender, []dispatch.Sender, error) {
	var tw, kn dispatch.Sender
	if cfg.Twilio.Set() || cfg.SMSProvider == "twilio" {
		s, err := setUpTwilio(cfg, db, course, log, mux)
		if err != nil {
			return nil, nil, err
		}
		if s != nil {
			tw = s
		}
	}
	s, err := setUpKannel(cfg, db, course, log, mux)
	if err != nil {
		return nil, nil, err
	}
	if s != nil {
		kn = s
	}
	def, extra := smsRoutes(cfg.SMSProvider, tw, kn)
	switch {
	case def == nil:
		log.Info("SMS is off: set KANNEL_SENDSMS_URL, KANNEL_USERNAME, KANNEL_PASSWORD, KANNEL_FROM, KANNEL_SECRET and PAMONG_PUBLIC_URL " +
			"for two-way SMS through Kannel, or the TWILIO_* variables to send through Twilio")
	case len(extra) > 0:
		log.Info("SMS routes: replies go back through the gateway the learner wrote through", "default", def.Name(), "also", extra[0].Name())
	}
	return def, extra, nil
}

// smsRoutes picks the default SMS route among the gateways that are set
// up (nil when not): SMS_PROVIDER when it names one; otherwise Kannel,
// which, unlike Twilio, can receive SMS in Indonesia, so the learners it
// reaches can answer; otherwise Twilio. The other gateway stays reachable
// by name.
func smsRoutes(provider string, tw, kn dispatch.Sender) (def dispatch.Sender, extra []dispatch.Sender) {
	first, second := kn, tw
	if provider == "twilio" {
		first, second = tw, kn
	}
	if first == nil {
		first, second = second, nil
	}
	if second != nil {
		extra = append(extra, second)
	}
	return first, extra
}

// setUpKannel builds the Kannel SMS sender and registers its webhooks,
// with Twilio's policy: without any KANNEL_* variable there is no Kannel;
// with some but not all, it says what is missing and goes on without it,
// unless SMS_PROVIDER=kannel asked for it explicitly: then it is an error.
func setUpKannel(cfg Config, db *store.DB, course *lessons.Course, log *slog.Logger, mux *http.ServeMux) (*kannel.Sender, error) {
	if !cfg.Kannel.Set() && cfg.SMSProvider != "kannel" {
		return nil, nil
	}
	kc := kannel.Config{
		SendSMSURL: cfg.Kannel.SendSMSURL, Username: cfg.Kannel.Username, Password: cfg.Kannel.Password,
		From: cfg.Kannel.From, Secret: cfg.Kannel.Secret,
	}
	if cfg.PublicURL != "" {
		kc.DLRURL = cfg.PublicURL + "/webhooks/kannel/dlr"
	}
	sender, err := kannel.New(kc)
	if err != nil {
		if cfg.SMSProvider == "kannel" {
			return nil, fmt.Errorf("SMS_PROVIDER=kannel but Kannel is not configured: %w", err)
		}
		log.Warn("SMS through Kannel is off: the Kannel configuration is incomplete", "err", err)
		return nil, nil
	}
	hooks := &webhooks.Kannel{Store: db, Course: course, Secret: cfg.Kannel.Secret, Log: log.With("component", "webhooks")}
	hooks.Routes(mux)
	log.Info("SMS through Kannel", "sendsms", cfg.Kannel.SendSMSURL, "dlr_url", kc.DLRURL)
	return sender, nil
}
