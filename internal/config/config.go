// Package config is redgrid's typed configuration: built-in defaults, then
// REDGRID_* environment variables, then command-line flags.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the effective configuration.
type Config struct {
	Addr           string        // REDGRID_ADDR
	DatabaseURL    string        // REDGRID_DATABASE_URL
	DataDir        string        // REDGRID_DATA_DIR: the key file's directory; default: the SQLite file's, or ./data
	BaseURL        string        // REDGRID_BASE_URL, used for Secure cookies and links
	TimeZone       string        // REDGRID_TIME_ZONE
	DefaultLocale  string        // REDGRID_DEFAULT_LOCALE
	LogLevel       string        // REDGRID_LOG_LEVEL: debug, info, warn, error
	LogFormat      string        // REDGRID_LOG_FORMAT: text or json
	MaxBodyBytes   int64         // REDGRID_MAX_BODY_BYTES
	SessionIdle    time.Duration // REDGRID_SESSION_IDLE
	SessionMaxAge  time.Duration // REDGRID_SESSION_MAX_AGE
	TokenMaxAge    time.Duration // REDGRID_TOKEN_MAX_AGE
	TrustProxy     bool          // REDGRID_TRUST_PROXY: take the client address from X-Forwarded-For
	ShutdownGrace  time.Duration // REDGRID_SHUTDOWN_GRACE
	ImportMaxBytes int64         // REDGRID_IMPORT_MAX_BYTES: largest spreadsheet accepted for import
	ImportMaxRows  int           // REDGRID_IMPORT_MAX_ROWS: most data rows in one import
	// The public station finder's map. Without a tile URL the finder draws
	// its own plain map of points (no third-party requests at all).
	MapTiles       string // REDGRID_MAP_TILES: tile URL template, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png
	MapTilesGCJ    bool   // REDGRID_MAP_TILES_GCJ: the tiles are GCJ-02 (高德, 腾讯): points are shifted to match
	MapAttribution string // REDGRID_MAP_ATTRIBUTION: the tile provider's required credit
	// Reminders and the SMS-gateway webhook (jobs, webhook packages).
	ReminderHour  int    // REDGRID_REMINDER_HOUR: local hour (0–23) of the daily reminder run
	WebhookURL    string // REDGRID_WEBHOOK_URL: where new reminders are posted; empty: no webhook
	WebhookSecret string // REDGRID_WEBHOOK_SECRET: HMAC-SHA256 key of the signature header
	Location      *time.Location
	// Getenv is the environment the configuration was read from; the secret
	// keyring reads REDGRID_SECRET_KEY* through it.
	Getenv func(string) string
}

// Default returns the built-in defaults.
func Default() Config {
	return Config{
		Addr:           "127.0.0.1:8080",
		DatabaseURL:    "sqlite:./data/redgrid.db",
		TimeZone:       "Asia/Shanghai",
		DefaultLocale:  "zh-CN",
		LogLevel:       "info",
		LogFormat:      "text",
		MaxBodyBytes:   10 << 20,
		SessionIdle:    30 * time.Minute,
		SessionMaxAge:  12 * time.Hour,
		TokenMaxAge:    30 * 24 * time.Hour,
		ShutdownGrace:  15 * time.Second,
		ImportMaxBytes: 100 << 20,
		ImportMaxRows:  1_000_000,
		ReminderHour:   7,
	}
}

// FromEnv overlays REDGRID_* variables on c.
func (c *Config) FromEnv(getenv func(string) string) error {
	c.Getenv = getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	str := func(name string, dst *string) {
		if v := getenv("REDGRID_" + name); v != "" {
			*dst = v
		}
	}
	var errs []error
	dur := func(name string, dst *time.Duration) {
		if v := getenv("REDGRID_" + name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("REDGRID_%s: %q is not a duration (e.g. 30m)", name, v))
				return
			}
			*dst = d
		}
	}
	str("ADDR", &c.Addr)
	str("DATABASE_URL", &c.DatabaseURL)
	str("DATA_DIR", &c.DataDir)
	str("BASE_URL", &c.BaseURL)
	str("TIME_ZONE", &c.TimeZone)
	str("DEFAULT_LOCALE", &c.DefaultLocale)
	str("LOG_LEVEL", &c.LogLevel)
	str("LOG_FORMAT", &c.LogFormat)
	str("MAP_TILES", &c.MapTiles)
	str("MAP_ATTRIBUTION", &c.MapAttribution)
	str("WEBHOOK_URL", &c.WebhookURL)
	str("WEBHOOK_SECRET", &c.WebhookSecret)
	if v := getenv("REDGRID_REMINDER_HOUR"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 23 {
			errs = append(errs, fmt.Errorf("REDGRID_REMINDER_HOUR: %q is not an hour 0–23", v))
		} else {
			c.ReminderHour = n
		}
	}
	if v := getenv("REDGRID_MAP_TILES_GCJ"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("REDGRID_MAP_TILES_GCJ: %q is not true or false", v))
		}
		c.MapTilesGCJ = b
	}
	dur("SESSION_IDLE", &c.SessionIdle)
	dur("SESSION_MAX_AGE", &c.SessionMaxAge)
	dur("TOKEN_MAX_AGE", &c.TokenMaxAge)
	dur("SHUTDOWN_GRACE", &c.ShutdownGrace)
	if v := getenv("REDGRID_MAX_BODY_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("REDGRID_MAX_BODY_BYTES: %q is not a positive number", v))
		} else {
			c.MaxBodyBytes = n
		}
	}
	if v := getenv("REDGRID_IMPORT_MAX_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("REDGRID_IMPORT_MAX_BYTES: %q is not a positive number", v))
		} else {
			c.ImportMaxBytes = n
		}
	}
	if v := getenv("REDGRID_IMPORT_MAX_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("REDGRID_IMPORT_MAX_ROWS: %q is not a positive number", v))
		} else {
			c.ImportMaxRows = n
		}
	}
	if v := getenv("REDGRID_TRUST_PROXY"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("REDGRID_TRUST_PROXY: %q is not true or false", v))
		}
		c.TrustProxy = b
	}
	return errors.Join(errs...)
}

// Validate checks values and combinations and loads the time zone.
func (c *Config) Validate() error {
	var errs []error
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		errs = append(errs, fmt.Errorf("time zone %q: %v", c.TimeZone, err))
	}
	c.Location = loc
	if c.DefaultLocale != "zh-CN" && c.DefaultLocale != "en" {
		errs = append(errs, fmt.Errorf("default locale %q: use zh-CN or en", c.DefaultLocale))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log level %q: use debug, info, warn or error", c.LogLevel))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log format %q: use text or json", c.LogFormat))
	}
	if c.SessionIdle <= 0 || c.SessionMaxAge < c.SessionIdle {
		errs = append(errs, errors.New("session idle timeout must be positive and not above the maximum age"))
	}
	if c.BaseURL != "" && !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://") {
		errs = append(errs, fmt.Errorf("base URL %q must start with http:// or https://", c.BaseURL))
	}
	if c.DatabaseURL == "" {
		errs = append(errs, errors.New("database URL is empty"))
	}
	if c.MapTiles != "" {
		if u, err := url.Parse(strings.NewReplacer("{s}", "a", "{z}", "0", "{x}", "0", "{y}", "0").Replace(c.MapTiles)); err != nil ||
			(u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || !strings.Contains(c.MapTiles, "{z}") {
			errs = append(errs, fmt.Errorf("map tiles %q: an http(s) URL template with {z}, {x} and {y}", c.MapTiles))
		}
	}
	if c.WebhookURL != "" {
		if u, err := url.Parse(c.WebhookURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("webhook URL %q: an http(s) URL", c.WebhookURL))
		}
		if len(c.WebhookSecret) < 16 {
			errs = append(errs, errors.New("webhook secret (REDGRID_WEBHOOK_SECRET) must be at least 16 characters when a webhook URL is set"))
		}
	}
	if c.ReminderHour < 0 || c.ReminderHour > 23 {
		errs = append(errs, fmt.Errorf("reminder hour %d: use 0–23", c.ReminderHour))
	}
	return errors.Join(errs...)
}

// DataDirectory is where the secret key file lives: REDGRID_DATA_DIR, else
// the SQLite database's directory, else ./data.
func (c *Config) DataDirectory() string {
	if c.DataDir != "" {
		return c.DataDir
	}
	db := c.DatabaseURL
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		return "data"
	}
	path := strings.TrimPrefix(strings.TrimPrefix(db, "sqlite://"), "sqlite:")
	if path == "" || strings.HasPrefix(path, ":memory:") || strings.HasPrefix(path, "file::memory:") {
		return "data"
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	return filepath.Dir(path)
}

// SecureCookies reports whether cookies must carry the Secure flag.
func (c *Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// Masked returns the configuration as name/value pairs with secrets hidden.
func (c *Config) Masked() [][2]string {
	db := c.DatabaseURL
	if u, err := url.Parse(db); err == nil && u.Scheme != "" && u.Scheme != "sqlite" {
		if u.User != nil {
			u.User = url.User("****")
		}
		q := u.Query()
		if q.Has("password") {
			q.Set("password", "****")
			u.RawQuery = q.Encode()
		}
		db = u.String()
	}
	return [][2]string{
		{"REDGRID_ADDR", c.Addr}, {"REDGRID_DATABASE_URL", db}, {"REDGRID_DATA_DIR", c.DataDirectory()}, {"REDGRID_BASE_URL", c.BaseURL},
		{"REDGRID_TIME_ZONE", c.TimeZone}, {"REDGRID_DEFAULT_LOCALE", c.DefaultLocale},
		{"REDGRID_LOG_LEVEL", c.LogLevel}, {"REDGRID_LOG_FORMAT", c.LogFormat},
		{"REDGRID_MAX_BODY_BYTES", strconv.FormatInt(c.MaxBodyBytes, 10)},
		{"REDGRID_SESSION_IDLE", c.SessionIdle.String()}, {"REDGRID_SESSION_MAX_AGE", c.SessionMaxAge.String()},
		{"REDGRID_TOKEN_MAX_AGE", c.TokenMaxAge.String()}, {"REDGRID_TRUST_PROXY", strconv.FormatBool(c.TrustProxy)},
		{"REDGRID_SHUTDOWN_GRACE", c.ShutdownGrace.String()},
		{"REDGRID_MAP_TILES", c.MapTiles}, {"REDGRID_MAP_TILES_GCJ", strconv.FormatBool(c.MapTilesGCJ)},
		{"REDGRID_MAP_ATTRIBUTION", c.MapAttribution},
		{"REDGRID_REMINDER_HOUR", strconv.Itoa(c.ReminderHour)}, {"REDGRID_WEBHOOK_URL", c.WebhookURL},
		{"REDGRID_WEBHOOK_SECRET", mask(c.WebhookSecret)},
	}
}

func mask(s string) string {
	if s == "" {
		return ""
	}
	return "****"
}
