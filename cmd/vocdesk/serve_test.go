package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

var urlRE = regexp.MustCompile(`url=(http://[0-9.:]+)`)

// startServe runs `vocdesk serve` in-process on a free port and returns its
// URL, a cancel standing for SIGTERM, and the channel of its exit status.
func startServe(t *testing.T, dsn string) (string, context.CancelFunc, <-chan int) {
	t.Helper()
	env, _, stderr := testEnv(map[string]string{"VOCDESK_ADDR": "127.0.0.1:0", "VOCDESK_DB": dsn, "VOCDESK_SHUTDOWN_TIMEOUT": "10s"})
	ctx, cancel := context.WithCancel(t.Context())
	exit := make(chan int, 1)
	go func() { exit <- Run(ctx, env, []string{"serve"}) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := urlRE.FindStringSubmatch(stderr.String()); m != nil {
			return m[1], cancel, exit
		}
		select {
		case code := <-exit:
			t.Fatalf("serve exited with %d:\n%s", code, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start:\n%s", stderr.String())
		}
	}
}

func TestServeHealthAndGracefulShutdown(t *testing.T) {
	engines(t, func(t *testing.T, dsn string) {
		base, stop, exit := startServe(t, dsn)
		defer stop()
		for _, path := range []string{"/healthz", "/readyz"} {
			resp, err := http.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s: %s", path, resp.Status)
			}
		}

		// A request in flight: its handler is reading a body the client
		// sends slowly when the signal comes. The server stops accepting new
		// connections, but lets the request finish.
		conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		body := `{"realm": "customer", "email": "nobody@mail.example", "password": "not-the-password"}`
		head := fmt.Sprintf("POST /api/v1/auth/token HTTP/1.1\r\nHost: vocdesk\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
		if _, err := io.WriteString(conn, head+body[:10]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond) // let the handler start reading
		stop()
		select {
		case code := <-exit:
			t.Fatalf("serve exited (%d) with a request in flight", code)
		case <-time.After(300 * time.Millisecond):
		}
		if _, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), time.Second); err == nil {
			t.Error("the server still accepts connections after the signal")
		}
		if _, err := io.WriteString(conn, body[10:]); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("the request in flight got no answer: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusBadRequest {
			t.Errorf("request in flight: %s, want 401 for unknown credentials", resp.Status)
		}
		select {
		case code := <-exit:
			if code != 0 {
				t.Errorf("serve exited with %d", code)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("serve did not exit after the request finished")
		}
	})
}

func TestMainRunAndClose(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.DB = filepath.Join(t.TempDir(), "vocdesk.db")
	m := NewMain(cfg, io.Discard)
	if err := m.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(m.URL() + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(m.URL() + "/healthz"); err == nil {
		t.Error("still serving after Close")
	}
}

func TestServeRefusesBadConfig(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--addr", "nope"},
		{"serve", "--smtp-addr", "127.0.0.1:2525"}, // without --mail-domain
		{"serve", "--db", "mysql://x"},
		{"serve", "--imap-poll-interval", "0s"},
		{"serve", "extra"},
	} {
		env, _, stderr := testEnv(nil)
		if code := Run(t.Context(), env, args); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
}

// The server collects garbage at serveGCPercent unless the operator set GOGC.
func TestServeGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	tuneGC(func(string) string { return "" })
	if got := debug.SetGCPercent(100); got != serveGCPercent {
		t.Fatalf("GOGC unset: the server runs at %d, want %d", got, serveGCPercent)
	}
	tuneGC(func(k string) string {
		if k == "GOGC" {
			return "150"
		}
		return ""
	})
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("GOGC set: the server changed it to %d", got)
	}
}
