package store

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/pamong-desa/pamong/bot"
)

func TestHandledLogEvents(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	Handled{}.LogEvents(log)
	if buf.Len() != 0 {
		t.Fatalf("no events, yet logged: %s", buf.String())
	}
	Handled{Events: []bot.Event{bot.RegionsMissing{Code: "5201012001"}}}.LogEvents(log)
	if out := buf.String(); !strings.Contains(out, "level=WARN") || !strings.Contains(out, "pamong regions import") || !strings.Contains(out, "village=5201012001") {
		t.Fatalf("log: %s", out)
	}
}
