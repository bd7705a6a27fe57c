package purchaseimport

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/vocdesk/vocdesk"
)

// ledger is an in-memory PurchaseService with the ledger's idempotency rule:
// a txid again with the same order is fine, with other values a conflict.
type ledger struct {
	vocdesk.PurchaseService
	mu      sync.Mutex
	byTxID  map[string]*vocdesk.Purchase
	batches []int
	fail    bool
}

func (l *ledger) ImportPurchases(ctx context.Context, batch []*vocdesk.Purchase) ([]error, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fail {
		return nil, errors.New("disk full")
	}
	l.batches = append(l.batches, len(batch))
	errs := make([]error, len(batch))
	for i, p := range batch {
		if old, ok := l.byTxID[p.TxID]; ok && !old.SameOrder(p) {
			errs[i] = vocdesk.Errorf(vocdesk.ECONFLICT, "txid %s already holds another purchase", p.TxID).Because("import_txid_conflict", p.TxID)
			continue
		}
		c := *p
		l.byTxID[p.TxID] = &c
	}
	return errs, nil
}

func TestImportBatchesAndRejects(t *testing.T) {
	var b strings.Builder
	b.WriteString(header)
	for i := range 23 {
		fmt.Fprintf(&b, "TX%d,T%d,1,app,item,%d,KRW,card,2026-05-01T00:00:00Z\n", i, i, 1000+i)
	}
	b.WriteString("TX0,T0,1,app,item,999,KRW,card,2026-05-01T00:00:00Z\n") // line 25: conflict
	b.WriteString("TXbad,T,1,app,item,0,KRW,card,2026-05-01T00:00:00Z\n")  // line 26: zero amount
	l := &ledger{byTxID: map[string]*vocdesk.Purchase{}}
	var rejects []Reject
	sum, err := Import(context.Background(), l, strings.NewReader(b.String()), Options{
		BatchSize: 10,
		OnReject:  func(r Reject) { rejects = append(rejects, r) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != 25 || sum.Stored != 23 || sum.Rejected != 2 || len(l.byTxID) != 23 {
		t.Errorf("summary %+v, ledger holds %d", sum, len(l.byTxID))
	}
	if fmt.Sprint(l.batches) != "[10 10 4]" {
		t.Errorf("batches %v", l.batches)
	}
	if len(rejects) != 2 || rejects[0].Line != 25 || rejects[1].Line != 26 ||
		rejects[0].Record[0] != "TX0" || rejects[0].Record[5] != "999" {
		t.Errorf("rejects %+v", rejects)
	}

	// The same file again stores nothing new and rejects the same rows.
	sum, err = Import(context.Background(), l, strings.NewReader(b.String()), Options{BatchSize: 7})
	if err != nil || sum.Stored != 23 || sum.Rejected != 2 || len(l.byTxID) != 23 {
		t.Errorf("again: %+v, %v, ledger holds %d", sum, err, len(l.byTxID))
	}
}

func TestImportStopsOnBatchFailure(t *testing.T) {
	l := &ledger{byTxID: map[string]*vocdesk.Purchase{}, fail: true}
	in := header + "TX1,T1,1,app,item,1200,KRW,carrier,2026-05-01T00:00:00Z\n"
	if _, err := Import(context.Background(), l, strings.NewReader(in), Options{}); err == nil {
		t.Error("a failed batch did not fail the import")
	}
}

// slowFirst is a ledger whose first batch (TX0...) finishes only after
// the third (TX20...) has started, so writers run side by side and complete
// out of order; the batch starting with failOn fails as a whole.
type slowFirst struct {
	*ledger
	failOn  string
	third   sync.Once
	release chan struct{}
}

func (s *slowFirst) ImportPurchases(ctx context.Context, batch []*vocdesk.Purchase) ([]error, error) {
	switch batch[0].TxID {
	case s.failOn:
		return nil, errors.New("deadlock detected")
	case "TX0":
		<-s.release
	case "TX20":
		s.third.Do(func() { close(s.release) })
	}
	return s.ledger.ImportPurchases(ctx, batch)
}

func TestImportWritersReportInFileOrder(t *testing.T) {
	var b strings.Builder
	b.WriteString(header)
	for i := range 40 {
		fmt.Fprintf(&b, "TX%d,T%d,1,app,item,%d,KRW,card,2026-05-01T00:00:00Z\n", i, i, 1000+i)
	}
	// The last row of each batch clashes with a purchase already stored.
	newLedger := func() *ledger {
		l := &ledger{byTxID: map[string]*vocdesk.Purchase{}}
		for _, tx := range []string{"TX9", "TX19", "TX29", "TX39"} {
			l.byTxID[tx] = &vocdesk.Purchase{TxID: tx, Amount: 1}
		}
		return l
	}
	l := &slowFirst{ledger: newLedger(), release: make(chan struct{})}
	var lines []int
	var stored []int
	sum, err := Import(context.Background(), l, strings.NewReader(b.String()), Options{
		BatchSize: 10, Writers: 3,
		OnReject: func(r Reject) { lines = append(lines, r.Line) },
		OnBatch:  func(s Summary) { stored = append(stored, s.Stored) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != 40 || sum.Stored != 36 || sum.Batches != 4 || len(l.byTxID) != 40 {
		t.Errorf("summary %+v, ledger holds %d", sum, len(l.byTxID))
	}
	if fmt.Sprint(lines) != "[11 21 31 41]" || fmt.Sprint(stored) != "[9 18 27 36]" {
		t.Errorf("reported rejects at lines %v, stored totals %v: want file order", lines, stored)
	}

	// A batch that fails stops the import after the batches before it.
	l = &slowFirst{ledger: newLedger(), release: make(chan struct{}), failOn: "TX10"}
	sum, err = Import(context.Background(), l, strings.NewReader(b.String()), Options{BatchSize: 10, Writers: 2})
	if err == nil || sum.Batches != 1 || sum.Stored != 9 {
		t.Errorf("a failed second batch: %+v, %v", sum, err)
	}
}

// BenchmarkReader measures parsing alone, the share of an import that runs
// beside the database writes.
func BenchmarkReader(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(header)
	for i := range 10000 {
		fmt.Fprintf(&sb, "TX20260501%08d,ORD-%08d,%d,star-quest,gems-100,%d,KRW,carrier,2026-05-01T09:30:00+09:00\n", i, i, i%5000+1, 1000+i%50*100)
	}
	in := sb.String()
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	for range b.N {
		rd, err := NewReader(strings.NewReader(in))
		if err != nil {
			b.Fatal(err)
		}
		var p vocdesk.Purchase
		for rd.Read(&p) == nil {
		}
	}
	b.ReportMetric(float64(b.N*10000)/b.Elapsed().Seconds(), "rows/s")
}
