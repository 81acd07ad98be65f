package kannel

import (
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	good := testConfig("http://127.0.0.1:13013/cgi-bin/sendsms")
	if err := good.Validate(); err != nil {
		t.Fatalf("good config: %v", err)
	}
	tests := []struct {
		name   string
		change func(*Config)
		want   []string
	}{
		{"nothing set", func(c *Config) { *c = Config{} },
			[]string{"KANNEL_SENDSMS_URL must be set", "KANNEL_USERNAME", "KANNEL_PASSWORD", "KANNEL_FROM", "PAMONG_PUBLIC_URL", "KANNEL_SECRET must be set"}},
		{"not a URL", func(c *Config) { c.SendSMSURL = "127.0.0.1:13013" }, []string{"KANNEL_SENDSMS_URL must be an http(s) URL"}},
		{"credentials in the URL", func(c *Config) { c.SendSMSURL = "http://u:p@127.0.0.1:13013/cgi-bin/sendsms" }, []string{"without credentials"}},
		{"parameter Pamong sets", func(c *Config) { c.SendSMSURL = "http://127.0.0.1:13013/cgi-bin/sendsms?coding=2" }, []string{`must not carry "coding"`}},
		{"sender with spaces", func(c *Config) { c.From = " 1234" }, []string{"KANNEL_FROM"}},
		{"sender id too long", func(c *Config) { c.From = "PAMONGDESAKU" }, []string{"KANNEL_FROM"}},
		{"short secret", func(c *Config) { c.Secret = "abc" }, []string{"KANNEL_SECRET must be at least 16"}},
		{"secret Kannel would rewrite", func(c *Config) { c.Secret = "abcdefghijklmnop%C" }, []string{"KANNEL_SECRET must be at least 16"}},
		{"DLR URL with a query", func(c *Config) { c.DLRURL = "https://pamong.example.go.id/webhooks/kannel/dlr?x=1" }, []string{"PAMONG_PUBLIC_URL"}},
		{"DLR URL with an escape code", func(c *Config) { c.DLRURL = "https://pamong.example.go.id/a%20b/webhooks/kannel/dlr" }, []string{"PAMONG_PUBLIC_URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.change(&c)
			err := c.Validate()
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%v\nlacks %q", err, w)
				}
			}
			if c.Password != "" && strings.Contains(err.Error(), c.Password) {
				t.Errorf("the password is echoed: %v", err)
			}
		})
	}
	for _, from := range []string{"1234", "6281299990000", "+6281299990000", "PAMONG", "Pamong-Desa"} {
		c := good
		c.From = from
		if err := c.Validate(); err != nil {
			t.Errorf("KANNEL_FROM=%q: %v", from, err)
		}
	}
}
