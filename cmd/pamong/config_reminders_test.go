package main

import (
	"strings"
	"testing"
)

func TestConfigReminderSwitches(t *testing.T) {
	tests := []struct {
		reminders, review string
		wantRem, wantRev  bool
		err               string
	}{
		{"", "", true, true, ""},
		{"off", "on", false, true, ""},
		{"ON", "OFF", true, false, ""},
		{"yes", "", false, true, `PAMONG_REMINDERS="yes": want on or off`},
		{"", "0", true, false, `PAMONG_REVIEW="0": want on or off`},
	}
	for _, tc := range tests {
		cfg, err := LoadConfig(func(k string) string {
			return map[string]string{"PAMONG_REMINDERS": tc.reminders, "PAMONG_REVIEW": tc.review}[k]
		})
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q/%q: error %v, want %q", tc.reminders, tc.review, err, tc.err)
		case tc.err == "" && err != nil:
			t.Errorf("%q/%q: %v", tc.reminders, tc.review, err)
		case tc.err == "" && (cfg.Reminders != tc.wantRem || cfg.Review != tc.wantRev):
			t.Errorf("%q/%q: reminders %v review %v", tc.reminders, tc.review, cfg.Reminders, cfg.Review)
		}
	}
}
