package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/store"
	"github.com/pamong-desa/pamong/twilio"
	"github.com/pamong-desa/pamong/webhooks"
)

// setUpTwilio builds the Twilio SMS sender and registers its webhooks.
// Without any TWILIO_* variable Pamong runs without SMS. With some but not
// all, it says what is missing and runs without SMS, unless SMS_PROVIDER
// asked for Twilio explicitly: then a half-configured SMS is an error, not
// a surprise discovered when messages pile up.
func setUpTwilio(cfg Config, db *store.DB, course *lessons.Course, log *slog.Logger, mux *http.ServeMux) (*twilio.Sender, error) {
	if !cfg.Twilio.Set() && cfg.SMSProvider == "" {
		log.Info("SMS is off: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM and PAMONG_PUBLIC_URL to send SMS through Twilio")
		return nil, nil
	}
	tc := twilio.Config{
		AccountSID: cfg.Twilio.AccountSID, AuthToken: cfg.Twilio.AuthToken,
		From: cfg.Twilio.From, MessagingServiceSID: cfg.Twilio.MessagingServiceSID, APIURL: cfg.Twilio.APIURL,
	}
	err := tc.Validate()
	if cfg.PublicURL == "" {
		err = errors.Join(err, errors.New("PAMONG_PUBLIC_URL must be set: Twilio's webhook signatures are checked against it and status callbacks point at it"))
	} else {
		tc.StatusCallback = cfg.PublicURL + "/webhooks/twilio/status"
	}
	var sender *twilio.Sender
	if err == nil {
		sender, err = twilio.New(tc)
	}
	if err != nil {
		if cfg.SMSProvider == "twilio" {
			return nil, fmt.Errorf("SMS_PROVIDER=twilio but Twilio is not configured: %w", err)
		}
		log.Warn("SMS is off: the Twilio configuration is incomplete", "err", err)
		return nil, nil
	}
	hooks := &webhooks.Twilio{Store: db, Course: course, Validator: twilio.NewValidator(cfg.Twilio.AuthToken),
		PublicURL: cfg.PublicURL, Log: log.With("component", "webhooks")}
	hooks.Routes(mux)
	log.Info("SMS through Twilio", "api", or(cfg.Twilio.APIURL, "https://api.twilio.com"))
	return sender, nil
}
