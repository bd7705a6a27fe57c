package recon

import (
	"bytes"
	"encoding/json"

	"github.com/vocdesk/vocdesk"
)

// parseAmount turns a decimal amount in major units into minor units without
// allocating. It accepts exactly what vocdesk.ParseAmount accepts (a test
// holds them together) and returns ok=false for anything else, letting the
// caller ask vocdesk.ParseAmount for the message.
func parseAmount(b []byte, exp int) (int64, bool) {
	neg := false
	if len(b) > 0 && b[0] == '-' {
		neg, b = true, b[1:]
	}
	var v uint64
	i, sig := 0, 0
	for ; i < len(b) && b[i] != '.'; i++ {
		d := b[i] - '0'
		if d > 9 {
			return 0, false
		}
		if v != 0 || d != 0 {
			sig++
		}
		v = v*10 + uint64(d)
	}
	if i == 0 || sig > maxWholeDigits {
		return 0, false
	}
	if i < len(b) { // b[i] is the decimal point
		frac := b[i+1:]
		if len(frac) == 0 {
			return 0, false
		}
		for k, c := range frac {
			d := c - '0'
			switch {
			case d > 9:
				return 0, false
			case k < exp:
				v = v*10 + uint64(d)
			case d != 0:
				return 0, false
			}
		}
		for k := len(frac); k < exp; k++ {
			v *= 10
		}
	} else {
		for range exp {
			v *= 10
		}
	}
	if neg {
		return -int64(v), true
	}
	return int64(v), true
}

// maxWholeDigits is vocdesk.ParseAmount's bound on the integer part.
const maxWholeDigits = 15

// rowMoney parses a row's amount and currency, interning the currency code
// in curs. It returns the row's problem, or nil.
func rowMoney(amount, currency []byte, curs *map[string]string) (int64, string, *vocdesk.Error) {
	code, ok := (*curs)[string(currency)]
	if !ok {
		if _, known := vocdesk.CurrencyExponent(string(currency)); !known {
			return 0, "", unknownCurrency(currency)
		}
		if *curs == nil {
			*curs = make(map[string]string)
		}
		code = string(currency)
		(*curs)[code] = code
	}
	exp, _ := vocdesk.CurrencyExponent(code)
	v, ok := parseAmount(amount, exp)
	if !ok {
		var err error
		v, err = vocdesk.ParseAmount(string(amount), code)
		if err != nil {
			return 0, "", appError(err)
		}
	}
	if v < 0 {
		return 0, "", negativeAmount(amount)
	}
	return v, code, nil
}

// reserve sizes a chunk's rows once, from its line count, so that parsing
// does not grow the slice step by step (fresh memory is slow to fault in).
func reserve[T any](rows []T, data []byte) []T {
	if n := bytes.Count(data, nl) + 1; cap(rows) < n {
		return make([]T, 0, n+n/8)
	}
	return rows
}

func (fl *File) parseStoreCSV(c *chunk[Purchase]) {
	quoted := bytes.IndexByte(c.data, '"') >= 0
	c.rows = reserve(c.rows, c.data)
	cols := fl.cols
	c.fields = eachCSVRecord(c.data, c.line, c.atEOF, quoted, &c.scratch, c.fields, func(row csvRow) {
		if row.err == nil && len(row.fields) != fl.ncols {
			row.err = fieldCountError(len(row.fields), fl.ncols)
		}
		if row.err != nil {
			c.errs = append(c.errs, rowError(fl.name, row.line, row.err))
			return
		}
		f := row.fields
		p, why := storeRow(f[cols[fTxID]], f[cols[fTID]], f[cols[fAmount]], f[cols[fCurrency]], f[cols[fStatus]], &c.curs)
		if why != nil {
			c.errs = append(c.errs, rowError(fl.name, row.line, why))
			return
		}
		p.Line = row.line
		c.rows = append(c.rows, p)
	})
}

// storeRow checks one store row's fields, in the order errors are reported:
// status, currency, amount.
func storeRow(txid, tid, amount, currency, status []byte, curs *map[string]string) (Purchase, *vocdesk.Error) {
	st, ok := ParseStatus(status)
	if !ok {
		return Purchase{}, unknownStatus(status)
	}
	v, code, why := rowMoney(amount, currency, curs)
	if why != nil {
		return Purchase{}, why
	}
	txid, tid = bytes.TrimSpace(txid), bytes.TrimSpace(tid)
	if why := idProblem(txid, tid); why != nil {
		return Purchase{}, why
	}
	return Purchase{TxID: txid, TID: tid, Amount: v, Currency: code, Status: st}, nil
}

// MaxIDLen bounds a txid or tid, as the ledger does (vocdesk.Purchase): a
// longer one is no store's id, and a report must not store or serve back
// a megabyte of "txid".
const MaxIDLen = 128

// idProblem checks a row's trimmed ids: at most MaxIDLen bytes and text by
// vocdesk.TextProblem (no NUL, control character or invalid UTF-8). It
// returns the row's problem, or nil; the text's is vocdesk.CheckText's,
// "txid " and the problem, with its reason.
func idProblem(txid, tid []byte) *vocdesk.Error {
	for _, f := range [...]struct {
		name string
		v    []byte
	}{{"txid", txid}, {"tid", tid}} {
		if len(f.v) > MaxIDLen {
			return idTooLong(f.name)
		}
		if !printableASCII(f.v) {
			if err := vocdesk.CheckText(f.name, string(f.v)); err != nil {
				return appError(err)
			}
		}
	}
	return nil
}

// printableASCII is the common case of an id, which needs no further check.
func printableASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

func (fl *File) parseServerCSV(c *chunk[ServerRecord]) {
	quoted := bytes.IndexByte(c.data, '"') >= 0
	c.rows = reserve(c.rows, c.data)
	cols := fl.cols
	c.fields = eachCSVRecord(c.data, c.line, c.atEOF, quoted, &c.scratch, c.fields, func(row csvRow) {
		if row.err == nil && len(row.fields) != fl.ncols {
			row.err = fieldCountError(len(row.fields), fl.ncols)
		}
		if row.err != nil {
			c.errs = append(c.errs, rowError(fl.name, row.line, row.err))
			return
		}
		f := row.fields
		v, code, why := rowMoney(f[cols[fAmount]], f[cols[fCurrency]], &c.curs)
		txid, tid := bytes.TrimSpace(f[cols[fTxID]]), bytes.TrimSpace(f[cols[fTID]])
		if why == nil {
			why = idProblem(txid, tid)
		}
		if why != nil {
			c.errs = append(c.errs, rowError(fl.name, row.line, why))
			return
		}
		c.rows = append(c.rows, ServerRecord{TxID: txid, TID: tid, Amount: v, Currency: code, Line: row.line})
	})
}

// eachJSONLine calls fn for every non-blank line of data with its fields,
// keys[i]'s value in vals[i]; optional[i] lets a key be absent (as empty).
func eachJSONLine(data []byte, line int64, keys []string, optional []bool, scratch *[]byte, fn func(line int64, vals [][]byte, err *vocdesk.Error)) {
	vals := make([][]byte, len(keys))
	for len(data) > 0 {
		k := bytes.IndexByte(data, '\n')
		var l []byte
		if k < 0 {
			l, data = data, nil
		} else {
			l, data = data[:k], data[k+1:]
		}
		if len(bytes.TrimSpace(l)) > 0 {
			fn(line, vals, jsonFields(l, keys, optional, vals, scratch))
		}
		line++
	}
}

// jsonFields decodes one JSON object and picks the values of keys: strings
// as they are, numbers exactly as written (json.Number, never a float), null
// as empty.
func jsonFields(l []byte, keys []string, optional []bool, vals [][]byte, scratch *[]byte) *vocdesk.Error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(l, &obj); err != nil {
		return notJSON(err)
	}
	for i, key := range keys {
		raw, ok := obj[key]
		vals[i] = nil
		if !ok {
			if optional[i] {
				continue
			}
			return jsonMissing(key)
		}
		raw = bytes.TrimSpace(raw)
		switch {
		case len(raw) == 0 || string(raw) == "null":
		case raw[0] == '"':
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return jsonValue(key, err)
			}
			start := len(*scratch)
			*scratch = append(*scratch, s...)
			vals[i] = (*scratch)[start:len(*scratch):len(*scratch)]
		case raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9':
			var n json.Number
			if err := json.Unmarshal(raw, &n); err != nil {
				return jsonValue(key, err)
			}
			start := len(*scratch)
			*scratch = append(*scratch, n...)
			vals[i] = (*scratch)[start:len(*scratch):len(*scratch)]
		default:
			return jsonType(key)
		}
	}
	return nil
}

func (fl *File) parseStoreJSONL(c *chunk[Purchase]) {
	optional := make([]bool, len(fl.keys))
	eachJSONLine(c.data, c.line, fl.keys, optional, &c.scratch, func(line int64, v [][]byte, err *vocdesk.Error) {
		if err == nil {
			var p Purchase
			p, err = storeRow(v[fTxID], v[fTID], v[fAmount], v[fCurrency], v[fStatus], &c.curs)
			if err == nil {
				p.Line = line
				c.rows = append(c.rows, p)
				return
			}
		}
		c.errs = append(c.errs, rowError(fl.name, line, err))
	})
}

func (fl *File) parseServerJSONL(c *chunk[ServerRecord]) {
	// A server record's txid may be empty, so it may also be left out.
	optional := []bool{fTxID: true, fTID: false, fAmount: false, fCurrency: false}
	eachJSONLine(c.data, c.line, fl.keys, optional, &c.scratch, func(line int64, v [][]byte, err *vocdesk.Error) {
		if err == nil {
			v2, code, why := rowMoney(v[fAmount], v[fCurrency], &c.curs)
			txid, tid := bytes.TrimSpace(v[fTxID]), bytes.TrimSpace(v[fTID])
			if why == nil {
				why = idProblem(txid, tid)
			}
			if why == nil {
				c.rows = append(c.rows, ServerRecord{TxID: txid, TID: tid, Amount: v2, Currency: code, Line: line})
				return
			}
			err = why
		}
		c.errs = append(c.errs, rowError(fl.name, line, err))
	})
}
