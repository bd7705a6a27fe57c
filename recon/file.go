package recon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Fields of a store file, in the order File.cols holds their column indexes.
var storeFields = []string{"txid", "tid", "amount", "currency", "status"}

// Fields of a server file; --map names their columns.
var serverFields = []string{"txid", "tid", "amount", "currency"}

const (
	fTxID = iota
	fTID
	fAmount
	fCurrency
	fStatus
)

// File is a store or server file: CSV, or JSON Lines when its name ends in
// ".jsonl". Opening it reads and checks the header, so a missing column is
// reported before any work.
type File struct {
	name  string
	f     io.ReadCloser // an *os.File, or a stream (OpenServerStream)
	size  int64
	jsonl bool
	store bool
	keys  []string // column names of the fields (JSON Lines keys)
	cols  []int    // CSV: column index of each field
	ncols int      // CSV: fields per record
	carry []byte   // bytes read past the header
	line  int64    // line of carry[0]
	eof   bool
	rows  int // estimated rows, from the first block
	// headRead is what Open read, reported to Progress when reading starts.
	headRead int64
	limits   limits
	Header   []string

	// Progress, when set, is called with the number of bytes read each
	// time the file is read (from another goroutine).
	Progress func(n int64)
}

// OpenStore opens a store payment history.
func OpenStore(path string) (*File, error) {
	return open(path, true, nil, defaultLimits)
}

// OpenServer opens a developer's server log. columns maps a field (txid, tid,
// amount, currency) to its column name; unmapped fields use their own name.
func OpenServer(path string, columns map[string]string) (*File, error) {
	for k, v := range columns {
		if !slices.Contains(serverFields, k) {
			return nil, fmt.Errorf("unknown field %q in the column map (fields: %s)", k, strings.Join(serverFields, ", "))
		}
		if strings.TrimSpace(v) == "" {
			return nil, fmt.Errorf("field %q is mapped to an empty column name", k)
		}
	}
	return open(path, false, columns, defaultLimits)
}

// ParseColumnMap reads "field=column,field=column" as --map takes it.
func ParseColumnMap(s string) (map[string]string, error) {
	m := make(map[string]string)
	if strings.TrimSpace(s) == "" {
		return m, nil
	}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("bad column map entry %q: want field=column", kv)
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("field %q is mapped twice", k)
		}
		m[k] = v
	}
	return m, nil
}

func open(path string, store bool, columns map[string]string, lim limits) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s is a directory", path)
	}
	fl := &File{name: filepath.Base(path), f: f, size: st.Size(), store: store, limits: lim,
		jsonl: strings.HasSuffix(strings.ToLower(path), ".jsonl")}
	fields := serverFields
	if store {
		fields = storeFields
	}
	for _, fd := range fields {
		col := fd
		if c, ok := columns[fd]; ok {
			col = strings.TrimSpace(c)
		}
		fl.keys = append(fl.keys, col)
	}
	if err := fl.readHeader(); err != nil {
		f.Close()
		return nil, err
	}
	return fl, nil
}

// readHeader reads the first block, drops a byte-order mark, and finds the
// columns in the header (CSV only: JSON Lines name fields on every row).
func (fl *File) readHeader() error {
	buf := make([]byte, 0, max(fl.limits.blockLen, 3)) // room for a whole BOM
	fill := func() error {
		for !fl.eof && len(buf) < cap(buf) {
			n, err := fl.f.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			if errors.Is(err, io.EOF) {
				fl.eof = true
			} else if err != nil {
				return fmt.Errorf("read %s: %w", fl.name, err)
			}
		}
		return nil
	}
	if err := fill(); err != nil {
		return err
	}
	defer func() { fl.headRead = int64(len(buf)) }()
	data := bytes.TrimPrefix(buf, []byte("\xEF\xBB\xBF"))
	fl.line = 1
	if fl.jsonl {
		fl.carry = data
		fl.estimate()
		return nil
	}
	for {
		k := blankLine(data, true)
		if k == 0 {
			break
		}
		data, fl.line = data[k:], fl.line+1
	}
	var scratch []byte
	r := parseRecord(data, fl.eof, nil, &scratch)
	for r.more && len(buf) < fl.limits.maxRecord {
		// A header longer than a block: rare, but not wrong.
		off := len(buf) - len(data)
		buf = append(buf, make([]byte, fl.limits.blockLen)...)[:len(buf)]
		if err := fill(); err != nil {
			return err
		}
		data = buf[off:]
		scratch = scratch[:0]
		r = parseRecord(data, fl.eof, nil, &scratch)
	}
	switch {
	case r.more:
		return fmt.Errorf("%s: header is longer than %d bytes", fl.name, fl.limits.maxRecord)
	case r.err != nil:
		return fmt.Errorf("%s:%d: header: %s", fl.name, fl.line, r.err.Message)
	case len(data) == 0:
		return fmt.Errorf("%s: empty file, want a header row", fl.name)
	}
	for _, f := range r.fields {
		fl.Header = append(fl.Header, string(bytes.TrimSpace(f)))
	}
	fl.ncols = len(fl.Header)
	fields := serverFields
	if fl.store {
		fields = storeFields
	}
	missing := &MissingColumnsError{File: fl.name, Server: !fl.store, Header: fl.Header}
	for k, key := range fl.keys {
		i := slices.Index(fl.Header, key)
		if i < 0 {
			missing.Fields = append(missing.Fields, fields[k])
			missing.Columns = append(missing.Columns, key)
			continue
		}
		missing.Found = append(missing.Found, key)
		if slices.Index(fl.Header[i+1:], key) >= 0 {
			return fmt.Errorf("%s: column %q appears more than once in the header", fl.name, key)
		}
		fl.cols = append(fl.cols, i)
	}
	if len(missing.Fields) > 0 {
		return missing
	}
	fl.carry = data[r.n:]
	fl.line += int64(r.lines)
	fl.estimate()
	return nil
}

// estimate guesses the number of rows from the first block's line length, so
// the matcher can size its tables once.
func (fl *File) estimate() {
	lines := bytes.Count(fl.carry, nl)
	if lines == 0 {
		fl.rows = 1
		return
	}
	avg := len(fl.carry) / lines
	fl.rows = int(fl.size/int64(max(avg, 1))) + 1
}

// Name is the file's base name, as errors.csv reports it.
func (fl *File) Name() string { return fl.name }

// Size is the file's size in bytes.
func (fl *File) Size() int64 { return fl.size }

// SizeHint estimates the number of rows.
func (fl *File) SizeHint() int { return fl.rows }

// Close closes the file.
func (fl *File) Close() error { return fl.f.Close() }

// Purchases reads the file as a store payment history.
func (fl *File) Purchases(ctx context.Context, y PurchaseYield) error {
	if !fl.store {
		return fmt.Errorf("%s was opened as a server log", fl.name)
	}
	p := &pipeline[Purchase]{
		r: fl.f, name: fl.name, carry: fl.carry, line: fl.line, eof: fl.eof, csv: !fl.jsonl, limits: fl.limits,
		progress: fl.Progress, prepare: y.Prepare, add: y.Add, reject: y.Reject,
	}
	if fl.jsonl {
		p.parse = fl.parseStoreJSONL
	} else {
		p.parse = fl.parseStoreCSV
	}
	if fl.Progress != nil {
		fl.Progress(fl.headRead) // the header's block was read by Open
	}
	return p.run(ctx)
}

// ServerRecords reads the file as a server log.
func (fl *File) ServerRecords(ctx context.Context, y ServerYield) error {
	if fl.store {
		return fmt.Errorf("%s was opened as a store file", fl.name)
	}
	p := &pipeline[ServerRecord]{
		r: fl.f, name: fl.name, carry: fl.carry, line: fl.line, eof: fl.eof, csv: !fl.jsonl, limits: fl.limits,
		progress: fl.Progress, prepare: y.Prepare, add: y.Add, reject: y.Reject,
	}
	if fl.jsonl {
		p.parse = fl.parseServerJSONL
	} else {
		p.parse = fl.parseServerCSV
	}
	if fl.Progress != nil {
		fl.Progress(fl.headRead)
	}
	return p.run(ctx)
}
