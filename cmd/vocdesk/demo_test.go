package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoCommand runs a small demo on SQLite only: package demo's own test
// covers both engines and the full size; hashing passwords is the slow part.
func TestDemoCommand(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		dsn := filepath.Join(t.TempDir(), "vocdesk.db")
		vars := map[string]string{"VOCDESK_DB": dsn}
		env, out, stderr := testEnv(vars)
		if code := Run(t.Context(), env, []string{"demo", "--customers", "20", "--purchases", "100"}); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, want := range []string{"/login", "/developer/login", "/operator/login", "minji.kim@mail.example", "owner@", "viewer@", "operator@", "agents' day: 2 macros, 2 rules, 2 calls"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		key := lastLine(out.String())
		env, out, stderr = testEnv(vars)
		if code := Run(t.Context(), env, []string{"demo", "--customers", "20", "--purchases", "100"}); code != 0 {
			t.Fatalf("second run: exit %d: %s", code, stderr)
		}
		if !strings.Contains(out.String(), "customers 0 new, 20 already there") || !strings.Contains(out.String(), "purchases 0 recorded, 100 already there") {
			t.Errorf("second run:\n%s", out)
		}
		if lastLine(out.String()) == key {
			t.Error("the second run printed the same key")
		}
	})
}
