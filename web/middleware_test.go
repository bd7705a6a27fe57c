package web_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web"
)

// brokenDevelopers fails the way a broken database or a bug would.
type brokenDevelopers struct {
	vocdesk.DeveloperService
}

func (brokenDevelopers) FindDevelopers(context.Context) ([]*vocdesk.Developer, error) {
	return nil, errors.New("sql: connection refused to 10.0.0.7")
}

func (brokenDevelopers) FindDeveloperBySlug(context.Context, string) (*vocdesk.Developer, error) {
	panic("nil map in FindDeveloperBySlug")
}

// lockedBuffer lets the handler log while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestInternalErrorsAndPanics(t *testing.T) {
	db := sqlstoretest.OpenSQLite(t)
	svc := sqlstore.Services(db)
	opKey, err := svc.Auth.CreateAPIKey(systemCtx(), &vocdesk.APIKey{Realm: vocdesk.RealmOperator, Name: "ops"})
	if err != nil {
		t.Fatal(err)
	}
	svc.Developers = brokenDevelopers{svc.Developers}
	var logs lockedBuffer
	srv, err := web.NewServer(web.Config{Logger: slog.New(slog.NewJSONHandler(&logs, nil))}, svc)
	if err != nil {
		t.Fatal(err)
	}
	oas := loadValidator(t)

	for _, tc := range []struct{ url, cause string }{
		{"/api/v1/developers", "connection refused to 10.0.0.7"},
		{"/api/v1/developers/x", "nil map in FindDeveloperBySlug"},
	} {
		h := bearer(opKey)
		h.Set("X-Request-Id", "req-"+strings.ReplaceAll(tc.url, "/", "_"))
		res := serve(srv, "GET", tc.url, "", h)
		oas.check(t, "GET", tc.url, "", h, res)
		if res.Code != http.StatusInternalServerError {
			t.Fatalf("GET %s: %d %s", tc.url, res.Code, res.Body)
		}
		if code, msg := errorOf(t, res); code != "internal" || msg != "Internal error." {
			t.Errorf("GET %s: %s %q", tc.url, code, msg)
		}
		if strings.Contains(res.Body.String(), tc.cause) {
			t.Errorf("GET %s shows its cause: %s", tc.url, res.Body)
		}
		if got := res.Header().Get("X-Request-Id"); got != h.Get("X-Request-Id") {
			t.Errorf("X-Request-Id = %q; want the caller's", got)
		}
		line := logLine(t, logs.String(), h.Get("X-Request-Id"))
		for _, want := range []string{`"level":"ERROR"`, tc.cause, `"status":500`, `"realm":"operator"`, `"route":"GET /api/v1/developers`} {
			if !strings.Contains(line, want) {
				t.Errorf("log line lacks %s:\n%s", want, line)
			}
		}
	}
	res := serve(srv, "GET", "/metrics", "", nil)
	if want := `vocdesk_http_requests_total{code="500",route="GET /api/v1/developers/{slug}"} 1`; !strings.Contains(res.Body.String(), want) {
		t.Errorf("metrics lack %s", want)
	}
}

// logLine returns the request log line of the request with id.
func logLine(t *testing.T, logs, id string) string {
	t.Helper()
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, `"id":"`+id+`"`) && strings.Contains(l, `"msg":"request"`) {
			return l
		}
	}
	t.Fatalf("no request log line with id %s in:\n%s", id, logs)
	return ""
}

func TestRequestLogAndID(t *testing.T) {
	e := newEnv(t, sqlstoretest.OpenSQLite(t))
	h := bearer(e.a.key)
	h.Set("X-Request-Id", "bad id with spaces\nand a newline")
	res := e.do("GET", "/api/v1/purchases?customer_id=1", "", h)
	id := res.Header().Get("X-Request-Id")
	if id == "" || strings.ContainsAny(id, " \n") {
		t.Fatalf("X-Request-Id = %q; want a fresh id instead of the caller's bad one", id)
	}
	line := logLine(t, e.logs.String(), id)
	for _, want := range []string{`"level":"INFO"`, `"method":"GET"`, `"route":"GET /api/v1/purchases"`, `"status":200`, `"realm":"developer"`, `"duration":`} {
		if !strings.Contains(line, want) {
			t.Errorf("log line lacks %s:\n%s", want, line)
		}
	}
	if strings.Contains(line, "customer_id") {
		t.Errorf("log line holds the query string:\n%s", line)
	}
}

func TestReadyzFails(t *testing.T) {
	srv, err := web.NewServer(web.Config{Ready: func(context.Context) error { return errors.New("db down") }},
		sqlstore.Services(sqlstoretest.OpenSQLite(t)))
	if err != nil {
		t.Fatal(err)
	}
	if res := serve(srv, "GET", "/readyz", "", nil); res.Code != http.StatusServiceUnavailable {
		t.Errorf("readyz with a failing database: %d", res.Code)
	}
	if res := serve(srv, "GET", "/healthz", "", nil); res.Code != http.StatusOK {
		t.Errorf("healthz with a failing database: %d", res.Code)
	}
}

func TestMethodNotAllowedHeader(t *testing.T) {
	e := newEnv(t, sqlstoretest.OpenSQLite(t))
	res := e.do("PATCH", "/api/v1/keys/1", "", bearer(e.opKey))
	if res.Code != http.StatusMethodNotAllowed || res.Header().Get("Allow") != "DELETE" {
		t.Errorf("PATCH /api/v1/keys/1: %d Allow %q", res.Code, res.Header().Get("Allow"))
	}
}
