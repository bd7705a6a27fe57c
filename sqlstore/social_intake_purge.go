package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/vocdesk/vocdesk"
)

// PurgeWebhookIDs forgets the webhook-ids of posts received longer than
// keep ago, and returns how many it forgot. A webhook-id is kept only to
// refuse a replay, and webhooks.Verify refuses any delivery whose
// webhook-timestamp is more than its tolerance from now: a post may carry a
// timestamp up to the tolerance after its arrival and be replayed up to the
// tolerance after that timestamp, so keep must be at least twice the
// tolerance (the sweep passes that). The system only.
func (s *SocialService) PurgeWebhookIDs(ctx context.Context, keep time.Duration) (int, error) {
	if _, err := operatorFrom(ctx); err != nil {
		return 0, err
	}
	if keep <= 0 {
		return 0, vocdesk.Errorf(vocdesk.EINVALID, "keep must be positive")
	}
	var n int64
	err := s.db.inWrite(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM social_intake WHERE received_at < $1`, micros(tx.now.Add(-keep)))
		if err != nil {
			return fmt.Errorf("sqlstore: purge webhook-ids: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
