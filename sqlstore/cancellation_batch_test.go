package sqlstore_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestCancellationBatchCheck checks every kind of row the way the preview
// shows it, and writes nothing.
func TestCancellationBatchCheck(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newRefundEnv(t, db)
		t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		for i := 1; i <= 6; i++ {
			e.record(t, e.purchase(fmt.Sprintf("TX-B-%d", i), fmt.Sprintf("b-%d", i), e.custA, e.appA, "gems", 1200, t0))
		}
		e.record(t, e.purchase("TX-OTHER", "o-1", e.custA, e.appB, "gems", 1200, t0))
		dev := asDeveloper(e.devA, vocdesk.RoleAgent)
		// TX-B-4 is refunded; TX-B-6 is wholly held by an open request.
		_, err := e.ask(asDeveloper(e.devA, vocdesk.RoleAgent), "TX-B-4", 0, "full-4")
		must(t, err)
		must(t, approveAll(e))
		e.drain(t)
		_, err = e.svc.RequestCancellation(dev, &vocdesk.CancellationInput{TxID: "TX-B-6", Reason: vocdesk.ReasonOther, IdempotencyKey: "open-6"})
		must(t, err)
		before := countRows(t, db, "cancellation_requests")

		rows := []vocdesk.CancellationBatchRow{
			{Line: 2, TxID: "TX-B-1"},
			{Line: 3, TxID: "TX-B-2", Amount: "500", Reason: "not_delivered"},
			{Line: 4, TxID: "TX-B-3", Amount: "12.5"},
			{Line: 5, TxID: "TX-B-1", Amount: "1"},
			{Line: 6, TxID: "TX-OTHER"},
			{Line: 7, TxID: "TX-NONE"},
			{Line: 8, TxID: "TX-B-4"},
			{Line: 9, TxID: "TX-B-5", Amount: "1201"},
			{Line: 10, TxID: "TX-B-6"},
			{Line: 11, TxID: "TX-B-5", Reason: "whim"},
			{Line: 12, TxID: ""},
			{Line: 13, TxID: "TX-B-3", Reason: "whim"},
		}
		b, err := e.svc.CheckCancellationBatch(dev, rows)
		must(t, err)
		want := []string{"accepted 1200", "accepted 500", "invalid_amount", "duplicate_row", "unknown_purchase", "unknown_purchase",
			"already_refunded", "over_refundable", "already_requested", "duplicate_row", "missing_txid", "duplicate_row"}
		for i, it := range b.Items {
			got := it.Error
			if it.Outcome == vocdesk.BatchAccepted {
				got = fmt.Sprintf("accepted %d", it.Amount)
			}
			if got != want[i] || it.Line != rows[i].Line {
				t.Errorf("line %d: %s; want %s", it.Line, got, want[i])
			}
		}
		if b.Rows != 12 || b.Accepted != 2 || b.Rejected != 10 || b.ID != 0 {
			t.Errorf("batch %+v", b)
		}
		if n := countRows(t, db, "cancellation_requests"); n != before || countRows(t, db, "cancellation_batches") != 0 {
			t.Errorf("the dry run wrote: %d requests (was %d)", n, before)
		}
		// A reason that is not one is refused on a TxID seen the first time.
		b, err = e.svc.CheckCancellationBatch(dev, []vocdesk.CancellationBatchRow{{Line: 2, TxID: "TX-B-5", Reason: "whim"}})
		must(t, err)
		if b.Items[0].Error != vocdesk.BatchErrInvalidReason {
			t.Errorf("a bad reason: %+v", b.Items[0])
		}
	})
}

// TestCancellationBatchExactlyOnce stores a batch, repeats and reuses its
// key, runs it after a "crash" after its first chunk, runs it twice at
// once, and ends with one request per accepted row.
func TestCancellationBatchExactlyOnce(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newRefundEnv(t, db)
		const n = 600 // over two chunks
		t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		var ps []*vocdesk.Purchase
		var rows []vocdesk.CancellationBatchRow
		for i := range n {
			ps = append(ps, e.purchase(fmt.Sprintf("TX-X-%04d", i), fmt.Sprintf("x-%d", i), e.custA, e.appA, "gems", 1000, t0))
			rows = append(rows, vocdesk.CancellationBatchRow{Line: i + 2, TxID: ps[i].TxID, Amount: "400"})
		}
		errs, err := e.purchases.ImportPurchases(asOperator(), ps)
		must(t, err)
		for _, err := range errs {
			must(t, err)
		}
		rows = append(rows, vocdesk.CancellationBatchRow{Line: n + 2, TxID: "TX-NONE"})
		dev := asDeveloper(e.devA, vocdesk.RoleAgent)
		b, created, err := e.svc.CreateCancellationBatch(dev, "outage-1", "hash-1", rows)
		must(t, err)
		if !created || b.Status != vocdesk.BatchReady || b.Accepted != n || b.Rejected != 1 || b.Done != 1 {
			t.Fatalf("created %v %+v", created, b)
		}
		again, created, err := e.svc.CreateCancellationBatch(dev, "outage-1", "hash-1", rows)
		if err != nil || created || again.ID != b.ID {
			t.Fatalf("the same key and file: %v %v %v", again, created, err)
		}
		if _, _, err := e.svc.CreateCancellationBatch(dev, "outage-1", "hash-2", rows[:1]); vocdesk.ErrorCode(err) != vocdesk.EKEYREUSED {
			t.Fatalf("the same key, another file: %v", err)
		}
		// Another developer, a viewer, an operator: nothing to find.
		if _, err := e.svc.RunCancellationBatch(asDeveloper(e.devB, vocdesk.RoleOwner), b.ID); vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
			t.Fatalf("developer B runs A's batch: %v", err)
		}
		if _, err := e.svc.FindCancellationBatch(asOperator(), b.ID, false); vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
			t.Fatalf("an operator reads A's batch: %v", err)
		}
		if _, err := e.svc.RunCancellationBatch(asDeveloper(e.devA, vocdesk.RoleViewer), b.ID); vocdesk.ErrorCode(err) != vocdesk.EFORBIDDEN {
			t.Fatalf("a viewer runs the batch: %v", err)
		}

		// The first chunk commits, then the process "dies".
		must(t, e.svc.RunBatchChunkForTest(dev, b.ID))
		mid, err := e.svc.FindCancellationBatch(dev, b.ID, false)
		must(t, err)
		if mid.Status != vocdesk.BatchRunning || mid.Done <= 1 || mid.Done >= n {
			t.Fatalf("after one chunk: %+v", mid)
		}
		// The retry: two runs at once.
		var wg sync.WaitGroup
		errc := make(chan error, 2)
		for range 2 {
			wg.Go(func() {
				_, err := e.svc.RunCancellationBatch(dev, b.ID)
				errc <- err
			})
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			must(t, err)
		}
		done, err := e.svc.FindCancellationBatch(dev, b.ID, true)
		must(t, err)
		if done.Status != vocdesk.BatchDone || done.Done != n+1 || done.Accepted != n || done.FinishedAt == nil {
			t.Fatalf("after the runs: %+v", done)
		}
		perPurchase := map[string]int{}
		rs := allRequests(t, e)
		for _, r := range rs {
			perPurchase[r.TxID]++
			if r.Amount != 400 {
				t.Errorf("%s: a request for %d", r.TxID, r.Amount)
			}
		}
		for _, p := range ps {
			if perPurchase[p.TxID] != 1 {
				t.Errorf("%s has %d requests", p.TxID, perPurchase[p.TxID])
			}
		}
		for _, it := range done.Items[:n] {
			if it.RequestID == 0 || !it.Done || it.Outcome != vocdesk.BatchAccepted {
				t.Fatalf("item %+v", it)
			}
		}
		// A finished batch runs again as a no-op.
		_, err = e.svc.RunCancellationBatch(dev, b.ID)
		must(t, err)
		if len(allRequests(t, e)) != n {
			t.Fatal("a rerun made requests")
		}
	})
}

func allRequests(t *testing.T, e *refundEnv) []*vocdesk.CancellationRequest {
	t.Helper()
	var out []*vocdesk.CancellationRequest
	cursor := ""
	for {
		rs, next, err := e.svc.FindCancellations(asOperator(), vocdesk.CancellationFilter{Cursor: cursor, Limit: 200})
		must(t, err)
		out = append(out, rs...)
		if next == "" {
			return out
		}
		cursor = next
	}
}

func countRows(t *testing.T, db *sqlstore.DB, table string) int {
	t.Helper()
	var n int
	must(t, db.RawForTest().QueryRow(`SELECT COUNT(*) FROM `+table).Scan(&n))
	return n
}

// approveAll approves every pending request as an operator.
func approveAll(e *refundEnv) error {
	rs, _, err := e.svc.FindCancellations(asOperator(), vocdesk.CancellationFilter{Status: vocdesk.CancellationPending})
	if err != nil {
		return err
	}
	for _, r := range rs {
		if _, err := e.svc.ApproveCancellation(asOperator(), r.ID); err != nil {
			return err
		}
	}
	return nil
}
