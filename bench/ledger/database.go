package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
)

// database is a fresh, empty database for one engine's run.
type database struct {
	engine  string
	dsn     string // what vocdesk gets with --db
	display string
	drop    func()
}

func freshDatabase(ctx context.Context, c config, engine string) (*database, error) {
	if engine == "sqlite" {
		path := filepath.Join(c.work, fmt.Sprintf("bench-%d.db", time.Now().UnixNano()))
		return &database{engine: engine, dsn: path, display: path, drop: func() {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
		}}, nil
	}
	// A database of its own, so the run starts empty and its planner
	// statistics are its own; dropped at the end.
	admin, err := pgx.Connect(ctx, c.pgURL)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", c.pgURL, err)
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("vocdesk_bench_%d", time.Now().UnixNano())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, fmt.Errorf("create database: %w", err)
	}
	u, err := url.Parse(c.pgURL)
	if err != nil {
		return nil, err
	}
	u.Path = "/" + name
	return &database{engine: engine, dsn: u.String(), display: u.Redacted(), drop: func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		admin, err := pgx.Connect(ctx, c.pgURL)
		if err != nil {
			logf("drop %s: %v", name, err)
			return
		}
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			logf("drop %s: %v", name, err)
		}
	}}, nil
}
