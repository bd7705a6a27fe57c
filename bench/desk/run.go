package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/vocdesk/vocdesk/bench/internal/benchdb"
	"github.com/vocdesk/vocdesk/sqlstore"
)

// runEngine loads a fresh database of the engine (or takes the -reuse one)
// and measures it.
func runEngine(ctx context.Context, c config, engine string) error {
	w := newWorld(c.scale, time.Now().UTC().Truncate(time.Second))
	if c.reuse != "" {
		c.reuse = benchdb.WithAppName(c.reuse)
		db, err := sqlstore.Open(ctx, c.reuse)
		if err != nil {
			return err
		}
		defer db.Close()
		// A database kept by an older build gets this build's migrations
		// (and statistics for its new indexes).
		if err := db.Migrate(ctx); err != nil {
			return err
		}
		if err := db.Analyze(ctx); err != nil {
			return err
		}
		if err := db.OptimizeSearch(ctx); err != nil { // as vocdesk serve's daily sweep
			return err
		}
		logf("%s: measuring %s as loaded", engine, c.reuse)
		if err := readInquiryDevs(ctx, engine, c.reuse, w); err != nil {
			return err
		}
		return measureModes(ctx, c, engine, c.reuse, db, w)
	}
	dsn, drop, err := freshDatabase(ctx, c, engine)
	if err != nil {
		return err
	}
	if !c.keep {
		defer drop()
	}
	dsn = benchdb.WithAppName(dsn)
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
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
	// The statistics vocdesk serve keeps (its daily sweep).
	if err := db.Analyze(ctx); err != nil {
		return err
	}
	logf("%s: %d search documents in %v", engine, n, time.Since(t1).Round(time.Second))
	if engine == "sqlite" {
		if fi, err := os.Stat(dsn); err == nil {
			logf("%s: database file %.1f GB", engine, float64(fi.Size())/1e9)
		}
	}
	return measureModes(ctx, c, engine, dsn, db, w)
}

// measureModes measures the loaded database in each of c's modes.
func measureModes(ctx context.Context, c config, engine, dsn string, db *sqlstore.DB, w *world) error {
	if c.cpuprof != "" {
		f, err := os.Create(c.cpuprof)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var dbCPU func() (time.Duration, error)
	if engine == "postgres" {
		admin, err := sql.Open("pgx", dsn)
		if err != nil {
			return err
		}
		defer admin.Close()
		admin.SetMaxOpenConns(1)
		dbCPU = func() (time.Duration, error) { return benchdb.ServerCPU(ctx, admin) }
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
		wr := startWriter(db, w, c.writes)
		rep := measure(ctx, c, w, cl, dbCPU)
		rep.writes, rep.writeErrs = wr.close()
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

// readInquiryDevs fills in which developer each inquiry of a reused
// database belongs to (a load generates it as it goes).
func readInquiryDevs(ctx context.Context, engine, dsn string, w *world) error {
	driver := "pgx"
	if engine == "sqlite" {
		driver = "sqlite"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM inquiries`).Scan(&n); err != nil {
		return err
	}
	if n != w.inquiries {
		return fmt.Errorf("%s has %d inquiries, -scale %g gives %d: give the scale it was loaded with", dsn, n, float64(w.inquiries)/1e6, w.inquiries)
	}
	w.inquiryDev = make([]int32, w.inquiries+1)
	rows, err := db.QueryContext(ctx, `SELECT id, developer_id FROM inquiries`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, dev int64
		if err := rows.Scan(&id, &dev); err != nil {
			return err
		}
		if id > 0 && id <= int64(w.inquiries) {
			w.inquiryDev[id] = int32(dev)
		}
	}
	return rows.Err()
}
