package benchdb

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"
)

// BenchAppName is the application_name WithAppName gives a benchmark's
// PostgreSQL sessions, so that ServerCPU finds their server processes among
// those of everything else on the shared server.
const BenchAppName = "vocdesk-bench"

// WithAppName returns dsn with application_name set to BenchAppName when it
// is a PostgreSQL URL (an SQLite path is returned as it is).
func WithAppName(dsn string) string {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	q.Set("application_name", BenchAppName)
	u.RawQuery = q.Encode()
	return u.String()
}

// ServerCPU is the CPU time the PostgreSQL server processes of the
// benchmark's sessions (application_name BenchAppName) have used so far,
// read from /proc: the part of a request's cost that the client's own
// CPU time leaves out. Sessions that closed since an earlier reading take
// their CPU with them, so a difference of two readings is exact only while
// the pools keep their connections (as a measured run does). It needs the
// server on this machine; elsewhere it fails and the figure is left out.
func ServerCPU(ctx context.Context, db *sql.DB) (time.Duration, error) {
	rows, err := db.QueryContext(ctx, `SELECT pid FROM pg_stat_activity WHERE application_name = $1`, BenchAppName)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var total time.Duration
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			return 0, err
		}
		t, err := ProcessCPU(pid)
		if err != nil {
			continue // a session that ended meanwhile
		}
		total += t
	}
	return total, rows.Err()
}

// ProcessCPU is process pid's user and system CPU time, from /proc.
func ProcessCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; fields after its ")" are
	// state, ppid, ... utime (14) and stime (15) in clock ticks.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("unexpected /proc stat: %q", s)
	}
	var utime, stime int64
	fmt.Sscan(f[11], &utime)
	fmt.Sscan(f[12], &stime)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks, nil
}
