package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pamong-desa/pamong/certificate"
)

// Config is everything Pamong reads from the environment. Each field names
// its variable; README.md has the table.
type Config struct {
	DatabaseURL string     // DATABASE_URL; empty: the private cluster
	DataDir     string     // PAMONG_DATA_DIR
	Addr        string     // PAMONG_ADDR
	LogLevel    slog.Level // PAMONG_LOG_LEVEL
	CoursePath  string     // PAMONG_COURSE; empty: the bundled course
	PublicURL   string     // PAMONG_PUBLIC_URL
	Issuer      string     // PAMONG_ISSUER: printed on certificates
	// MetricsAddr (PAMONG_METRICS_ADDR) gives /metrics a listener of its
	// own; empty: on Addr. MetricsToken (PAMONG_METRICS_TOKEN) makes it
	// require a Bearer token.
	MetricsAddr, MetricsToken string

	SMSProvider string // SMS_PROVIDER: "", "twilio", "kannel"
	Twilio      TwilioConfig
	Kannel      KannelConfig

	SMSRate         float64 // PAMONG_SMS_RATE, segments per second
	WhatsAppRate    float64 // PAMONG_WHATSAPP_RATE, messages per second
	DispatchWorkers int     // PAMONG_DISPATCH_WORKERS
	MaxAttempts     int     // PAMONG_MAX_ATTEMPTS
	MaxAge          time.Duration
	RetryBase       time.Duration // PAMONG_RETRY_BASE: the first retry's delay, doubling after
	FallbackAfter   time.Duration // PAMONG_FALLBACK_AFTER: WhatsApp without a receipt this long goes by SMS
	ClockShift      time.Duration // PAMONG_CLOCK_SHIFT: drills and tests only
	SMSPrice        int           // PAMONG_SMS_PRICE: rupiah per SMS segment, for announcement cost estimates
	Reminders       bool          // PAMONG_REMINDERS: nudges to learners who stall (default on)
	Review          bool          // PAMONG_REVIEW: spaced review of wrong answers (default on)
}

// TwilioConfig is the TWILIO_* variables.
type TwilioConfig struct {
	AccountSID, AuthToken, From, MessagingServiceSID, APIURL string
}

// Set tells whether any Twilio variable is set.
func (t TwilioConfig) Set() bool {
	return t.AccountSID != "" || t.AuthToken != "" || t.From != "" || t.MessagingServiceSID != "" || t.APIURL != ""
}

// KannelConfig is the KANNEL_* variables.
type KannelConfig struct {
	SendSMSURL, Username, Password, From, Secret string
}

// Set tells whether any Kannel variable is set.
func (k KannelConfig) Set() bool {
	return k.SendSMSURL != "" || k.Username != "" || k.Password != "" || k.From != "" || k.Secret != ""
}

// LoadConfig reads and validates the environment.
func LoadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		DatabaseURL:  getenv("DATABASE_URL"),
		DataDir:      or(getenv("PAMONG_DATA_DIR"), ".pamong"),
		Addr:         or(getenv("PAMONG_ADDR"), ":8080"),
		CoursePath:   getenv("PAMONG_COURSE"),
		PublicURL:    strings.TrimSuffix(getenv("PAMONG_PUBLIC_URL"), "/"),
		Issuer:       or(strings.Join(strings.Fields(getenv("PAMONG_ISSUER")), " "), certificate.DefaultIssuer),
		MetricsAddr:  getenv("PAMONG_METRICS_ADDR"),
		MetricsToken: getenv("PAMONG_METRICS_TOKEN"),
		SMSProvider:  strings.ToLower(getenv("SMS_PROVIDER")),
		Twilio: TwilioConfig{
			AccountSID:          getenv("TWILIO_ACCOUNT_SID"),
			AuthToken:           getenv("TWILIO_AUTH_TOKEN"),
			From:                getenv("TWILIO_FROM"),
			MessagingServiceSID: getenv("TWILIO_MESSAGING_SERVICE_SID"),
			APIURL:              getenv("TWILIO_API_URL"),
		},
		Kannel: KannelConfig{
			SendSMSURL: getenv("KANNEL_SENDSMS_URL"),
			Username:   getenv("KANNEL_USERNAME"),
			Password:   getenv("KANNEL_PASSWORD"),
			From:       getenv("KANNEL_FROM"),
			Secret:     getenv("KANNEL_SECRET"),
		},
	}
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if lvl := getenv("PAMONG_LOG_LEVEL"); lvl != "" {
		if err := c.LogLevel.UnmarshalText([]byte(lvl)); err != nil {
			bad("PAMONG_LOG_LEVEL=%q: want debug, info, warn or error", lvl)
		}
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") && !strings.Contains(c.DatabaseURL, "=") {
		bad("DATABASE_URL is not a PostgreSQL connection string: want postgres://user:password@host:5432/pamong?sslmode=disable")
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("PAMONG_PUBLIC_URL=%q: want the externally visible base URL, like https://pamong.example.go.id", c.PublicURL)
		}
	}
	if n := utf8.RuneCountInString(c.Issuer); n > 120 {
		bad("PAMONG_ISSUER is %d characters: want the issuing body's name, like \"Dinas PMD Provinsi Nusa Tenggara Barat\"", n)
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			bad("PAMONG_METRICS_ADDR=%q: want host:port, like 127.0.0.1:9090", c.MetricsAddr)
		} else if c.MetricsAddr == c.Addr {
			bad("PAMONG_METRICS_ADDR=%q is PAMONG_ADDR: give metrics another port, or leave it unset to serve them on PAMONG_ADDR", c.MetricsAddr)
		}
	}
	if t := c.MetricsToken; t != "" && (len(t) < 16 || strings.ContainsAny(t, " \t\r\n")) {
		bad("PAMONG_METRICS_TOKEN: want at least 16 characters without spaces, like the output of 'openssl rand -hex 16'")
	}
	switch c.SMSProvider {
	case "", "twilio", "kannel":
	default:
		bad("SMS_PROVIDER=%q: want twilio or kannel (or leave it unset)", c.SMSProvider)
	}
	number := func(name string, def float64) float64 {
		s := getenv(name)
		if s == "" {
			return def
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f <= 0 {
			bad("%s=%q: want a positive number", name, s)
		}
		return f
	}
	c.SMSRate = number("PAMONG_SMS_RATE", 10)
	c.WhatsAppRate = number("PAMONG_WHATSAPP_RATE", 20)
	c.DispatchWorkers = int(number("PAMONG_DISPATCH_WORKERS", 8))
	c.MaxAttempts = int(number("PAMONG_MAX_ATTEMPTS", 10))
	c.MaxAge = time.Duration(number("PAMONG_MAX_AGE_HOURS", 24) * float64(time.Hour))
	c.SMSPrice = int(number("PAMONG_SMS_PRICE", 350))
	duration := func(name string, def time.Duration) time.Duration {
		s := getenv(name)
		if s == "" {
			return def
		}
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			bad("%s=%q: want a duration like %s", name, s, def)
		}
		return d
	}
	c.RetryBase = duration("PAMONG_RETRY_BASE", 5*time.Second)
	c.FallbackAfter = duration("PAMONG_FALLBACK_AFTER", 10*time.Minute)
	if s := getenv("PAMONG_CLOCK_SHIFT"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			bad("PAMONG_CLOCK_SHIFT=%q: want a duration like 10h", s)
		}
		c.ClockShift = d
	}
	onOff := func(name string) bool {
		switch s := strings.ToLower(getenv(name)); s {
		case "", "on":
			return true
		case "off":
			return false
		default:
			bad("%s=%q: want on or off", name, s)
			return false
		}
	}
	c.Reminders, c.Review = onOff("PAMONG_REMINDERS"), onOff("PAMONG_REVIEW")
	if len(errs) > 0 {
		return c, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
