package telegram

import (
	"net/url"
	"strings"
	"testing"
)

func TestConfigCheck(t *testing.T) {
	const tok = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"token with a trailing newline, as read from a secret file", Config{Token: tok + "\n"}, true},
		{"token with spaces", Config{Token: "  " + tok + " "}, true},
		{"no token", Config{}, false},
		{"not a token", Config{Token: "hello world " + tok}, false},
		{"webhook over http", Config{Token: tok, WebhookURL: "http://example.org/tg", WebhookSecret: "s3cret"}, false},
		{"webhook without secret", Config{Token: tok, WebhookURL: "https://example.org/tg"}, false},
		{"bad secret", Config{Token: tok, WebhookURL: "https://example.org/tg", WebhookSecret: "bad secret!"}, false},
		{"webhook right", Config{Token: tok, WebhookURL: "https://example.org/tg", WebhookSecret: "s3cret_-X"}, true},
	}
	for _, tt := range tests {
		cfg := tt.cfg
		err := cfg.check()
		if (err == nil) != tt.ok {
			t.Errorf("%s: err = %v", tt.name, err)
		}
		if err != nil && strings.Contains(err.Error(), "AAHdqTcv") {
			t.Errorf("%s: error shows the token: %v", tt.name, err)
		}
		if err == nil && cfg.Token != tok {
			t.Errorf("%s: token not trimmed: %q", tt.name, cfg.Token)
		}
	}
}

func TestRedactToken(t *testing.T) {
	const tok = "123456789:AAH-dq_Tcv+CH1vGWJxfSeof"
	for _, s := range []string{
		"Post https://api.telegram.org/bot" + tok + "/getMe: dial tcp",
		"GET /bot" + url.PathEscape(tok) + "/getUpdates",
		"token=" + url.QueryEscape(tok),
		"secret AAH-dq_Tcv+CH1vGWJxfSeof leaked",
	} {
		if got := redactToken(s, tok); strings.Contains(got, "AAH-dq") || strings.Contains(got, "AAH%2Ddq") || !strings.Contains(got, "<token>") {
			t.Errorf("redactToken(%q) = %q", s, got)
		}
	}
}
