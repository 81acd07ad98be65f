package twilio_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/twilio"
)

func TestConfigValidate(t *testing.T) {
	good := twilio.Config{AccountSID: testSID, AuthToken: testToken, From: "+15005550006"}
	tests := []struct {
		name string
		edit func(*twilio.Config)
		want []string // substrings of the error; none means valid
	}{
		{name: "from a number", edit: func(c *twilio.Config) {}},
		{name: "from an alphanumeric id", edit: func(c *twilio.Config) { c.From = "PAMONG Desa" }},
		{name: "through a messaging service", edit: func(c *twilio.Config) { c.From, c.MessagingServiceSID = "", testMG }},
		{name: "everything set", edit: func(c *twilio.Config) {
			c.StatusCallback = "https://pamong.example.go.id/webhooks/twilio/status"
			c.APIURL = "http://127.0.0.1:8081/twilio"
			c.Timeout = 5 * time.Second
		}},
		{name: "nothing set", edit: func(c *twilio.Config) { *c = twilio.Config{} }, want: []string{
			"TWILIO_ACCOUNT_SID must be set", "TWILIO_AUTH_TOKEN must be set",
			"TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID must be set (not both)",
		}},
		{name: "account sid is a token", edit: func(c *twilio.Config) { c.AccountSID = testToken }, want: []string{"TWILIO_ACCOUNT_SID is not an Account SID"}},
		{name: "account sid too short", edit: func(c *twilio.Config) { c.AccountSID = "AC123" }, want: []string{"TWILIO_ACCOUNT_SID is not an Account SID"}},
		{name: "token quoted", edit: func(c *twilio.Config) { c.AuthToken = `"` + testToken + `"` }, want: []string{"TWILIO_AUTH_TOKEN may hold only letters and digits"}},
		{name: "both senders", edit: func(c *twilio.Config) { c.MessagingServiceSID = testMG }, want: []string{"TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID must be set (not both)"}},
		{name: "from too long", edit: func(c *twilio.Config) { c.From = "Pamong Desa Indonesia" }, want: []string{"TWILIO_FROM must be an E.164 number"}},
		{name: "from with spaces around", edit: func(c *twilio.Config) { c.From = " +15005550006" }, want: []string{"TWILIO_FROM must be an E.164 number"}},
		{name: "from with letters after plus", edit: func(c *twilio.Config) { c.From = "+62abc" }, want: []string{"TWILIO_FROM must be an E.164 number"}},
		{name: "messaging service sid wrong", edit: func(c *twilio.Config) { c.From, c.MessagingServiceSID = "", testSID }, want: []string{"TWILIO_MESSAGING_SERVICE_SID is not a Messaging Service SID"}},
		{name: "relative callback", edit: func(c *twilio.Config) { c.StatusCallback = "/webhooks/twilio/status" }, want: []string{"TWILIO_STATUS_CALLBACK must be an absolute http(s) URL"}},
		{name: "callback not http", edit: func(c *twilio.Config) { c.StatusCallback = "ftp://pamong.example.go.id/status" }, want: []string{"TWILIO_STATUS_CALLBACK must be an absolute http(s) URL"}},
		{name: "api url without scheme", edit: func(c *twilio.Config) { c.APIURL = "127.0.0.1:8081" }, want: []string{"TWILIO_API_URL must be an http(s) base URL"}},
		{name: "api url with query", edit: func(c *twilio.Config) { c.APIURL = "http://127.0.0.1:8081/?x=1" }, want: []string{"TWILIO_API_URL must be an http(s) base URL"}},
		{name: "api url with credentials", edit: func(c *twilio.Config) { c.APIURL = "http://u:p@127.0.0.1:8081" }, want: []string{"TWILIO_API_URL must be an http(s) base URL"}},
		{name: "negative timeout", edit: func(c *twilio.Config) { c.Timeout = -time.Second }, want: []string{"TWILIO_TIMEOUT must be positive"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.edit(&c)
			err := c.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v, want nil", err)
				}
				if _, err := twilio.New(c); err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate: nil, want an error saying %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate: %v\nwant it to say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), c.AuthToken) && c.AuthToken != "" {
				t.Errorf("Validate echoes the auth token: %v", err)
			}
			if _, err := twilio.New(c); err == nil {
				t.Errorf("New accepted a config Validate refuses")
			}
		})
	}
}
