package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// syncBuffer is a buffer a running command writes to while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testEnv is an environment with captured output; VOCDESK_ variables come
// from vars only, never from the test process.
func testEnv(vars map[string]string) (*Env, *syncBuffer, *syncBuffer) {
	var out, errb syncBuffer
	return &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return vars[k] }}, &out, &errb
}

// engines runs fn with the DSN of an empty database: an SQLite file, and a
// PostgreSQL schema when VOCDESK_TEST_POSTGRES is set.
func engines(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, filepath.Join(t.TempDir(), "vocdesk.db")) })
	if u := os.Getenv(sqlstoretest.EnvPostgres); u != "" {
		t.Run("postgres", func(t *testing.T) {
			dsn, _ := sqlstoretest.NewPostgresSchema(t, u)
			fn(t, dsn)
		})
	}
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}
