package recon

import (
	"iter"

	"github.com/vocdesk/vocdesk"
)

// Result is the outcome of a reconciliation: a count per category, the number
// of rows refused, and the exceptions, listed lazily from the Matcher's
// compact state rather than built up front.
type Result struct {
	counts [numCategories]int64

	StoreRows          int64 // valid store purchases
	ServerRows         int64 // valid server records
	InvalidRows        int64 // malformed rows on both sides
	DuplicateStoreTIDs int64 // valid store rows whose tid an earlier purchase already has
	// Errors holds the malformed rows when Options.OnError was nil.
	Errors []RowError

	m *Matcher
}

// Count returns how many store purchases (or, for DeliveredNotPaid, server
// records) fell into c.
func (r *Result) Count(c Category) int64 {
	if c < numCategories {
		return r.counts[c]
	}
	return 0
}

// Exception is one line of exceptions.csv: amounts are decimal strings in
// major units, empty where that side has no record.
type Exception struct {
	Category       Category
	TxID, TID      string
	StoreAmount    string
	StoreCurrency  string
	ServerAmount   string
	ServerCurrency string
}

// IsException reports whether a category is listed in exceptions.csv: every
// category that names a problem, that is all but matched and refunded.
func IsException(c Category) bool { return c != Matched && c != Refunded && c < numCategories }

// Exceptions yields the store purchases in exception categories in store
// order, then the server records that matched nothing in server order. For
// amount_mismatch, duplicate_delivery and delivered_after_refund the server
// side is the first matching server record.
func (r *Result) Exceptions() iter.Seq[Exception] {
	return func(yield func(Exception) bool) {
		m := r.m
		for idx := uint32(0); idx < m.n; idx++ {
			v := *m.ref(idx)
			c := classify(v)
			if !IsException(c) {
				continue
			}
			txid, tid := m.arena.ids(v >> metaBits)
			amount, cur := m.amount(idx), m.curs[v&curMask]
			e := Exception{
				Category:      c,
				TxID:          string(txid),
				TID:           string(tid),
				StoreAmount:   vocdesk.FormatAmount(amount, cur),
				StoreCurrency: cur,
			}
			if v&matchMask != 0 {
				if v&firstDiffFlag != 0 {
					srv := m.firstDiff[idx]
					amount, cur = srv.amount, m.curs[srv.cur]
				}
				e.ServerAmount, e.ServerCurrency = vocdesk.FormatAmount(amount, cur), cur
			}
			if !yield(e) {
				return
			}
		}
		for i, off := range m.dnpOffs {
			txid, tid := m.dnpIDs.ids(off)
			cur := m.curs[m.dnpCurs[i]]
			e := Exception{
				Category:       DeliveredNotPaid,
				TxID:           string(txid),
				TID:            string(tid),
				ServerAmount:   vocdesk.FormatAmount(m.dnpAmounts[i], cur),
				ServerCurrency: cur,
			}
			if !yield(e) {
				return
			}
		}
	}
}

// Summary returns the counts under the names summary.json uses.
func (r *Result) Summary() map[string]int64 {
	s := make(map[string]int64, numCategories+5)
	for c := Category(0); c < numCategories; c++ {
		s[c.String()] = r.counts[c]
	}
	s["invalid_rows"] = r.InvalidRows
	s["store_rows"] = r.StoreRows
	s["server_rows"] = r.ServerRows
	s["duplicate_store_tids"] = r.DuplicateStoreTIDs
	return s
}
