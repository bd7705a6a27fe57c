package sqlstore

import (
	"context"

	"github.com/vocdesk/vocdesk"
)

// ClaimKeyForTest claims an idempotency key as a request that never
// finishes would (a crash between the claim and the work), for the
// in-progress and take-over tests.
func (s *CancellationService) ClaimKeyForTest(ctx context.Context, scope int64, in *vocdesk.CancellationInput) error {
	_, _, err := s.claimKey(ctx, scope, in.IdempotencyKey, fingerprint(in))
	return err
}
