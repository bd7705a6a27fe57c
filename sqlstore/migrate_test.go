package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

func TestMigrateIdempotent(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
		must(t, db.Ping(ctx))
	})
}

// Several processes starting at once on one database all migrate; they must
// all succeed and leave one schema.
func TestMigrateConcurrent(t *testing.T) {
	dsns := map[string]string{"sqlite": "sqlite:" + filepath.Join(t.TempDir(), "race.db")}
	if u := os.Getenv(sqlstoretest.EnvPostgres); u != "" {
		dsns["postgres"], _ = sqlstoretest.NewPostgresSchema(t, u)
	}
	for name, dsn := range dsns {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			var wg sync.WaitGroup
			dbs := make([]*sqlstore.DB, 6)
			for i := range dbs {
				db, err := sqlstore.Open(ctx, dsn)
				must(t, err)
				defer db.Close()
				dbs[i] = db
			}
			for _, db := range dbs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := db.Migrate(ctx); err != nil {
						t.Errorf("Migrate: %v", err)
					}
				}()
			}
			wg.Wait()
			if dbs[0].Dialect() != name {
				t.Fatalf("dialect %q", dbs[0].Dialect())
			}
			devs := sqlstore.NewDeveloperService(dbs[0])
			must(t, devs.CreateDeveloper(asOperator(), &vocdesk.Developer{Slug: "d", Name: "D", Email: "d@d.example"}))
		})
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, dsn := range []string{"", ":memory:", "sqlite::memory:"} {
		if db, err := sqlstore.Open(ctx, dsn); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded", dsn)
		}
	}
	if _, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "no", "such", "dir", "x.db")); err == nil {
		t.Error("Open in a missing directory succeeded")
	}
}
