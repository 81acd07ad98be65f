package main

import (
	"context"
	"log/slog"

	"github.com/pamong-desa/pamong/admin"
	"github.com/pamong-desa/pamong/whatsapp"
)

// deploymentFrom tells the announcement preview what serve will send with:
// whether WhatsApp carries announcements (a device carries them here or in
// another process) and how fast, and whether an SMS gateway is set up.
func deploymentFrom(waOn, smsOn bool, wa whatsapp.Config) *admin.Deployment {
	return &admin.Deployment{WhatsApp: waOn, SMS: smsOn, WhatsAppPerHour: wa.BulkPerHour, WhatsAppInterval: wa.BulkInterval}
}

// cliDeployment is the deployment as the command line sees it without
// starting serve: a paired WhatsApp device in the database, SMS variables
// set, and the WhatsApp pacing variables. A preview that cannot tell
// assumes no WhatsApp, so that it never prices an SMS at Rp 0.
func cliDeployment(ctx context.Context, e *env, log *slog.Logger) *admin.Deployment {
	smsOn := e.cfg.Twilio.Set() || e.cfg.Kannel.Set() || e.cfg.SMSProvider != ""
	paired := false
	if dsn, err := databaseURL(ctx, e, log); err == nil {
		if dev, err := whatsapp.Open(ctx, dsn, log); err == nil {
			paired = dev.Paired()
			dev.Close()
		} else {
			log.Warn("cannot tell whether a WhatsApp device is paired; pricing as if none", "err", err)
		}
	}
	return deploymentFrom(paired, smsOn, e.cfg.WhatsApp)
}
