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

// RunBatchChunkForTest carries out one chunk of a batch and stops, as a run
// that crashed after its first commit would.
func (s *CancellationService) RunBatchChunkForTest(ctx context.Context, id int64) error {
	a, err := batchActor(ctx)
	if err != nil {
		return err
	}
	_, err = s.runBatchChunk(ctx, a, id)
	return err
}

// ClaimForTest claims an idempotency key and returns the work of that
// claim, to run later: a claimant that was only slow, whose lease may run
// out and whose key another call may take over before it works.
func (s *CancellationService) ClaimForTest(ctx context.Context, scope int64, in *vocdesk.CancellationInput) (func() (*vocdesk.CancellationRequest, error), error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	cl, _, err := s.claimKey(ctx, scope, in.IdempotencyKey, fingerprint(in))
	if err != nil {
		return nil, err
	}
	return func() (*vocdesk.CancellationRequest, error) { return s.create(ctx, a, in, cl) }, nil
}
