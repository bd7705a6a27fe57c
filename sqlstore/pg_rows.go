package sqlstore

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
)

// eachRow runs query and calls fn with each row's fields, read in order as
// readFields reads a row of n fields. fn must not keep the reader.
//
// A read outside a transaction on PostgreSQL (the inbox, a search, a
// purchase list) takes the rows from pgx as the server sent them and
// decodes each field straight into its destination. Through database/sql
// every column is first a driver value in an interface, allocated, then
// copied into another: a quarter of the Go side's time on an inbox page
// went to malloc, and a page of 50 purchases made 1,497 allocations (559
// now).
func (tx *Tx) eachRow(ctx context.Context, query string, args []any, n int, fn func(fieldReader) error) error {
	if tx.tx == nil && tx.dialect == dialectPostgres {
		return tx.eachPgRow(ctx, query, args, fn)
	}
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		d, err := readFields(tx.dialect, rows, n)
		if err != nil {
			return err
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	return rows.Err()
}

// forValues returns args for eachRow such that PostgreSQL plans query for
// the values bound at every run, not only at the first five: sent through
// pgx (a read outside a transaction), it goes as an unnamed statement.
// Elsewhere args are returned as they are.
func (tx *Tx) forValues(args []any) []any {
	if tx.tx == nil && tx.dialect == dialectPostgres {
		return append([]any{pgx.QueryExecModeExec}, args...)
	}
	return args
}

// eachPgRow is eachRow through pgx itself, on a connection of tx's pool.
// With tx.serial the statement runs with parallel workers off
// (serialQuery).
func (tx *Tx) eachPgRow(ctx context.Context, query string, args []any, fn func(fieldReader) error) error {
	conn, err := tx.pool.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return withPgx(conn, func(c *pgx.Conn) error {
		if tx.serial {
			if _, err := c.Exec(ctx, `SET max_parallel_workers_per_gather = 0`); err != nil {
				return err
			}
			defer func() {
				// Not ctx: it may be cancelled, and the connection must not
				// go back to the pool with the setting changed; if RESET
				// fails it is closed instead.
				if _, err := c.Exec(context.Background(), `RESET max_parallel_workers_per_gather`); err != nil {
					_ = c.Close(context.Background())
				}
			}()
		}
		rows, err := c.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		r := &pgRowReader{fields: rows.FieldDescriptions()}
		for rows.Next() {
			r.reset(rows.RawValues())
			if err := fn(r); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// withPgx runs fn on conn's pgx connection, for what database/sql does
// not offer (COPY) or does at a cost (eachRow).
func withPgx(conn *sql.Conn, fn func(*pgx.Conn) error) error {
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("sqlstore: driver connection is %T, not pgx", dc)
		}
		return fn(c.Conn())
	})
}

// pgRowReader reads a row of PostgreSQL's wire values: binary for the
// types pgx asks binary results of (integers, booleans; text is its bytes
// either way), text otherwise.
type pgRowReader struct {
	fields []pgconn.FieldDescription
	vals   [][]byte
	columnCursor
}

// reset starts reading the row vals.
func (r *pgRowReader) reset(vals [][]byte) {
	r.vals, r.columnCursor = vals, columnCursor{n: min(len(vals), len(r.fields))}
}

// next returns the next column's value (nil for NULL) and description.
func (r *pgRowReader) next() ([]byte, *pgconn.FieldDescription, bool) {
	if !r.step() {
		return nil, nil, false
	}
	return r.vals[r.pos-1], &r.fields[r.pos-1], true
}

// integer decodes v, a value of an integer column; ok is false for NULL
// or anything else.
func integer(v []byte, f *pgconn.FieldDescription) (int64, bool) {
	if v == nil {
		return 0, false
	}
	if f.Format == pgtype.TextFormatCode {
		n, err := strconv.ParseInt(string(v), 10, 64)
		return n, err == nil
	}
	switch {
	case f.DataTypeOID == pgtype.Int8OID && len(v) == 8:
		return int64(binary.BigEndian.Uint64(v)), true
	case f.DataTypeOID == pgtype.Int4OID && len(v) == 4:
		return int64(int32(binary.BigEndian.Uint32(v))), true
	case f.DataTypeOID == pgtype.Int2OID && len(v) == 2:
		return int64(int16(binary.BigEndian.Uint16(v))), true
	}
	return 0, false
}

func (r *pgRowReader) num() int64 {
	v, f, ok := r.next()
	if !ok {
		return 0
	}
	n, ok := integer(v, f)
	if !ok {
		r.fail("an integer")
	}
	return n
}

func (r *pgRowReader) nullNum() sql.NullInt64 {
	v, f, ok := r.next()
	if !ok || v == nil {
		return sql.NullInt64{}
	}
	n, ok := integer(v, f)
	if !ok {
		r.fail("an integer or null")
	}
	return sql.NullInt64{Int64: n, Valid: ok}
}

func (r *pgRowReader) text() string {
	v, f, ok := r.next()
	if !ok {
		return ""
	}
	switch {
	case v == nil:
	case f.Format == pgtype.TextFormatCode:
		return string(v)
	case f.DataTypeOID == pgtype.TextOID || f.DataTypeOID == pgtype.VarcharOID || f.DataTypeOID == pgtype.NameOID:
		return string(v)
	}
	r.fail("a string")
	return ""
}

func (r *pgRowReader) flag() bool {
	v, f, ok := r.next()
	switch {
	case !ok:
		return false
	case len(v) == 1 && f.DataTypeOID == pgtype.BoolOID && f.Format == pgtype.BinaryFormatCode:
		return v[0] == 1
	case len(v) == 1 && f.DataTypeOID == pgtype.BoolOID:
		return v[0] == 't'
	}
	r.fail("a boolean")
	return false
}

func (r *pgRowReader) texts() []string { return r.array(r.text()) }
