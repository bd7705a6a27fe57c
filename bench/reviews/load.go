package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// batchRows is how many rows one multi-row INSERT carries: far below both
// engines' limits on bound values (15 columns at most here).
const batchRows = 500

// load fills a migrated, empty database with the bench's store, through a
// connection of its own: on SQLite with the safety off (a failed load is
// simply run again).
func load(ctx context.Context, engine, dsn string, c config) error {
	driver, conn := "pgx", dsn
	if engine == "sqlite" {
		driver, conn = "sqlite", dsn+"?_pragma=busy_timeout(10000)&_pragma=synchronous(OFF)&_pragma=foreign_keys(OFF)&_pragma=cache_size(-262144)"
	}
	db, err := sql.Open(driver, conn)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	l := &loader{db: db, sqlite: engine == "sqlite"}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	t0 := now.UnixMicro()
	customers := (c.reviews + 9) / 10

	err = l.insert(ctx, "developers", []string{"slug", "name", "email", "created_at"}, c.developers, func(i int) []any {
		return []any{fmt.Sprintf("dev-%03d", i+1), fmt.Sprintf("Developer %d", i+1), fmt.Sprintf("dev%d@example.com", i+1), t0}
	})
	if err == nil {
		err = l.insert(ctx, "apps", []string{"developer_id", "slug", "name", "created_at"}, c.apps, func(i int) []any {
			return []any{1 + i%c.developers, appSlug(i + 1), fmt.Sprintf("앱 %d", i+1), t0}
		})
	}
	if err == nil {
		err = l.insert(ctx, "items", []string{"app_id", "sku", "name", "created_at"}, c.apps, func(i int) []any {
			return []any{i + 1, "gems", "보석 100개", t0}
		})
	}
	if err == nil {
		err = l.insert(ctx, "customers", []string{"email", "email_key", "name", "phone", "locale", "created_at"}, customers, func(i int) []any {
			e := fmt.Sprintf("customer%d@example.com", i+1)
			return []any{e, e, fmt.Sprintf("고객%d", i+1), "", "ko", t0}
		})
	}
	if err != nil {
		return err
	}
	// Customer k reviews (and first bought) ten apps, 101 apart: distinct
	// for any number of apps prime to 101.
	app := func(i int) int { return ((i/10)*7+(i%10)*101)%c.apps + 1 }
	err = l.insert(ctx, "purchases", []string{"txid", "tid", "customer_id", "developer_id", "app_id", "item_id", "amount", "currency",
		"method", "status", "paid_at", "created_at"}, c.reviews, func(i int) []any {
		a := app(i)
		return []any{fmt.Sprintf("T%09d", i+1), fmt.Sprintf("o%09d", i+1), i/10 + 1, 1 + (a-1)%c.developers, a, a, 1200, "KRW",
			"card", "paid", t0 - int64(i)*1000, t0}
	})
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(1, 2))
	weights := []int{1, 1, 2, 2, 2, 3, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5} // mostly 5 stars, as stores see
	twoYears := int64(2 * 365 * 24 * time.Hour / time.Microsecond)
	err = l.insert(ctx, "reviews", []string{"app_id", "developer_id", "customer_id", "author_name", "rating", "body", "helpful",
		"reply_body", "reply_at", "reply_updated_at", "hidden_at", "created_at", "updated_at"}, c.reviews, func(i int) []any {
		a := app(i)
		created := t0 - r.Int64N(twoYears)
		var replyBody, replyAt, hidden any
		if r.IntN(10) < 3 {
			replyBody, replyAt = "이용해 주셔서 감사합니다. Thanks for playing!", created+3600_000_000
		}
		if r.IntN(200) == 0 {
			hidden = created + 7200_000_000
		}
		return []any{a, 1 + (a-1)%c.developers, i/10 + 1, fmt.Sprintf("고객%d", i/10+1), weights[r.IntN(len(weights))],
			"재미있어요. 보석 가격이 조금 비싸지만 업데이트가 자주 있어서 좋습니다. Fun, if a bit pricey.", r.Int64N(50),
			replyBody, replyAt, replyAt, hidden, created, created}
	})
	if err != nil {
		return err
	}
	// Each app's row of review_counts, as the services keep it.
	_, err = db.ExecContext(ctx, `INSERT INTO review_counts (app_id, n1, n2, n3, n4, n5)
		SELECT app_id, SUM(CASE WHEN rating = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN rating = 2 THEN 1 ELSE 0 END),
			SUM(CASE WHEN rating = 3 THEN 1 ELSE 0 END), SUM(CASE WHEN rating = 4 THEN 1 ELSE 0 END), SUM(CASE WHEN rating = 5 THEN 1 ELSE 0 END)
		FROM reviews WHERE hidden_at IS NULL GROUP BY app_id
		ON CONFLICT (app_id) DO UPDATE SET n1 = excluded.n1, n2 = excluded.n2, n3 = excluded.n3, n4 = excluded.n4, n5 = excluded.n5`)
	return err
}

type loader struct {
	db     *sql.DB
	sqlite bool
}

// insert writes n rows made by row into table, batchRows to a statement,
// each batch in a transaction of its own.
func (l *loader) insert(ctx context.Context, table string, cols []string, n int, row func(i int) []any) error {
	for start := 0; start < n; start += batchRows {
		end := min(n, start+batchRows)
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		args := make([]any, 0, (end-start)*len(cols))
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range cols {
				if j > 0 {
					b.WriteString(", ")
				}
				if l.sqlite {
					b.WriteByte('?')
				} else {
					b.WriteString("$" + strconv.Itoa(len(args)+j+1))
				}
			}
			b.WriteByte(')')
			args = append(args, row(i)...)
		}
		if _, err := l.db.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("%s rows %d-%d: %w", table, start, end, err)
		}
	}
	return nil
}
