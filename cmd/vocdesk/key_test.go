package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
)

func TestKeyCreateListRevoke(t *testing.T) {
	engines(t, func(t *testing.T, dsn string) {
		vars := map[string]string{"VOCDESK_DB": dsn}
		env, out, stderr := testEnv(vars)
		if code := Run(t.Context(), env, []string{"key", "create", "--operator", "--name", "billing"}); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		secret := lastLine(out.String())

		db, err := openDatabase(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		svc := sqlstore.Services(db)
		a, err := svc.Auth.ActorForAPIKey(context.Background(), secret)
		if err != nil || !a.IsOperator() {
			t.Fatalf("the printed key: %+v, %v", a, err)
		}

		// A developer key needs a developer that exists.
		env, _, _ = testEnv(vars)
		if code := Run(t.Context(), env, []string{"key", "create", "--developer", "nobody"}); code != 2 {
			t.Errorf("unknown developer: exit %d, want 2", code)
		}
		sys := systemContext(t.Context())
		if err := svc.Developers.CreateDeveloper(sys, &vocdesk.Developer{Slug: "acme", Name: "Acme", Email: "dev@acme.example"}); err != nil {
			t.Fatal(err)
		}
		env, out, stderr = testEnv(vars)
		if code := Run(t.Context(), env, []string{"key", "create", "--developer", "acme"}); code != 0 {
			t.Fatalf("developer key: exit %d: %s", code, stderr)
		}
		if a, err := svc.Auth.ActorForAPIKey(context.Background(), lastLine(out.String())); err != nil || !a.IsDeveloper() {
			t.Fatalf("developer key: %+v, %v", a, err)
		}

		env, out, _ = testEnv(vars)
		if code := Run(t.Context(), env, []string{"key", "list"}); code != 0 || !strings.Contains(out.String(), "billing") || !strings.Contains(out.String(), "acme") {
			t.Errorf("key list: exit %d:\n%s", code, out)
		}
		env, _, stderr = testEnv(vars)
		if code := Run(t.Context(), env, []string{"key", "revoke", "1"}); code != 0 {
			t.Errorf("key revoke: exit %d: %s", code, stderr)
		}
		if _, err := svc.Auth.ActorForAPIKey(context.Background(), secret); err == nil {
			t.Error("a revoked key still works")
		}
	})
}

func TestKeyUsage(t *testing.T) {
	for _, args := range [][]string{
		{"key"},
		{"key", "create"},
		{"key", "create", "--operator", "--developer", "x"},
		{"key", "revoke"},
		{"key", "revoke", "abc"},
		{"key", "rotate"},
	} {
		env, _, _ := testEnv(nil)
		if code := Run(t.Context(), env, args); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestMigrate(t *testing.T) {
	engines(t, func(t *testing.T, dsn string) {
		for range 2 { // twice: migrating is idempotent
			env, out, stderr := testEnv(map[string]string{"VOCDESK_DB": dsn})
			if code := Run(t.Context(), env, []string{"migrate"}); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(out.String(), "up to date") {
				t.Errorf("stdout: %s", out)
			}
		}
	})
}

// Issue 16: without --db, key create names the missing database (exit 2)
// instead of creating an empty ./vocdesk.db and then saying "unknown
// developer".
func TestKeyCreateNeedsAnExistingDatabase(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	env, _, stderr := testEnv(nil)
	if code := Run(t.Context(), env, []string{"key", "create", "--developer", "acme"}); code != 2 {
		t.Fatalf("exit %d, want 2: %s", code, stderr)
	}
	if !strings.Contains(stderr.String(), "no database at vocdesk.db") {
		t.Errorf("stderr: %s", stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "vocdesk.db")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a vocdesk.db was created: %v", err)
	}
}
