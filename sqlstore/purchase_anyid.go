package sqlstore

import (
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// phoneDigitsSQL is a customer's phone number with the characters a phone
// number may hold besides digits removed (vocdesk.Customer.Validate allows
// only those). Migration 00090 indexes exactly this expression on both
// engines, so a search by phone is an index probe; the text must stay
// byte-for-byte the same as the index's for the engines to use it.
const phoneDigitsSQL = `replace(replace(replace(replace(replace(c.phone, '-', ''), ' ', ''), '(', ''), ')', ''), '+', '')`

// addAnyID adds the any-id search (PurchaseFilter.Q) to a purchase query:
// the purchase ids found by each kind of id, unioned. Each branch is an
// index probe (txid UNIQUE; (developer_id, tid) UNIQUE, or tid for an
// operator; customers by
// email_key UNIQUE, by the phone-digits index, by id; then purchases by
// customer), so the search costs the same at 10M purchases as at ten; an
// OR over the purchase row itself would let the planner walk the paid_at
// order and filter instead. The caller's scope still applies to the outer
// query, so a developer finds only its own apps' purchases.
func addAnyID(c *conds, a *vocdesk.Actor, q string) {
	var branches []string
	var args []any
	branches = append(branches, "SELECT id FROM purchases WHERE txid = ?")
	args = append(args, q)
	if a.IsDeveloper() {
		branches = append(branches, "SELECT id FROM purchases WHERE developer_id = ? AND tid = ?")
		args = append(args, a.DeveloperID, q)
	} else {
		// purchases_tid (migration 00102): one probe, where UNIQUE
		// (developer_id, tid) took one per developer.
		branches = append(branches, "SELECT id FROM purchases WHERE tid = ?")
		args = append(args, q)
	}
	var customers []string
	if strings.Contains(q, "@") {
		customers = append(customers, "SELECT id FROM customers WHERE email_key = ?")
		args = append(args, emailKey(q))
	}
	if d := vocdesk.AnyIDDigits(q); d != "" {
		customers = append(customers, "SELECT c.id FROM customers c WHERE c.phone <> '' AND "+phoneDigitsSQL+" = ?")
		args = append(args, d)
	}
	if id, err := strconv.ParseInt(q, 10, 64); err == nil && id > 0 {
		customers = append(customers, "SELECT id FROM customers WHERE id = ?")
		args = append(args, id)
	}
	if len(customers) > 0 {
		branches = append(branches, "SELECT id FROM purchases WHERE customer_id IN ("+strings.Join(customers, " UNION ALL ")+")")
	}
	c.add("p.id IN ("+strings.Join(branches, " UNION ALL ")+")", args...)
}
