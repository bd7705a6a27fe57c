package vocdesk_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
)

func TestParseColumnMap(t *testing.T) {
	m, err := vocdesk.ParseColumnMap(" txid = store_tx_id, tid=order_no,amount=price ")
	if err != nil {
		t.Fatal(err)
	}
	if m.String() != "txid=store_tx_id,tid=order_no,amount=price" || m.Column("currency") != "currency" {
		t.Errorf("parsed %q", m)
	}
	for _, bad := range []string{"txid", "txid=", "=x", "sku=x", "txid=a,txid=b", "txid=" + strings.Repeat("x", 201)} {
		if _, err := vocdesk.ParseColumnMap(bad); vocdesk.ErrorCode(err) != vocdesk.EINVALID {
			t.Errorf("ParseColumnMap(%q) = %v; want invalid", bad, err)
		}
	}
}

// FuzzParseColumnMap holds the parser to its promises on any input: an
// application error or a map of known fields to non-empty trimmed columns
// that reads back the same.
func FuzzParseColumnMap(f *testing.F) {
	for _, s := range []string{"", "txid=a,tid=b", "amount= price ,currency=cur", "txid=a,,", "x=y", "txid==", "tid=\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := vocdesk.ParseColumnMap(s)
		if err != nil {
			if vocdesk.ErrorCode(err) != vocdesk.EINVALID {
				t.Fatalf("ParseColumnMap(%q): %v is not an application error", s, err)
			}
			return
		}
		for k, v := range m {
			if v == "" || strings.TrimSpace(v) != v || m.Column(k) != v {
				t.Fatalf("ParseColumnMap(%q): field %q maps to %q", s, k, v)
			}
		}
		again, err := vocdesk.ParseColumnMap(m.String())
		if err != nil || again.String() != m.String() {
			t.Fatalf("ParseColumnMap(%q) = %q does not read back: %q, %v", s, m, again, err)
		}
	})
}

func TestDeliveryStateOf(t *testing.T) {
	paid := time.Date(2026, 3, 1, 1, 2, 0, 0, time.UTC)
	p := &vocdesk.Purchase{Amount: 1200, Currency: "KRW", Status: vocdesk.PurchasePaid, PaidAt: paid}
	d := &vocdesk.Delivery{Amount: 1200, Currency: "KRW"}
	wrong := &vocdesk.Delivery{Amount: 1000, Currency: "KRW"}
	late := paid.Add(time.Hour)
	cases := []struct {
		status vocdesk.PurchaseStatus
		ds     []*vocdesk.Delivery
		now    time.Time
		want   vocdesk.DeliveryState
	}{
		{vocdesk.PurchasePaid, nil, paid.Add(time.Minute), vocdesk.StateAwaiting},
		{vocdesk.PurchasePaid, nil, late, vocdesk.StateNotDelivered},
		{vocdesk.PurchasePartiallyRefunded, nil, late, vocdesk.StateNotDelivered},
		{vocdesk.PurchasePaid, []*vocdesk.Delivery{d}, late, vocdesk.StateDelivered},
		{vocdesk.PurchasePaid, []*vocdesk.Delivery{d, d}, late, vocdesk.StateDuplicateDelivery},
		{vocdesk.PurchasePaid, []*vocdesk.Delivery{d, wrong}, late, vocdesk.StateAmountMismatch},
		{vocdesk.PurchaseRefunded, []*vocdesk.Delivery{d}, late, vocdesk.StateDeliveredAfterRefund},
		{vocdesk.PurchaseRefunded, nil, late, vocdesk.StateRefunded},
	}
	for _, c := range cases {
		p.Status = c.status
		if got := vocdesk.DeliveryStateOf(p, c.ds, c.now, 10*time.Minute); got != c.want {
			t.Errorf("%s with %d deliveries: %s; want %s", c.status, len(c.ds), got, c.want)
		}
	}
}

func TestDeliveryNaturalKey(t *testing.T) {
	at := time.Date(2026, 3, 1, 1, 2, 0, 0, time.FixedZone("KST", 9*3600))
	a := &vocdesk.Delivery{TxID: " TX1 ", TID: "o1", Amount: 1200, Currency: "KRW", DeliveredAt: at}
	b := &vocdesk.Delivery{TxID: "TX1", TID: "o1", Amount: 1200, Currency: "KRW", DeliveredAt: at.UTC()}
	if a.NaturalKey() != b.NaturalKey() || !a.SameRecord(b) {
		t.Errorf("the same record keys differently: %q %q", a.NaturalKey(), b.NaturalKey())
	}
	b.DeliveredAt = b.DeliveredAt.Add(time.Second)
	if a.NaturalKey() == b.NaturalKey() {
		t.Error("a second delivery a second later has the same key")
	}
	a.DeliveryID = "d-1"
	if a.NaturalKey() != "id:d-1" {
		t.Errorf("with a delivery_id: %q", a.NaturalKey())
	}
}
