package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/recon"
)

// outsideBuy is a purchase of the developer paid outside a report's period
// that a server record of the uploaded log names.
type outsideBuy struct {
	amount   int64
	currency string
}

// outsidePeriod finds, among the server records that matched no purchase of
// the period, those naming a purchase the developer has outside it: a log
// rarely starts and ends exactly with the period, and a delivery of last
// month's purchase is no delivery of something unpaid. The keys follow the
// matching rule: "x"+txid for a record with a txid (no fallback), "t"+tid
// for one without.
func (s *ReconciliationService) outsidePeriod(ctx context.Context, devID int64, res *recon.Result) (map[string]outsideBuy, error) {
	found := map[string]outsideBuy{}
	var txids, tids []string
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	flush := func(column string, ids []string, prefix string) error {
		if len(ids) == 0 {
			return nil
		}
		args := make([]any, 0, len(ids)+1)
		args = append(args, devID)
		marks := make([]string, len(ids))
		for i, id := range ids {
			args = append(args, id)
			marks[i] = fmt.Sprintf("$%d", i+2)
		}
		rows, err := tx.query(ctx, `SELECT `+column+`, amount, currency FROM purchases
			WHERE developer_id = $1 AND `+column+` IN (`+strings.Join(marks, ",")+`)`, args...)
		if err != nil {
			return fmt.Errorf("sqlstore: reconcile outside the period: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var b outsideBuy
			if err := rows.Scan(&id, &b.amount, &b.currency); err != nil {
				return fmt.Errorf("sqlstore: reconcile outside the period: %w", err)
			}
			found[prefix+id] = b
		}
		return rows.Err()
	}
	for e := range res.Exceptions() {
		if e.Category != recon.DeliveredNotPaid {
			continue
		}
		if e.TxID != "" {
			if txids = append(txids, e.TxID); len(txids) == perInsert {
				if err := flush("txid", txids, "x"); err != nil {
					return nil, err
				}
				txids = txids[:0]
			}
		} else if e.TID != "" {
			if tids = append(tids, e.TID); len(tids) == perInsert {
				if err := flush("tid", tids, "t"); err != nil {
					return nil, err
				}
				tids = tids[:0]
			}
		}
	}
	if err := flush("txid", txids, "x"); err != nil {
		return nil, err
	}
	if err := flush("tid", tids, "t"); err != nil {
		return nil, err
	}
	return found, nil
}

// outsideKey is the key outsidePeriod files a server record under.
func outsideKey(e recon.Exception) string {
	if e.TxID != "" {
		return "x" + e.TxID
	}
	return "t" + e.TID
}

// countOutside moves the records outside the period from delivered_not_paid
// to their own count.
func countOutside(counts map[string]int64, res *recon.Result, outside map[string]outsideBuy) {
	counts[vocdesk.ReconOutsidePeriod] = 0
	if len(outside) == 0 {
		return
	}
	for e := range res.Exceptions() {
		if e.Category == recon.DeliveredNotPaid {
			if _, ok := outside[outsideKey(e)]; ok {
				counts[vocdesk.ReconDeliveredNotPaid]--
				counts[vocdesk.ReconOutsidePeriod]++
			}
		}
	}
}
