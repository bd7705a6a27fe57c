package recon

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
)

// refResult is what both the engine and the reference produce, in a form
// that compares with reflect-free equality.
type refResult struct {
	counts     map[string]int64
	exceptions [][]string
	errLines   []string // "file:line", in report order
}

// reference reconciles with encoding/csv and maps, the plainest way to read
// the contract. ok is false when encoding/csv itself rejects the input (a
// quoting error), where the two readers may resynchronise differently.
func reference(storeCSV, serverCSV []byte, columns map[string]string) (res refResult, headerErr error, ok bool) {
	type purchase struct {
		txid, tid, cur, status string
		amount                 int64
		matches                [][2]string // amount, currency of each matching record
		matchAmounts           []int64
	}
	res.counts = map[string]int64{}
	var purchases []*purchase
	byTx := map[string]*purchase{}
	byTid := map[string]*purchase{}
	dupTIDs := int64(0)

	read := func(name string, data []byte, fields []string, row func(line int, get func(string) string) string) (error, bool) {
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))))
		r.FieldsPerRecord = -1
		header, err := r.Read()
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("empty"), true
		}
		if err != nil {
			return nil, false
		}
		idx := map[string]int{}
		for i, h := range header {
			h = strings.TrimSpace(h)
			if _, dup := idx[h]; dup && slices.Contains(fields, h) {
				return fmt.Errorf("duplicate column %s", h), true
			}
			if _, dup := idx[h]; !dup {
				idx[h] = i
			}
		}
		for _, f := range fields {
			if _, found := idx[f]; !found {
				return fmt.Errorf("missing column %s", f), true
			}
		}
		for {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				return nil, true
			}
			if err != nil {
				return nil, false
			}
			line, _ := r.FieldPos(0)
			var msg string
			if len(rec) != len(header) {
				msg = "wrong number of fields"
			} else {
				msg = row(line, func(f string) string { return rec[idx[f]] })
			}
			if msg != "" {
				res.errLines = append(res.errLines, fmt.Sprintf("%s:%d", name, line))
			}
		}
	}
	parseMoney := func(amount, cur string) (int64, string) {
		if _, known := vocdesk.CurrencyExponent(cur); !known {
			return 0, "unknown currency"
		}
		v, err := vocdesk.ParseAmount(amount, cur)
		if err != nil {
			return 0, "bad amount"
		}
		if v < 0 {
			return 0, "negative"
		}
		return v, ""
	}

	err, ok := read("store.csv", storeCSV, storeFields, func(line int, get func(string) string) string {
		p := &purchase{txid: strings.TrimSpace(get("txid")), tid: strings.TrimSpace(get("tid")), status: get("status"), cur: get("currency")}
		if p.status != "paid" && p.status != "refunded" && p.status != "cancelled" {
			return "status"
		}
		var msg string
		if p.amount, msg = parseMoney(get("amount"), p.cur); msg != "" {
			return msg
		}
		if msg := refIDProblem(p.txid, p.tid); msg != "" {
			return msg
		}
		if p.txid == "" {
			return "empty txid"
		}
		if byTx[p.txid] != nil {
			return "repeated txid"
		}
		byTx[p.txid] = p
		if p.tid != "" {
			if byTid[p.tid] == nil {
				byTid[p.tid] = p
			} else {
				dupTIDs++
			}
		}
		purchases = append(purchases, p)
		return ""
	})
	if !ok || err != nil {
		return res, err, ok
	}
	serverFieldsMapped := make([]string, len(serverFields))
	for i, f := range serverFields {
		serverFieldsMapped[i] = f
		if c, found := columns[f]; found {
			serverFieldsMapped[i] = c
		}
	}
	col := func(f string) string { return serverFieldsMapped[slices.Index(serverFields, f)] }
	var dnp [][]string
	err, ok = read("server.csv", serverCSV, serverFieldsMapped, func(line int, get func(string) string) string {
		txid, tid, cur := strings.TrimSpace(get(col("txid"))), strings.TrimSpace(get(col("tid"))), get(col("currency"))
		amount, msg := parseMoney(get(col("amount")), cur)
		if msg != "" {
			return msg
		}
		if msg := refIDProblem(txid, tid); msg != "" {
			return msg
		}
		var p *purchase
		if txid != "" {
			p = byTx[txid]
		} else if tid != "" {
			p = byTid[tid]
		}
		if p == nil {
			dnp = append(dnp, []string{"delivered_not_paid", txid, tid, "", "", vocdesk.FormatAmount(amount, cur), cur})
			return ""
		}
		p.matches = append(p.matches, [2]string{"", cur})
		p.matchAmounts = append(p.matchAmounts, amount)
		return ""
	})
	if !ok || err != nil {
		return res, err, ok
	}
	for _, p := range purchases {
		var cat string
		differs := false
		for i, m := range p.matches {
			if p.matchAmounts[i] != p.amount || m[1] != p.cur {
				differs = true
			}
		}
		switch {
		case p.status != "paid":
			cat = "refunded"
			if len(p.matches) > 0 {
				cat = "delivered_after_refund"
			}
		case len(p.matches) == 0:
			cat = "paid_not_delivered"
		case differs:
			cat = "amount_mismatch"
		case len(p.matches) > 1:
			cat = "duplicate_delivery"
		default:
			cat = "matched"
		}
		res.counts[cat]++
		if cat == "matched" || cat == "refunded" {
			continue
		}
		e := []string{cat, p.txid, p.tid, vocdesk.FormatAmount(p.amount, p.cur), p.cur, "", ""}
		if len(p.matches) > 0 {
			e[5], e[6] = vocdesk.FormatAmount(p.matchAmounts[0], p.matches[0][1]), p.matches[0][1]
		}
		res.exceptions = append(res.exceptions, e)
	}
	res.exceptions = append(res.exceptions, dnp...)
	res.counts["delivered_not_paid"] = int64(len(dnp))
	res.counts["invalid_rows"] = int64(len(res.errLines))
	res.counts["duplicate_store_tids"] = dupTIDs
	return res, nil, true
}

// engine runs the real thing on the same bytes, through files, with the
// given limits (tiny ones cut the files into many chunks).
func engine(t testing.TB, storeCSV, serverCSV []byte, columns map[string]string, lim limits) (refResult, error) {
	t.Helper()
	dir := t.TempDir()
	sp, vp := filepath.Join(dir, "store.csv"), filepath.Join(dir, "server.csv")
	if err := os.WriteFile(sp, storeCSV, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(vp, serverCSV, 0o644); err != nil {
		t.Fatal(err)
	}
	store, err := open(sp, true, nil, lim)
	if err != nil {
		return refResult{}, err
	}
	defer store.Close()
	server, err := open(vp, false, columns, lim)
	if err != nil {
		return refResult{}, err
	}
	defer server.Close()
	r, err := Reconcile(context.Background(), store, server, Options{})
	if err != nil {
		t.Fatalf("Reconcile: %v", err)
	}
	return toRef(r), nil
}

func toRef(r *Result) refResult {
	out := refResult{counts: map[string]int64{}}
	for _, c := range Categories() {
		if n := r.Count(c); n != 0 {
			out.counts[c.String()] = n
		}
	}
	if r.InvalidRows != 0 {
		out.counts["invalid_rows"] = r.InvalidRows
	}
	if r.DuplicateStoreTIDs != 0 {
		out.counts["duplicate_store_tids"] = r.DuplicateStoreTIDs
	}
	for e := range r.Exceptions() {
		out.exceptions = append(out.exceptions, []string{e.Category.String(), e.TxID, e.TID, e.StoreAmount, e.StoreCurrency, e.ServerAmount, e.ServerCurrency})
	}
	for _, e := range r.Errors {
		out.errLines = append(out.errLines, fmt.Sprintf("%s:%d", e.File, e.Line))
	}
	return out
}

// compare reports the first difference between the engine and the reference.
func compare(got, want refResult) string {
	for k, v := range want.counts {
		if v != 0 && got.counts[k] != v {
			return fmt.Sprintf("count %s: got %d, want %d (got %v, want %v)", k, got.counts[k], v, got.counts, want.counts)
		}
	}
	for k, v := range got.counts {
		if v != want.counts[k] {
			return fmt.Sprintf("count %s: got %d, want %d", k, v, want.counts[k])
		}
	}
	if !slices.Equal(got.errLines, want.errLines) {
		return fmt.Sprintf("errors: got %v, want %v", got.errLines, want.errLines)
	}
	if len(got.exceptions) != len(want.exceptions) {
		return fmt.Sprintf("exceptions: got %d, want %d", len(got.exceptions), len(want.exceptions))
	}
	for i := range got.exceptions {
		if !slices.Equal(got.exceptions[i], want.exceptions[i]) {
			return fmt.Sprintf("exception %d: got %q, want %q", i, got.exceptions[i], want.exceptions[i])
		}
	}
	return ""
}

// refIDProblem is the contract's rule for ids, written plainly: at most 128
// bytes, and text by vocdesk.TextProblem.
func refIDProblem(txid, tid string) string {
	for _, id := range []string{txid, tid} {
		if len(id) > 128 || vocdesk.TextProblem(id) != "" {
			return "bad id"
		}
	}
	return ""
}
