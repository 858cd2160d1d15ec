package config

import (
	"strings"
	"testing"
)

func TestEnvAndValidate(t *testing.T) {
	c := Default()
	env := map[string]string{"REDGRID_ADDR": "127.0.0.1:9", "REDGRID_SESSION_IDLE": "10m", "REDGRID_TRUST_PROXY": "true"}
	if err := c.FromEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9" || c.SessionIdle.Minutes() != 10 || !c.TrustProxy {
		t.Fatalf("env not applied: %+v", c)
	}
	if err := c.Validate(); err != nil || c.Location == nil {
		t.Fatalf("validate: %v", err)
	}
	bad := Default()
	err := bad.FromEnv(func(k string) string {
		return map[string]string{"REDGRID_SESSION_IDLE": "soon", "REDGRID_MAX_BODY_BYTES": "-1"}[k]
	})
	if err == nil || !strings.Contains(err.Error(), "REDGRID_SESSION_IDLE") || !strings.Contains(err.Error(), "REDGRID_MAX_BODY_BYTES") {
		t.Fatalf("bad env not named: %v", err)
	}
	bad = Default()
	bad.DefaultLocale, bad.TimeZone = "fr", "Mars/Olympus"
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "fr") || !strings.Contains(err.Error(), "Mars") {
		t.Fatalf("bad config accepted: %v", err)
	}
}

func TestMaskedHidesSecrets(t *testing.T) {
	c := Default()
	c.DatabaseURL = "postgres://app:s3cret@db:5432/redgrid?password=other&sslmode=disable"
	for _, p := range c.Masked() {
		if strings.Contains(p[1], "s3cret") || strings.Contains(p[1], "other") {
			t.Fatalf("%s shows a secret: %s", p[0], p[1])
		}
	}
}

func TestWebhookConfig(t *testing.T) {
	c := Default()
	env := map[string]string{"REDGRID_WEBHOOK_URL": "https://sms.example/hook", "REDGRID_WEBHOOK_SECRET": "0123456789abcdef-s3cret",
		"REDGRID_REMINDER_HOUR": "6"}
	if err := c.FromEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil || c.ReminderHour != 6 || c.WebhookURL != env["REDGRID_WEBHOOK_URL"] {
		t.Fatalf("webhook config: %v %+v", err, c)
	}
	for _, p := range c.Masked() {
		if strings.Contains(p[1], "s3cret") {
			t.Fatalf("%s shows the webhook secret", p[0])
		}
	}
	c.WebhookSecret = "short"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "REDGRID_WEBHOOK_SECRET") {
		t.Fatalf("short secret accepted: %v", err)
	}
	bad := Default()
	if err := bad.FromEnv(func(k string) string { return map[string]string{"REDGRID_REMINDER_HOUR": "25"}[k] }); err == nil {
		t.Fatal("hour 25 accepted")
	}
	bad.WebhookURL, bad.WebhookSecret = "ftp://x", "0123456789abcdef"
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "ftp") {
		t.Fatalf("ftp webhook accepted: %v", err)
	}
}
