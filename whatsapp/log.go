package whatsapp

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"

	waLog "go.mau.fi/whatsmeow/util/log"
)

// waLogger passes whatsmeow's log lines to slog. Its messages quote JIDs,
// which are phone numbers: above debug level every long run of digits is
// masked.
type waLogger struct {
	log    *slog.Logger
	module string
}

func newWALogger(log *slog.Logger, module string) waLog.Logger {
	return waLogger{log: log, module: module}
}

func (w waLogger) logf(level slog.Level, format string, args []any) {
	if !w.log.Enabled(context.Background(), level) {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if level > slog.LevelDebug {
		msg = maskDigits(msg)
	}
	w.log.Log(context.Background(), level, msg, "module", w.module)
}

func (w waLogger) Errorf(format string, args ...any) { w.logf(slog.LevelError, format, args) }
func (w waLogger) Warnf(format string, args ...any)  { w.logf(slog.LevelWarn, format, args) }
func (w waLogger) Infof(format string, args ...any)  { w.logf(slog.LevelInfo, format, args) }
func (w waLogger) Debugf(format string, args ...any) { w.logf(slog.LevelDebug, format, args) }
func (w waLogger) Sub(module string) waLog.Logger {
	return waLogger{log: w.log, module: w.module + "/" + module}
}

var longDigits = regexp.MustCompile(`\d{6,}`)

// maskDigits keeps the last three digits of every run of six or more.
func maskDigits(s string) string {
	return longDigits.ReplaceAllStringFunc(s, func(d string) string {
		return strings.Repeat("•", len(d)-3) + d[len(d)-3:]
	})
}

// maskPhone shortens an E.164 number for logs and status: "+62…789".
func maskPhone(e164 string) string {
	if len(e164) <= 6 {
		return "…"
	}
	return e164[:3] + "…" + e164[len(e164)-3:]
}
