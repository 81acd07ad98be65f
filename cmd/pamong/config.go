package main

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pamong-desa/pamong/certificate"
	"github.com/pamong-desa/pamong/whatsapp"
)

// Config is everything Pamong reads from the environment. Each field names
// its variable; the settings table below reads them, README.md documents
// them.
type Config struct {
	DatabaseURL string     // DATABASE_URL; empty: the private cluster
	DataDir     string     // PAMONG_DATA_DIR
	Addr        string     // PAMONG_ADDR
	LogLevel    slog.Level // PAMONG_LOG_LEVEL
	CoursePath  string     // PAMONG_COURSE; empty: the bundled course
	PublicURL   string     // PAMONG_PUBLIC_URL, without a trailing slash
	Issuer      string     // PAMONG_ISSUER: printed on certificates
	// MetricsAddr (PAMONG_METRICS_ADDR) gives /metrics a listener of its
	// own; empty: on Addr. MetricsToken (PAMONG_METRICS_TOKEN) makes it
	// require a Bearer token.
	MetricsAddr, MetricsToken string

	SMSProvider string // SMS_PROVIDER: "", "twilio", "kannel"
	Twilio      TwilioConfig
	Kannel      KannelConfig

	SMSRate         float64       // PAMONG_SMS_RATE, segments per second
	WhatsAppRate    float64       // PAMONG_WHATSAPP_RATE, messages per second
	DispatchWorkers int           // PAMONG_DISPATCH_WORKERS
	DBConns         int           // PAMONG_DB_CONNS: the store's pool size; 0 is store.DefaultMaxConns
	MaxAttempts     int           // PAMONG_MAX_ATTEMPTS
	MaxAge          time.Duration // PAMONG_MAX_AGE_HOURS
	RetryBase       time.Duration // PAMONG_RETRY_BASE: the first retry's delay, doubling after
	FallbackAfter   time.Duration // PAMONG_FALLBACK_AFTER: WhatsApp without a receipt this long goes by SMS
	ClockShift      time.Duration // PAMONG_CLOCK_SHIFT: drills and tests only
	SMSPrice        int           // PAMONG_SMS_PRICE: rupiah per SMS segment, for announcement cost estimates
	Reminders       bool          // PAMONG_REMINDERS: nudges to learners who stall (default on)
	Review          bool          // PAMONG_REVIEW: spaced review of wrong answers (default on)
	// WhatsApp is the ban-safety pacing: PAMONG_WHATSAPP_BULK_INTERVAL,
	// PAMONG_WHATSAPP_BULK_PER_HOUR and PAMONG_WHATSAPP_PAUSE.
	WhatsApp whatsapp.Config

	// loaded is what LoadConfig read: a command that uses a setting it did
	// not declare gets an error (see require), not a silent default.
	loaded need
}

// TwilioConfig is the TWILIO_* variables; twilio.Config.Validate checks
// them when serve sets up SMS, because a partial one only turns SMS off.
type TwilioConfig struct {
	AccountSID, AuthToken, From, MessagingServiceSID, APIURL string
}

// Set tells whether any Twilio variable is set.
func (t TwilioConfig) Set() bool {
	return t.AccountSID != "" || t.AuthToken != "" || t.From != "" || t.MessagingServiceSID != "" || t.APIURL != ""
}

// KannelConfig is the KANNEL_* variables, checked like TwilioConfig.
type KannelConfig struct {
	SendSMSURL, Username, Password, From, Secret string
}

// Set tells whether any Kannel variable is set.
func (k KannelConfig) Set() bool {
	return k.SendSMSURL != "" || k.Username != "" || k.Password != "" || k.From != "" || k.Secret != ""
}

// A need is a group of settings that some commands read. Each command
// declares its needs (see commands); LoadConfig reads and checks those
// settings and no others, so that a setting only serve uses cannot stop
// 'pamong version' or 'pamong db stop'.
type need uint

const (
	// needDatabase: where the database is, and how much to log.
	needDatabase need = 1 << iota
	// needCertificates: what a certificate issued in a store transaction
	// carries (any command that opens the store may issue one).
	needCertificates
	// needCourse: which course the learners take.
	needCourse
	// needPricing: what announcement previews are costed with: the SMS
	// price, which SMS gateway is set up and WhatsApp's bulk pace.
	needPricing
	// needServe: the server's listeners, gateways, dispatch and pacing.
	needServe

	// needStore is what every command that opens the store needs.
	needStore = needDatabase | needCertificates
	// needAdmin is what the admin service's commands need.
	needAdmin = needStore | needCourse | needPricing
	needAll   = needAdmin | needServe
)

// A setting is one environment variable.
type setting struct {
	name string
	need need
	// secret settings are never echoed in an error: a token pasted into
	// the wrong variable would end up in logs.
	secret bool
	// parse stores a non-empty value in c, or says what a good value looks
	// like. An unset or empty variable keeps defaultConfig's value.
	parse func(c *Config, v string) error
}

// settings lists every variable Pamong reads. To add one: a field in
// Config, its default in defaultConfig, a row here, a row in README.md's
// table and in TestLoadConfigEverySetting.
var settings = []setting{
	{name: "DATABASE_URL", need: needDatabase, secret: true, parse: func(c *Config, v string) error {
		if !strings.HasPrefix(v, "postgres://") && !strings.HasPrefix(v, "postgresql://") && !strings.Contains(v, "=") {
			return errors.New("not a PostgreSQL connection string: want postgres://user:password@host:5432/pamong?sslmode=disable")
		}
		c.DatabaseURL = v
		return nil
	}},
	{name: "PAMONG_DB_CONNS", need: needDatabase, parse: wholeNumber(func(c *Config) *int { return &c.DBConns }, 2, "16")},
	{name: "PAMONG_DATA_DIR", need: needDatabase, parse: text(func(c *Config) *string { return &c.DataDir })},
	{name: "PAMONG_LOG_LEVEL", need: needDatabase, parse: func(c *Config, v string) error {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return errors.New("want debug, info, warn or error")
		}
		return nil
	}},

	{name: "PAMONG_PUBLIC_URL", need: needCertificates | needServe, parse: func(c *Config, v string) error {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return errors.New("want the externally visible base URL, like https://pamong.example.go.id")
		}
		c.PublicURL = strings.TrimSuffix(v, "/")
		return nil
	}},
	{name: "PAMONG_ISSUER", need: needCertificates, parse: func(c *Config, v string) error {
		issuer := strings.Join(strings.Fields(v), " ")
		if n := utf8.RuneCountInString(issuer); n > 120 {
			return fmt.Errorf("is %d characters: want the issuing body's name, like \"Dinas PMD Provinsi Nusa Tenggara Barat\"", n)
		}
		if issuer != "" {
			c.Issuer = issuer
		}
		return nil
	}},
	// Certificate links fall back to the listen address when
	// PAMONG_PUBLIC_URL is unset.
	{name: "PAMONG_ADDR", need: needCertificates | needServe, parse: hostPort(func(c *Config) *string { return &c.Addr }, ":8080")},

	{name: "PAMONG_COURSE", need: needCourse, parse: text(func(c *Config) *string { return &c.CoursePath })},
	{name: "PAMONG_SMS_PRICE", need: needPricing, parse: wholeNumber(func(c *Config) *int { return &c.SMSPrice }, 1, "350")},

	{name: "PAMONG_METRICS_ADDR", need: needServe, parse: hostPort(func(c *Config) *string { return &c.MetricsAddr }, "127.0.0.1:9090")},
	{name: "PAMONG_METRICS_TOKEN", need: needServe, secret: true, parse: func(c *Config, v string) error {
		if len(v) < 16 || strings.ContainsAny(v, " \t\r\n") {
			return errors.New("want at least 16 characters without spaces, like the output of 'openssl rand -hex 16'")
		}
		c.MetricsToken = v
		return nil
	}},
	{name: "SMS_PROVIDER", need: needServe | needPricing, parse: func(c *Config, v string) error {
		switch p := strings.ToLower(v); p {
		case "twilio", "kannel":
			c.SMSProvider = p
			return nil
		}
		return errors.New("want twilio or kannel (or leave it unset)")
	}},
	{name: "TWILIO_ACCOUNT_SID", need: needServe | needPricing, parse: text(func(c *Config) *string { return &c.Twilio.AccountSID })},
	{name: "TWILIO_AUTH_TOKEN", need: needServe | needPricing, secret: true, parse: text(func(c *Config) *string { return &c.Twilio.AuthToken })},
	{name: "TWILIO_FROM", need: needServe | needPricing, parse: text(func(c *Config) *string { return &c.Twilio.From })},
	{name: "TWILIO_MESSAGING_SERVICE_SID", need: needServe | needPricing, parse: text(func(c *Config) *string { return &c.Twilio.MessagingServiceSID })},
	{name: "TWILIO_API_URL", need: needServe | needPricing, parse: text(func(c *Config) *string { return &c.Twilio.APIURL })},
	{name: "KANNEL_SENDSMS_URL", need: needServe | needPricing, parse: text(func(c *Config) *string { return &c.Kannel.SendSMSURL })},
	{name: "KANNEL_USERNAME", need: needServe | needPricing, parse: text(func(c *Config) *string { return &c.Kannel.Username })},
	{name: "KANNEL_PASSWORD", need: needServe | needPricing, secret: true, parse: text(func(c *Config) *string { return &c.Kannel.Password })},
	{name: "KANNEL_FROM", need: needServe | needPricing, parse: text(func(c *Config) *string { return &c.Kannel.From })},
	{name: "KANNEL_SECRET", need: needServe | needPricing, secret: true, parse: text(func(c *Config) *string { return &c.Kannel.Secret })},

	{name: "PAMONG_SMS_RATE", need: needServe, parse: rate(func(c *Config) *float64 { return &c.SMSRate }, "10")},
	{name: "PAMONG_WHATSAPP_RATE", need: needServe, parse: rate(func(c *Config) *float64 { return &c.WhatsAppRate }, "20")},
	{name: "PAMONG_DISPATCH_WORKERS", need: needServe, parse: wholeNumber(func(c *Config) *int { return &c.DispatchWorkers }, 1, "8")},
	{name: "PAMONG_MAX_ATTEMPTS", need: needServe, parse: wholeNumber(func(c *Config) *int { return &c.MaxAttempts }, 1, "10")},
	{name: "PAMONG_MAX_AGE_HOURS", need: needServe, parse: func(c *Config, v string) error {
		var hours int
		if err := wholeNumber(func(*Config) *int { return &hours }, 1, "24")(c, v); err != nil {
			return err
		}
		c.MaxAge = time.Duration(hours) * time.Hour
		return nil
	}},
	{name: "PAMONG_RETRY_BASE", need: needServe, parse: duration(func(c *Config) *time.Duration { return &c.RetryBase }, "5s")},
	{name: "PAMONG_FALLBACK_AFTER", need: needServe, parse: duration(func(c *Config) *time.Duration { return &c.FallbackAfter }, "10m")},
	{name: "PAMONG_CLOCK_SHIFT", need: needServe, parse: func(c *Config, v string) error {
		// Negative or zero are fine: a drill may go back in time.
		d, err := time.ParseDuration(v)
		if err != nil {
			return errors.New("want a duration like 10h")
		}
		c.ClockShift = d
		return nil
	}},
	{name: "PAMONG_REMINDERS", need: needServe, parse: onOff(func(c *Config) *bool { return &c.Reminders })},
	{name: "PAMONG_REVIEW", need: needServe, parse: onOff(func(c *Config) *bool { return &c.Review })},

	{name: "PAMONG_WHATSAPP_BULK_INTERVAL", need: needServe | needPricing, parse: duration(func(c *Config) *time.Duration { return &c.WhatsApp.BulkInterval }, "3s")},
	{name: "PAMONG_WHATSAPP_BULK_PER_HOUR", need: needServe | needPricing, parse: func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return errors.New("want a whole number like 200 (0: none by WhatsApp)")
		}
		c.WhatsApp.BulkPerHour = n
		if n == 0 {
			c.WhatsApp.BulkPerHour = -1 // whatsapp.Config: negative is none; zero is the default
		}
		return nil
	}},
	{name: "PAMONG_WHATSAPP_PAUSE", need: needServe, parse: duration(func(c *Config) *time.Duration { return &c.WhatsApp.Pause }, "1h")},
}

// defaultConfig is the configuration with no variable set.
func defaultConfig() Config {
	return Config{
		DataDir:         ".pamong",
		Addr:            ":8080",
		Issuer:          certificate.DefaultIssuer,
		SMSRate:         10,
		WhatsAppRate:    20,
		DispatchWorkers: 8,
		MaxAttempts:     10,
		MaxAge:          24 * time.Hour,
		RetryBase:       5 * time.Second,
		FallbackAfter:   10 * time.Minute,
		SMSPrice:        350,
		Reminders:       true,
		Review:          true,
		WhatsApp:        whatsapp.Config{BulkInterval: 3 * time.Second, BulkPerHour: 200, Pause: time.Hour},
	}
}

// LoadConfig reads and checks the settings a command needs, all of them
// at once: the error lists every wrong variable with its value (but not a
// secret's) and what a good value looks like, so a deployment is fixed in
// one go. Settings outside needs are not read and keep their defaults.
func LoadConfig(getenv func(string) string, needs need) (Config, error) {
	c := defaultConfig()
	c.loaded = needs
	var errs []string
	for _, s := range settings {
		if s.need&needs == 0 {
			continue
		}
		v := getenv(s.name)
		if v == "" {
			continue
		}
		if err := s.parse(&c, v); err != nil {
			if s.secret {
				errs = append(errs, fmt.Sprintf("%s: %v", s.name, err))
			} else {
				errs = append(errs, fmt.Sprintf("%s=%q: %v", s.name, v, err))
			}
		}
	}
	if needs&needServe != 0 && c.MetricsAddr != "" && c.MetricsAddr == c.Addr {
		errs = append(errs, fmt.Sprintf("PAMONG_METRICS_ADDR=%q is PAMONG_ADDR: give metrics another port, or leave it unset to serve them on PAMONG_ADDR", c.MetricsAddr))
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// require says, as an error, that a command uses settings it did not
// declare in commands(): a programming mistake that would otherwise run
// on defaults.
func (c Config) require(n need) error {
	if c.loaded&n != n {
		return fmt.Errorf("internal error: this command uses settings it does not load (need %b, loaded %b)", n, c.loaded)
	}
	return nil
}

// text stores the value as it is.
func text(field func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		*field(c) = v
		return nil
	}
}

// wholeNumber parses a base-10 integer of at least min: "0.5" or "8x" is
// an error, not a truncation.
func wholeNumber(field func(*Config) *int, min int, example string) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < min {
			return fmt.Errorf("want a whole number of at least %d, like %s", min, example)
		}
		*field(c) = n
		return nil
	}
}

// rate parses a positive, finite number (a rate may be below one a
// second).
func rate(field func(*Config) *float64, example string) func(*Config, string) error {
	return func(c *Config, v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || !(f > 0) || math.IsInf(f, 1) {
			return fmt.Errorf("want a positive number, like %s", example)
		}
		*field(c) = f
		return nil
	}
}

// duration parses a positive Go duration.
func duration(field func(*Config) *time.Duration, example string) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("want a duration like %s", example)
		}
		*field(c) = d
		return nil
	}
}

// hostPort parses a listen address.
func hostPort(field func(*Config) *string, example string) func(*Config, string) error {
	return func(c *Config, v string) error {
		if _, _, err := net.SplitHostPort(v); err != nil {
			return fmt.Errorf("want host:port, like %s", example)
		}
		*field(c) = v
		return nil
	}
}

// onOff parses a switch.
func onOff(field func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		switch strings.ToLower(v) {
		case "on":
			*field(c) = true
		case "off":
			*field(c) = false
		default:
			return errors.New("want on or off")
		}
		return nil
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
