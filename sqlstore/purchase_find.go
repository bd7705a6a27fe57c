package sqlstore

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

const (
	defaultPurchaseLimit = 50
	maxPurchaseLimit     = 200
)

// FindPurchases lists purchases the actor may see, newest paid first, a page
// at a time. Pages are keyed on (paid_at, id), not offsets, so a page costs
// the same at the millionth row as at the first and rows added meanwhile
// neither repeat nor vanish. The key condition is a row-value comparison,
// which both engines turn into a range on the (customer_id | developer_id,
// paid_at DESC, id DESC) indexes.
func (s *PurchaseService) FindPurchases(ctx context.Context, f vocdesk.PurchaseFilter) ([]*vocdesk.Purchase, string, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, "", err
	}
	q, args, limit, err := purchaseQuery(s.db.dialect, a, f)
	if err != nil {
		return nil, "", err
	}
	tx, err := s.db.beginReadOne(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	list := make([]*vocdesk.Purchase, 0, min(limit, 64))
	err = tx.eachRow(ctx, q, args, purchaseWidth, func(d fieldReader) error {
		p, err := decodePurchase(d)
		if err == nil {
			list = append(list, p)
		}
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: find purchases: %w", err)
	}
	var next string
	if len(list) > limit {
		list = list[:limit]
		last := list[limit-1]
		next = encodeCursor(micros(last.PaidAt), last.ID)
	}
	return list, next, nil
}

// purchaseQuery builds FindPurchases' query: the actor's scope, the filter,
// the page key, and one row more than the limit to tell whether a next page
// exists.
func purchaseQuery(dialect string, a *vocdesk.Actor, f vocdesk.PurchaseFilter) (q string, args []any, limit int, err error) {
	limit = f.Limit
	if limit <= 0 {
		limit = defaultPurchaseLimit
	}
	limit = min(limit, maxPurchaseLimit)

	var c conds
	if f.Q != "" {
		// The unary plus keeps the scope's column from choosing the index:
		// SQLite would otherwise walk the developer's purchases in paid_at
		// order (to spare a sort) and test each against the few ids the
		// search found, a scan of the whole ledger for a large developer.
		scopePurchases(&c, a, "+p")
		addAnyID(&c, a, f.Q)
	} else {
		scopePurchases(&c, a, "p")
	}
	if f.TxID != "" {
		c.add("p.txid = ?", f.TxID)
	}
	if f.TID != "" {
		// A developer's is a probe of UNIQUE (developer_id, tid), an
		// operator's of purchases_tid (migration 00102).
		c.add("p.tid = ?", f.TID)
	}
	if f.CustomerID != 0 {
		c.add("p.customer_id = ?", f.CustomerID)
	}
	if f.AppSlug != "" {
		c.add("a.slug = ?", f.AppSlug)
	}
	if !f.From.IsZero() {
		c.add("p.paid_at >= ?", micros(f.From))
	}
	if !f.To.IsZero() {
		c.add("p.paid_at < ?", micros(f.To))
	}
	if f.Cursor != "" {
		paid, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return "", nil, 0, err
		}
		c.add("(p.paid_at, p.id) < (?, ?)", paid, id)
	}
	q = purchaseSelect(dialect) + c.where() + ` ORDER BY p.paid_at DESC, p.id DESC LIMIT ` + c.next(limit+1)

	return q, c.args, limit, nil
}

// A cursor is the (paid_at, id) of the last row of a page, base64url: opaque
// to callers, so its form may change.
func encodeCursor(paid, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(paid, 10) + "." + strconv.FormatInt(id, 10)))
}

func decodeCursor(s string) (paid, id int64, err error) {
	bad := vocdesk.Errorf(vocdesk.EINVALID, "cursor is not one this server gave out")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, 0, bad
	}
	ps, is, ok := strings.Cut(string(b), ".")
	if !ok {
		return 0, 0, bad
	}
	if paid, err = strconv.ParseInt(ps, 10, 64); err != nil {
		return 0, 0, bad
	}
	if id, err = strconv.ParseInt(is, 10, 64); err != nil || id <= 0 {
		return 0, 0, bad
	}
	return paid, id, nil
}
