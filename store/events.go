package store

import (
	"log/slog"

	"github.com/pamong-desa/pamong/bot"
)

// LogEvents tells the operator what the engine noticed while handling the
// message. Every door that hands messages to HandleInbound (the SMS
// webhooks, the WhatsApp adapter, pamong chat) reports them through this
// one place, so they read the same whatever the channel.
func (h Handled) LogEvents(log *slog.Logger) {
	for _, ev := range h.Events {
		if m, ok := ev.(bot.RegionsMissing); ok {
			log.Warn("no regions imported: village code accepted unchecked; run 'pamong regions import FILE.csv'", "village", m.Code)
		}
	}
}
