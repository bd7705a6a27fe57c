package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// sink bulk-writes rows with the engine's fastest path: multi-row INSERTs
// in large transactions on SQLite, COPY on PostgreSQL. Secondary indexes
// are dropped before the load and built after it, which is much faster
// than keeping them up to date row by row.
type sink interface {
	copy(ctx context.Context, table string, cols []string, produce func(emit func(row ...any) error) error) error
	dropIndexes(ctx context.Context, tables ...string) (recreate []string, err error)
	exec(ctx context.Context, q string) error
	close()
}

var loadTables = []string{"purchases", "inquiries", "inquiry_messages"}

// load fills the database with the world: developers, apps, items, one
// agent per developer, customers, purchases, inquiries and messages.
func load(ctx context.Context, s sink, w *world, seed uint64) error {
	recreate, err := s.dropIndexes(ctx, loadTables...)
	if err != nil {
		return err
	}
	created := micros(w.now.Add(-3 * 365 * 24 * time.Hour))
	err = s.copy(ctx, "developers", []string{"id", "slug", "name", "email", "created_at"}, func(emit func(...any) error) error {
		for d := 1; d <= w.developers; d++ {
			if err := emit(int64(d), fmt.Sprintf("dev-%d", d), fmt.Sprintf("Developer %d", d), fmt.Sprintf("dev%d@dev.example", d), created); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = s.copy(ctx, "apps", []string{"id", "developer_id", "slug", "name", "created_at"}, func(emit func(...any) error) error {
		for a := 1; a <= w.developers*w.appsPer; a++ {
			if err := emit(int64(a), int64((a-1)/w.appsPer+1), fmt.Sprintf("app-%d", a), fmt.Sprintf("앱 %d", a), created); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = s.copy(ctx, "items", []string{"id", "app_id", "sku", "name", "created_at"}, func(emit func(...any) error) error {
		for a := 1; a <= w.developers*w.appsPer; a++ {
			if err := emit(int64(a), int64(a), "", "app", created); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// email_key is unique per developer ("<developer id> <email>") and
	// login_key is what sign-in looks up (migration 00060).
	err = s.copy(ctx, "members", []string{"id", "developer_id", "email", "email_key", "login_key", "name", "role", "created_at"}, func(emit func(...any) error) error {
		for d := 1; d <= w.developers; d++ {
			e := fmt.Sprintf("agent%d@dev.example", d)
			if err := emit(int64(d), int64(d), e, fmt.Sprintf("%d %s", d, e), e, fmt.Sprintf("상담원 %d", d), "agent", created); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	logf("customers: %d", w.customers)
	err = s.copy(ctx, "customers", []string{"id", "email", "email_key", "name", "phone", "locale", "created_at"}, func(emit func(...any) error) error {
		for c := 1; c <= w.customers; c++ {
			name, e, phone := customerContact(c)
			if err := emit(int64(c), e, e, name, phone, "ko", created); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	logf("purchases: %d", w.purchases)
	w.purchaseDev = make([]int32, w.purchases+1)
	w.purchaseCust = make([]int32, w.purchases+1)
	r := rand.New(rand.NewPCG(seed, 1))
	methods := []string{"carrier", "card", "cash", "gift"}
	span := 2 * 365 * 24 * time.Hour
	start := w.now.Add(-span)
	err = s.copy(ctx, "purchases", []string{"id", "txid", "tid", "customer_id", "developer_id", "app_id", "item_id", "amount", "currency",
		"refunded", "method", "status", "paid_at", "created_at"}, func(emit func(...any) error) error {
		for p := 1; p <= w.purchases; p++ {
			dev := w.developer(r)
			cust := 1 + r.IntN(w.customers)
			app := w.app(r, dev)
			w.purchaseDev[p], w.purchaseCust[p] = int32(dev), int32(cust)
			paid := micros(start.Add(time.Duration(float64(span) * float64(p) / float64(w.purchases+1))))
			if err := emit(int64(p), txid(p), fmt.Sprintf("O%d", p), int64(cust), int64(dev), int64(app), int64(app),
				int64(100*(1+r.IntN(500))), "KRW", int64(0), methods[r.IntN(4)], "paid", paid, paid); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	logf("inquiries: %d, with about %d messages", w.inquiries, 5*w.inquiries)
	// Inquiries and messages are generated together, so they are written
	// in two passes over the same seed.
	err = s.copy(ctx, "inquiries", []string{"id", "developer_id", "app_id", "customer_id", "contact_name", "contact_email", "contact_phone",
		"purchase_id", "purchase_txid", "channel", "category",
		"subject", "status", "unread_by_customer", "unread_by_developer", "created_at", "updated_at", "last_message_at",
		"first_response_at", "waiting_since", "due_at", "due_soon_at", "escalate_at", "escalated_at", "wait_sort", "due_sort", "priority"},
		func(emit func(...any) error) error {
			return w.eachInquiry(seed, func(in *inquiryRow, _ []messageRow) error {
				// As the desk opens an inquiry: who asked and the txid are
				// copied into it (migration 00051).
				name, email, phone := customerContact(in.cust)
				tx := ""
				if in.purchase > 0 {
					tx = txid(in.purchase)
				}
				return emit(int64(in.id), int64(in.dev), int64(in.app), int64(in.cust), name, email, phone,
					nullableID(in.purchase), tx, in.channel, in.category,
					in.subject, in.status, in.status == "waiting_on_customer", in.status == "new" || in.status == "open",
					in.created, in.updated, in.lastMsg, nullable(in.firstResp), nullable(in.waiting), nullable(in.due),
					nullable(in.dueSoon), nullable(in.escalate), nullable(in.escalated), sortKey(in.waiting), sortKey(in.due), priorityOf(in.id))
			})
		})
	if err != nil {
		return err
	}
	err = s.copy(ctx, "inquiry_messages", []string{"id", "inquiry_id", "author", "author_id", "author_name", "body", "internal", "created_at"},
		func(emit func(...any) error) error {
			return w.eachInquiry(seed, func(in *inquiryRow, msgs []messageRow) error {
				for _, m := range msgs {
					name := ""
					if m.author == "developer" {
						name = fmt.Sprintf("상담원 %d", in.dev)
					}
					if err := emit(int64(m.id), int64(m.inquiry), m.author, int64(m.authorID), name, m.body, m.internal, m.created); err != nil {
						return err
					}
				}
				return nil
			})
		})
	if err != nil {
		return err
	}
	if err := s.exec(ctx, `INSERT INTO inquiry_counts (developer_id, status, n) SELECT developer_id, status, COUNT(*) FROM inquiries GROUP BY developer_id, status`); err != nil {
		return err
	}
	// One inquiry in a hundred snoozed until the customer replies, for the
	// console inbox's default view, which leaves them out (migration 00121).
	if err := s.exec(ctx, `INSERT INTO inquiry_snoozes (inquiry_id, developer_id, until, created_at) SELECT id, developer_id, NULL, created_at FROM inquiries WHERE id % 100 = 0`); err != nil {
		return err
	}
	// The priorities rules and agents set, in their table as well as the
	// row's copy (migration 00137), for the inbox's priority filter.
	if err := s.exec(ctx, `INSERT INTO inquiry_priorities (inquiry_id, developer_id, priority) SELECT id, developer_id, priority FROM inquiries WHERE priority <> 'normal'`); err != nil {
		return err
	}
	logf("building %d indexes", len(recreate))
	for _, q := range recreate {
		if err := s.exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// sqliteSink writes through its own connection with the safety off: a
// bulk load that fails is simply run again.
type sqliteSink struct{ db *sql.DB }

func newSQLiteSink(path string) (*sqliteSink, error) {
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=synchronous(OFF)&_pragma=foreign_keys(OFF)&_pragma=cache_size(-262144)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return &sqliteSink{db: db}, nil
}

func (s *sqliteSink) close() { s.db.Close() }

func (s *sqliteSink) exec(ctx context.Context, q string) error {
	_, err := s.db.ExecContext(ctx, q)
	return err
}

func (s *sqliteSink) dropIndexes(ctx context.Context, tables ...string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
		AND tbl_name IN ('`+strings.Join(tables, "', '")+`')`)
	if err != nil {
		return nil, err
	}
	var names, defs []string
	for rows.Next() {
		var n, d string
		if err := rows.Scan(&n, &d); err != nil {
			return nil, err
		}
		names, defs = append(names, n), append(defs, d)
	}
	rows.Close()
	for _, n := range names {
		if err := s.exec(ctx, "DROP INDEX "+n); err != nil {
			return nil, err
		}
	}
	return defs, nil
}

func (s *sqliteSink) copy(ctx context.Context, table string, cols []string, produce func(emit func(row ...any) error) error) error {
	const perStmt, perTx = 100, 200_000
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+", ", perStmt), ", ")
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	st, err := tx.PrepareContext(ctx, q)
	if err != nil {
		return err
	}
	args := make([]any, 0, perStmt*len(cols))
	n := 0
	flushTail := func() error {
		// The last rows that do not fill a statement go one by one.
		for k := 0; k < len(args); k += len(cols) {
			if _, err := tx.ExecContext(ctx, "INSERT INTO "+table+" ("+strings.Join(cols, ", ")+") VALUES "+one, args[k:k+len(cols)]...); err != nil {
				return err
			}
		}
		args = args[:0]
		return nil
	}
	err = produce(func(row ...any) error {
		args = append(args, row...)
		if len(args) < cap(args) {
			return nil
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("insert %s: %w", table, err)
		}
		args = args[:0]
		n += perStmt
		if n%perTx == 0 {
			if err := tx.Commit(); err != nil {
				return err
			}
			if tx, err = s.db.BeginTx(ctx, nil); err != nil {
				return err
			}
			if st, err = tx.PrepareContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tx.Rollback()
		return err
	}
	if err := flushTail(); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// pgSink loads with COPY. Identity columns are switched to BY DEFAULT so the
// generated ids can be written, and their sequences moved past them after.
type pgSink struct{ conn *pgx.Conn }

func newPGSink(ctx context.Context, dsn string) (*pgSink, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	for _, q := range []string{"SET synchronous_commit = off", "SET maintenance_work_mem = '512MB'"} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return nil, err
		}
	}
	return &pgSink{conn: conn}, nil
}

func (s *pgSink) close() { s.conn.Close(context.Background()) }

func (s *pgSink) exec(ctx context.Context, q string) error {
	_, err := s.conn.Exec(ctx, q)
	return err
}

func (s *pgSink) dropIndexes(ctx context.Context, tables ...string) ([]string, error) {
	rows, err := s.conn.Query(ctx, `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
		AND tablename = ANY($1) AND indexname NOT IN (SELECT conname FROM pg_constraint)`, tables)
	if err != nil {
		return nil, err
	}
	var names, defs []string
	for rows.Next() {
		var n, d string
		if err := rows.Scan(&n, &d); err != nil {
			return nil, err
		}
		names, defs = append(names, n), append(defs, d)
	}
	rows.Close()
	for _, n := range names {
		if err := s.exec(ctx, "DROP INDEX "+n); err != nil {
			return nil, err
		}
	}
	return defs, nil
}

func (s *pgSink) copy(ctx context.Context, table string, cols []string, produce func(emit func(row ...any) error) error) error {
	if err := s.exec(ctx, "ALTER TABLE "+table+" ALTER COLUMN id SET GENERATED BY DEFAULT"); err != nil {
		return err
	}
	rows := make(chan []any, 4096)
	errc := make(chan error, 1)
	go func() {
		errc <- produce(func(row ...any) error {
			select {
			case rows <- append([]any(nil), row...):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		close(rows)
	}()
	var cur []any
	_, err := s.conn.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromFunc(func() ([]any, error) {
		var ok bool
		cur, ok = <-rows
		if !ok {
			return nil, nil
		}
		return cur, nil
	}))
	for range rows { // let the producer finish after a failed COPY
	}
	if perr := <-errc; err == nil {
		err = perr
	}
	if err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	return s.exec(ctx, fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT max(id) FROM %s))", table, table))
}

// priorityOf is an inquiry's priority: one in 20 high, one in 200 urgent,
// the rest never set.
func priorityOf(id int) string {
	switch {
	case id%200 == 3:
		return "urgent"
	case id%20 == 7:
		return "high"
	}
	return "normal"
}
