package sqlstore_test

import (
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestPurchaseStateRuleOrder: a purchase may break several of the
// contract's rules at once; the state an inquiry shows is the first rule's
// in the contract's order (refunded before anything about deliveries, an
// amount mismatch before a duplicate). Pushed deliveries through the store,
// so the order holds where the desk reads it, not only in DeliveryStateOf.
func TestPurchaseStateRuleOrder(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newReconFixture(t, db)
		at := t0.Add(time.Hour)
		_, err := f.svc.PushDeliveries(f.a, []*vocdesk.Delivery{
			// TX-A1: delivered twice, once for the wrong amount.
			delivery("TX-A1", "order-A1", "1200", at),
			delivery("TX-A1", "order-A1", "1100", at.Add(time.Minute)),
			// TX-A3: delivered twice for the right amount.
			delivery("TX-A3", "order-A3", "1200", at),
			delivery("TX-A3", "order-A3", "1200", at.Add(time.Minute)),
			// TX-A4 is refunded; delivered twice, once for the wrong amount.
			delivery("TX-A4", "order-A4", "1200", at),
			delivery("TX-A4", "order-A4", "1", at.Add(time.Minute)),
		})
		must(t, err)
		for txid, want := range map[string]vocdesk.DeliveryState{
			"TX-A1": vocdesk.StateAmountMismatch,
			"TX-A3": vocdesk.StateDuplicateDelivery,
			"TX-A4": vocdesk.StateDeliveredAfterRefund,
		} {
			st, err := f.svc.PurchaseState(f.a, txid)
			must(t, err)
			if st.State != want || len(st.Deliveries) != 2 {
				t.Errorf("%s: %s with %d deliveries; want %s with 2", txid, st.State, len(st.Deliveries), want)
			}
		}
	})
}
