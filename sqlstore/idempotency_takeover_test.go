package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestIdempotencySlowClaimantFencedOff: a claimant that was only slow
// (its lease ran out, another call took the key over and is still at work)
// must commit nothing when it finally works: the token fences it off, or
// one key makes two requests.
func TestIdempotencySlowClaimantFencedOff(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newRefundEnv(t, db)
		p := e.record(t, e.purchase("TX-SLOW", "slow-1", e.custA, e.appA, "gems", 3300, time.Now()))
		dev := asDeveloper(e.devA, vocdesk.RoleAgent)
		in := &vocdesk.CancellationInput{TxID: p.TxID, Amount: 500, Reason: vocdesk.ReasonCustomerRequest, IdempotencyKey: "slow",
			Source: vocdesk.SourceDeveloper}
		work, err := e.svc.ClaimForTest(dev, e.devA.ID, in)
		must(t, err)

		// The lease runs out; another call takes the key over.
		later := time.Now().Add(time.Minute)
		db.Now = func() time.Time { return later }
		must(t, e.svc.ClaimKeyForTest(context.Background(), e.devA.ID, in))

		if r, err := work(); err == nil {
			t.Fatalf("a claimant whose key was taken over created request %d", r.ID)
		}
		list, _, err := e.svc.FindCancellations(dev, vocdesk.CancellationFilter{TxID: p.TxID})
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("%d requests after the fenced-off work; want none", len(list))
		}
		// Once the taker's lease runs out too, a repeat does the work once.
		later = later.Add(time.Minute)
		r, err := e.ask(dev, p.TxID, 500, "slow")
		must(t, err)
		again, err := e.ask(dev, p.TxID, 500, "slow")
		must(t, err)
		list, _, err = e.svc.FindCancellations(dev, vocdesk.CancellationFilter{TxID: p.TxID})
		must(t, err)
		if len(list) != 1 || r.ID != again.ID {
			t.Fatalf("%d requests (%d, %d); want one", len(list), r.ID, again.ID)
		}
	})
}
