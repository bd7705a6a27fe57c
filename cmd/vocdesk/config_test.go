package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestFlagsFromEnvironment(t *testing.T) {
	env := map[string]string{
		"VOCDESK_DB":               "env.db",
		"VOCDESK_ADDR":             "127.0.0.1:9999",
		"VOCDESK_SHUTDOWN_TIMEOUT": "3s",
		"VOCDESK_SECURE_COOKIES":   "true",
		"VOCDESK_LOG_FORMAT":       "json",
	}
	cfg := DefaultConfig()
	fs := newFlagSet("serve", "serve", &bytes.Buffer{})
	cfg.registerServe(fs)
	// The command line wins over the environment.
	if err := parseFlags(fs, []string{"--addr", "127.0.0.1:7000"}, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if cfg.DB != "env.db" || cfg.Addr != "127.0.0.1:7000" || cfg.ShutdownTimeout != 3*time.Second || !cfg.SecureCookies || cfg.LogFormat != "json" {
		t.Errorf("config %+v", cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Error(err)
	}
}

func TestBadEnvironmentValue(t *testing.T) {
	var stderr bytes.Buffer
	env := &Env{Stdout: &bytes.Buffer{}, Stderr: &stderr, Getenv: func(k string) string {
		if k == "VOCDESK_SHUTDOWN_TIMEOUT" {
			return "soon"
		}
		return ""
	}}
	if code := Run(t.Context(), env, []string{"serve"}); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if !strings.Contains(stderr.String(), "VOCDESK_SHUTDOWN_TIMEOUT") {
		t.Errorf("stderr does not name the variable: %s", stderr.String())
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		change func(*Config)
		want   string // "" for valid
	}{
		{func(c *Config) {}, ""},
		{func(c *Config) { c.DB = "postgres://u@h/db" }, ""},
		{func(c *Config) { c.DB = "sqlite:/tmp/x.db" }, ""},
		{func(c *Config) { c.DB = "./data/x.db" }, ""},
		{func(c *Config) { c.DB = "mysql://root@localhost/x" }, `unknown scheme "mysql"`},
		{func(c *Config) { c.DB = "sqlite:" }, "needs a file path"},
		{func(c *Config) { c.DB = "" }, "--db is required"},
		{func(c *Config) { c.Addr = "8080" }, "not host:port"},
		{func(c *Config) { c.Addr = ":99999" }, "port must be"},
		{func(c *Config) { c.Addr = ":0" }, ""},
		{func(c *Config) { c.LogLevel = "loud" }, "--log-level"},
		{func(c *Config) { c.LogFormat = "xml" }, "--log-format"},
		{func(c *Config) { c.ShutdownTimeout = 0 }, "--shutdown-timeout"},
		{func(c *Config) { c.SMTPAddr = "nohost" }, "--smtp-addr"},
		{func(c *Config) { c.SMTPAddr = ":2525" }, "--mail-domain"},
		{func(c *Config) { c.SMTPAddr, c.Mail.Domain = ":2525", "desk.example" }, ""},
		{func(c *Config) { c.SMTPAddr, c.Mail.Domain = ":2525", "not a domain" }, "--mail-domain"},
		{func(c *Config) { c.SMTPAddr, c.Mail.Domain, c.Mail.MaxBytes = ":2525", "desk.example", 0 }, "--smtp-max-bytes"},
	} {
		c := DefaultConfig()
		tc.change(&c)
		err := c.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v: %v", c, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v: %v, want %q", c, err, tc.want)
		}
	}
}

func TestUsage(t *testing.T) {
	var stderr bytes.Buffer
	env := &Env{Stdout: &bytes.Buffer{}, Stderr: &stderr, Getenv: func(string) string { return "" }}
	if code := Run(t.Context(), env, []string{"serve", "-h"}); code != 0 {
		t.Errorf("serve -h: exit %d", code)
	}
	if !strings.Contains(stderr.String(), "-shutdown-timeout") {
		t.Errorf("serve -h does not list its flags:\n%s", stderr.String())
	}
	if code := Run(t.Context(), env, []string{"serve", "--nope"}); code != 2 {
		t.Errorf("unknown flag: exit %d", code)
	}
}
