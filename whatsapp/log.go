package whatsapp

import (
	"context"
	"fmt"
	"log/slog"

	waLog "go.mau.fi/whatsmeow/util/log"

	"github.com/pamong-desa/pamong/phone"
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
		msg = phone.MaskDigits(msg)
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
