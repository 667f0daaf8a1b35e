package telegram

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// A bot token as BotFather issues it: the bot's numeric ID, a colon, a secret of letters,
// digits, - and _.
var tokenRE = regexp.MustCompile(`^\d{1,20}:[A-Za-z0-9_-]{1,128}$`)

// A webhook secret token as setWebhook accepts it.
var secretRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// check trims what a mounted secret file leaves around the token and rejects settings the
// Bot API would refuse, with messages that never show the token.
func (c *Config) check() error {
	c.Token = strings.TrimSpace(c.Token)
	c.WebhookSecret = strings.TrimSpace(c.WebhookSecret)
	if c.Token == "" {
		return errors.New("telegram: TELEGRAM_BOT_TOKEN is not set")
	}
	if !tokenRE.MatchString(c.Token) {
		return errors.New("telegram: TELEGRAM_BOT_TOKEN is not a bot token (digits, a colon, then letters, digits, - and _)")
	}
	if c.WebhookURL != "" {
		u, err := url.Parse(c.WebhookURL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return fmt.Errorf("telegram: webhook URL must be an https:// URL (Telegram posts only to HTTPS); got %q", redactToken(c.WebhookURL, c.Token))
		}
		if c.WebhookSecret == "" {
			return errors.New("telegram: webhook mode needs JINGYAN_TELEGRAM_WEBHOOK_SECRET (1–256 of A-Z a-z 0-9 _ -)")
		}
	}
	if c.WebhookSecret != "" && !secretRE.MatchString(c.WebhookSecret) {
		return errors.New("telegram: JINGYAN_TELEGRAM_WEBHOOK_SECRET must be 1–256 of A-Z a-z 0-9 _ -")
	}
	return nil
}

// redactToken removes the token from text in every form it may take there: as is, escaped
// for a path or a query, and its secret half alone.
func redactToken(s, token string) string {
	if token == "" {
		return s
	}
	forms := []string{token, url.PathEscape(token), url.QueryEscape(token)}
	if _, secret, ok := strings.Cut(token, ":"); ok && len(secret) >= 8 {
		forms = append(forms, secret)
	}
	for _, f := range forms {
		s = strings.ReplaceAll(s, f, "<token>")
	}
	return s
}
