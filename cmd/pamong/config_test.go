package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/certificate"
)

// TestLoadConfigEverySetting sets each variable alone to a good value, to
// a bad one, and leaves it unset: a good value lands in its field, a bad
// one is an error naming the variable and the value (not a secret's), and
// unset keeps the default.
func TestLoadConfigEverySetting(t *testing.T) {
	tests := []struct {
		name      string
		good      string
		check     func(c Config) bool // the good value landed
		unset     func(c Config) bool // the default when unset
		bad       string
		wantErr   string // in the error for bad, after NAME="bad": or NAME:
		hideValue bool
	}{
		{name: "DATABASE_URL", good: "postgres://pamong@db:5432/pamong", check: func(c Config) bool { return c.DatabaseURL == "postgres://pamong@db:5432/pamong" },
			unset: func(c Config) bool { return c.DatabaseURL == "" }, bad: "mysql://root@db/pamong", wantErr: "not a PostgreSQL connection string", hideValue: true},
		{name: "PAMONG_DATA_DIR", good: "/srv/pamong", check: func(c Config) bool { return c.DataDir == "/srv/pamong" },
			unset: func(c Config) bool { return c.DataDir == ".pamong" }},
		{name: "PAMONG_LOG_LEVEL", good: "debug", check: func(c Config) bool { return c.LogLevel == slog.LevelDebug },
			unset: func(c Config) bool { return c.LogLevel == slog.LevelInfo }, bad: "loud", wantErr: "want debug, info, warn or error"},
		{name: "PAMONG_PUBLIC_URL", good: "https://pamong.example.go.id/", check: func(c Config) bool { return c.PublicURL == "https://pamong.example.go.id" },
			unset: func(c Config) bool { return c.PublicURL == "" }, bad: "pamong.example.go.id", wantErr: "want the externally visible base URL"},
		{name: "PAMONG_ISSUER", good: "  Dinas PMD  Provinsi NTB ", check: func(c Config) bool { return c.Issuer == "Dinas PMD Provinsi NTB" },
			unset: func(c Config) bool { return c.Issuer == certificate.DefaultIssuer }, bad: strings.Repeat("Dinas ", 30), wantErr: "is 179 characters"},
		{name: "PAMONG_ADDR", good: "127.0.0.1:9000", check: func(c Config) bool { return c.Addr == "127.0.0.1:9000" },
			unset: func(c Config) bool { return c.Addr == ":8080" }, bad: "8080", wantErr: "want host:port"},
		{name: "PAMONG_COURSE", good: "/srv/course", check: func(c Config) bool { return c.CoursePath == "/srv/course" },
			unset: func(c Config) bool { return c.CoursePath == "" }},
		{name: "PAMONG_SMS_PRICE", good: "400", check: func(c Config) bool { return c.SMSPrice == 400 },
			unset: func(c Config) bool { return c.SMSPrice == 350 }, bad: "350.5", wantErr: "want a whole number of at least 1"},
		{name: "PAMONG_METRICS_ADDR", good: "127.0.0.1:9090", check: func(c Config) bool { return c.MetricsAddr == "127.0.0.1:9090" },
			unset: func(c Config) bool { return c.MetricsAddr == "" }, bad: "9090", wantErr: "want host:port"},
		{name: "PAMONG_METRICS_TOKEN", good: "0123456789abcdef", check: func(c Config) bool { return c.MetricsToken == "0123456789abcdef" },
			unset: func(c Config) bool { return c.MetricsToken == "" }, bad: "short", wantErr: "want at least 16 characters", hideValue: true},
		{name: "SMS_PROVIDER", good: "Kannel", check: func(c Config) bool { return c.SMSProvider == "kannel" },
			unset: func(c Config) bool { return c.SMSProvider == "" }, bad: "nexmo", wantErr: "want twilio or kannel"},
		{name: "TWILIO_ACCOUNT_SID", good: "AC0", check: func(c Config) bool { return c.Twilio.AccountSID == "AC0" },
			unset: func(c Config) bool { return !c.Twilio.Set() }},
		{name: "TWILIO_AUTH_TOKEN", good: "tok", check: func(c Config) bool { return c.Twilio.AuthToken == "tok" },
			unset: func(c Config) bool { return !c.Twilio.Set() }},
		{name: "TWILIO_FROM", good: "PAMONG", check: func(c Config) bool { return c.Twilio.From == "PAMONG" },
			unset: func(c Config) bool { return !c.Twilio.Set() }},
		{name: "TWILIO_MESSAGING_SERVICE_SID", good: "MG0", check: func(c Config) bool { return c.Twilio.MessagingServiceSID == "MG0" },
			unset: func(c Config) bool { return !c.Twilio.Set() }},
		{name: "TWILIO_API_URL", good: "http://127.0.0.1:1", check: func(c Config) bool { return c.Twilio.APIURL == "http://127.0.0.1:1" },
			unset: func(c Config) bool { return !c.Twilio.Set() }},
		{name: "KANNEL_SENDSMS_URL", good: "http://kannel:13013/cgi-bin/sendsms", check: func(c Config) bool { return c.Kannel.SendSMSURL == "http://kannel:13013/cgi-bin/sendsms" },
			unset: func(c Config) bool { return !c.Kannel.Set() }},
		{name: "KANNEL_USERNAME", good: "pamong", check: func(c Config) bool { return c.Kannel.Username == "pamong" },
			unset: func(c Config) bool { return !c.Kannel.Set() }},
		{name: "KANNEL_PASSWORD", good: "pw", check: func(c Config) bool { return c.Kannel.Password == "pw" },
			unset: func(c Config) bool { return !c.Kannel.Set() }},
		{name: "KANNEL_FROM", good: "PAMONG", check: func(c Config) bool { return c.Kannel.From == "PAMONG" },
			unset: func(c Config) bool { return !c.Kannel.Set() }},
		{name: "KANNEL_SECRET", good: "s3cret", check: func(c Config) bool { return c.Kannel.Secret == "s3cret" },
			unset: func(c Config) bool { return !c.Kannel.Set() }},
		{name: "PAMONG_SMS_RATE", good: "0.5", check: func(c Config) bool { return c.SMSRate == 0.5 },
			unset: func(c Config) bool { return c.SMSRate == 10 }, bad: "NaN", wantErr: "want a positive number"},
		{name: "PAMONG_WHATSAPP_RATE", good: "5", check: func(c Config) bool { return c.WhatsAppRate == 5 },
			unset: func(c Config) bool { return c.WhatsAppRate == 20 }, bad: "-1", wantErr: "want a positive number"},
		// The finding: 0.5 used to become int(0.5) = 0 and then the default 8.
		{name: "PAMONG_DB_CONNS", good: "16", check: func(c Config) bool { return c.DBConns == 16 },
			unset: func(c Config) bool { return c.DBConns == 0 }, bad: "1", wantErr: "want a whole number of at least 2, like 16"},
		{name: "PAMONG_DISPATCH_WORKERS", good: "32", check: func(c Config) bool { return c.DispatchWorkers == 32 },
			unset: func(c Config) bool { return c.DispatchWorkers == 8 }, bad: "0.5", wantErr: "want a whole number of at least 1, like 8"},
		{name: "PAMONG_MAX_ATTEMPTS", good: "3", check: func(c Config) bool { return c.MaxAttempts == 3 },
			unset: func(c Config) bool { return c.MaxAttempts == 10 }, bad: "1e3", wantErr: "want a whole number"},
		{name: "PAMONG_MAX_AGE_HOURS", good: "48", check: func(c Config) bool { return c.MaxAge == 48*time.Hour },
			unset: func(c Config) bool { return c.MaxAge == 24*time.Hour }, bad: "0", wantErr: "want a whole number of at least 1"},
		{name: "PAMONG_RETRY_BASE", good: "20ms", check: func(c Config) bool { return c.RetryBase == 20*time.Millisecond },
			unset: func(c Config) bool { return c.RetryBase == 5*time.Second }, bad: "5", wantErr: "want a duration like 5s"},
		{name: "PAMONG_FALLBACK_AFTER", good: "30m", check: func(c Config) bool { return c.FallbackAfter == 30*time.Minute },
			unset: func(c Config) bool { return c.FallbackAfter == 10*time.Minute }, bad: "-1m", wantErr: "want a duration like 10m"},
		{name: "PAMONG_CLOCK_SHIFT", good: "-2h", check: func(c Config) bool { return c.ClockShift == -2*time.Hour },
			unset: func(c Config) bool { return c.ClockShift == 0 }, bad: "tomorrow", wantErr: "want a duration like 10h"},
		{name: "PAMONG_REMINDERS", good: "OFF", check: func(c Config) bool { return !c.Reminders },
			unset: func(c Config) bool { return c.Reminders }, bad: "yes", wantErr: "want on or off"},
		{name: "PAMONG_REVIEW", good: "off", check: func(c Config) bool { return !c.Review },
			unset: func(c Config) bool { return c.Review }, bad: "0", wantErr: "want on or off"},
		{name: "PAMONG_WHATSAPP_BULK_INTERVAL", good: "10s", check: func(c Config) bool { return c.WhatsApp.BulkInterval == 10*time.Second },
			unset: func(c Config) bool { return c.WhatsApp.BulkInterval == 3*time.Second }, bad: "3", wantErr: "want a duration like 3s"},
		{name: "PAMONG_WHATSAPP_BULK_PER_HOUR", good: "0", check: func(c Config) bool { return c.WhatsApp.BulkPerHour == -1 },
			unset: func(c Config) bool { return c.WhatsApp.BulkPerHour == 200 }, bad: "-5", wantErr: "want a whole number like 200"},
		{name: "PAMONG_WHATSAPP_PAUSE", good: "6h", check: func(c Config) bool { return c.WhatsApp.Pause == 6*time.Hour },
			unset: func(c Config) bool { return c.WhatsApp.Pause == time.Hour }, bad: "0s", wantErr: "want a duration like 1h"},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.name] = true
		env := func(v string) func(string) string {
			return func(k string) string {
				if k == tt.name {
					return v
				}
				return ""
			}
		}
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadConfig(env(""), needAll)
			if err != nil || !tt.unset(c) {
				t.Errorf("unset: err %v, config %+v", err, c)
			}
			c, err = LoadConfig(env(tt.good), needAll)
			if err != nil || !tt.check(c) {
				t.Errorf("%s=%q: err %v, config %+v", tt.name, tt.good, err, c)
			}
			if tt.bad == "" {
				return
			}
			_, err = LoadConfig(env(tt.bad), needAll)
			want := tt.name + "=" + `"` + tt.bad + `": ` + tt.wantErr
			if tt.hideValue {
				want = tt.name + ": " + tt.wantErr
			}
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s=%q: err %v, want %q", tt.name, tt.bad, err, want)
			}
			if tt.hideValue && err != nil && strings.Contains(err.Error(), tt.bad) {
				t.Errorf("the error shows the secret's value: %v", err)
			}
		})
	}
	for _, s := range settings {
		if !covered[s.name] {
			t.Errorf("%s has no row in this test", s.name)
		}
	}
}

// TestLoadConfigReadsOnlyWhatTheCommandNeeds: a setting a command does not
// use neither stops it nor is read; all wrong settings it uses are named
// together.
func TestLoadConfigReadsOnlyWhatTheCommandNeeds(t *testing.T) {
	bad := map[string]string{
		"PAMONG_PUBLIC_URL": "pamong.example.go.id", "PAMONG_DISPATCH_WORKERS": "0.5",
		"PAMONG_WHATSAPP_PAUSE": "soon", "PAMONG_LOG_LEVEL": "loud", "PAMONG_SMS_PRICE": "gratis",
	}
	var read []string
	getenv := func(k string) string { read = append(read, k); return bad[k] }
	tests := []struct {
		needs    need
		wantErrs []string
	}{
		{0, nil},
		{needDatabase, []string{"PAMONG_LOG_LEVEL"}},
		{needStore, []string{"PAMONG_LOG_LEVEL", "PAMONG_PUBLIC_URL"}},
		{needAdmin, []string{"PAMONG_LOG_LEVEL", "PAMONG_PUBLIC_URL", "PAMONG_SMS_PRICE"}},
		{needAll, []string{"PAMONG_LOG_LEVEL", "PAMONG_PUBLIC_URL", "PAMONG_SMS_PRICE", "PAMONG_DISPATCH_WORKERS", "PAMONG_WHATSAPP_PAUSE"}},
	}
	for _, tt := range tests {
		read = nil
		_, err := LoadConfig(getenv, tt.needs)
		if len(tt.wantErrs) == 0 && err != nil {
			t.Errorf("needs %b: %v", tt.needs, err)
		}
		for _, name := range tt.wantErrs {
			if err == nil || !strings.Contains(err.Error(), name+"=") {
				t.Errorf("needs %b: err %v, want it to name %s", tt.needs, err, name)
			}
		}
		if err != nil && strings.Count(err.Error(), "=") != len(tt.wantErrs) {
			t.Errorf("needs %b: err %v names other variables than %v", tt.needs, err, tt.wantErrs)
		}
		for _, k := range read {
			for _, s := range settings {
				if s.name == k && s.need&tt.needs == 0 {
					t.Errorf("needs %b: read %s", tt.needs, k)
				}
			}
		}
	}
}

// TestCommandsCheckSettingsFirst runs commands through run: version works
// whatever the settings, and serve names a bad WhatsApp setting before it
// tries to reach a database (it used to fail on the connection first and
// on PAMONG_WHATSAPP_* only once WhatsApp was set up).
func TestCommandsCheckSettingsFirst(t *testing.T) {
	t.Setenv("PAMONG_PUBLIC_URL", "pamong.example.go.id")
	t.Setenv("PAMONG_WHATSAPP_PAUSE", "soon")
	t.Setenv("PAMONG_DISPATCH_WORKERS", "0.5")
	t.Setenv("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=1")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"version"}, strings.NewReader(""), &out, &errOut); err != nil || !strings.HasPrefix(out.String(), "pamong ") {
		t.Errorf("version with a bad PAMONG_PUBLIC_URL: %v, %q", err, out.String())
	}
	err := run(context.Background(), []string{"serve"}, strings.NewReader(""), &out, &errOut)
	for _, want := range []string{`PAMONG_PUBLIC_URL="pamong.example.go.id"`, `PAMONG_WHATSAPP_PAUSE="soon"`, `PAMONG_DISPATCH_WORKERS="0.5"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("serve: err %v, want it to name %s", err, want)
		}
	}
	t.Setenv("PAMONG_PUBLIC_URL", "")
	if err := run(context.Background(), []string{"db", "status"}, strings.NewReader(""), &out, &errOut); err == nil || strings.Contains(err.Error(), "PAMONG_") {
		t.Errorf("db status with bad serve-only settings: %v, want only its own complaint about DATABASE_URL", err)
	}
}
