package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/vocdesk/vocdesk/sqlstore"
)

// runEngine loads a fresh database of the engine and measures it.
func runEngine(ctx context.Context, c config, engine string) error {
	dsn, drop, err := freshDatabase(ctx, c, engine)
	if err != nil {
		return err
	}
	if !c.keep {
		defer drop()
	}
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	w := newWorld(c.scale, time.Now().UTC().Truncate(time.Second))
	logf("%s: loading %s", engine, dsn)
	t0 := time.Now()
	var s sink
	if engine == "sqlite" {
		s, err = newSQLiteSink(dsn)
	} else {
		s, err = newPGSink(ctx, dsn)
	}
	if err != nil {
		return err
	}
	defer s.close()
	if err := load(ctx, s, w, c.seed); err != nil {
		return err
	}
	logf("%s: loaded in %v; indexing for search", engine, time.Since(t0).Round(time.Second))
	t1 := time.Now()
	recreate, err := s.dropIndexes(ctx, "inquiry_search")
	if err != nil {
		return err
	}
	n, err := db.ReindexInquiries(ctx, func(done int) {
		if done%100_000 == 0 {
			logf("  %d documents", done)
		}
	})
	if err != nil {
		return err
	}
	for _, q := range recreate {
		if err := s.exec(ctx, q); err != nil {
			return err
		}
	}
	analyze := "ANALYZE"
	if engine == "sqlite" {
		analyze = "PRAGMA optimize=0x10002" // ANALYZE with limits, as the docs advise for large tables
	}
	if err := s.exec(ctx, analyze); err != nil {
		return err
	}
	logf("%s: %d search documents in %v", engine, n, time.Since(t1).Round(time.Second))
	if engine == "sqlite" {
		if fi, err := os.Stat(dsn); err == nil {
			logf("%s: database file %.1f GB", engine, float64(fi.Size())/1e9)
		}
	}
	for _, mode := range c.modes {
		var cl client
		switch mode {
		case "service":
			cl = newServiceClient(db)
		case "http":
			hc, err := newHTTPClient(ctx, db, dsn, w, c.clients)
			if err != nil {
				return err
			}
			defer hc.close()
			cl = hc
		default:
			return errUnknownMode
		}
		rep := measure(ctx, c, w, cl)
		rep.print(engine+", "+mode, c, w)
	}
	return nil
}

// freshDatabase returns an empty SQLite file, or a new PostgreSQL database
// of its own (so its statistics are its own), and how to drop it.
func freshDatabase(ctx context.Context, c config, engine string) (string, func(), error) {
	stamp := time.Now().UnixNano()
	if engine == "sqlite" {
		path := filepath.Join(c.work, fmt.Sprintf("desk-bench-%d.db", stamp))
		return path, func() {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
		}, nil
	}
	admin, err := pgx.Connect(ctx, c.pgURL)
	if err != nil {
		return "", nil, err
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("vocdesk_desk_bench_%d", stamp)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, err
	}
	u, err := url.Parse(c.pgURL)
	if err != nil {
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if admin, err := pgx.Connect(ctx, c.pgURL); err == nil {
			admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			admin.Close(ctx)
		}
	}, nil
}
