package sqlstore

import (
	"context"

	"github.com/vocdesk/vocdesk"
)

// RunRulesForTest replays an event of an inquiry through the rules, as a
// retried request would: the same key must apply nothing twice.
func (db *DB) RunRulesForTest(ctx context.Context, inquiryID int64, event vocdesk.RuleEvent, key, text string) error {
	return db.inWrite(ctx, func(tx *Tx) error {
		in, err := tx.inquiryFor(ctx, vocdesk.SystemActor(), inquiryID, true)
		if err != nil {
			return err
		}
		return tx.runRules(ctx, in, event, key, text)
	})
}
