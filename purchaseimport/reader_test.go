package purchaseimport

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
)

const header = "txid,tid,customer_id,app,item,amount,currency,method,paid_at\n"

func TestReaderParsesExports(t *testing.T) {
	// A BOM, CRLF, a quoted field with a comma, a blank line, an extra
	// column and columns in another order: exports as people make them.
	in := "\uFEFFpaid_at,note,txid,tid,customer_id,app,item,amount,currency,method\r\n" +
		"2026-05-01T09:30:00+09:00,\"hello, world\", TX1 ,T-1,7,star-quest,gems-100,1200,KRW,carrier\r\n" +
		"\r\n" +
		"2026-05-02T00:00:00Z,,TX2,T-2,8,star-quest,\"gems,500\",0.99,usd,Card\r\n"
	rd, err := NewReader(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var p vocdesk.Purchase
	if err := rd.Read(&p); err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 5, 1, 0, 30, 0, 0, time.UTC)
	if p.TxID != "TX1" || p.TID != "T-1" || p.CustomerID != 7 || p.AppSlug != "star-quest" || p.ItemSKU != "gems-100" ||
		p.Amount != 1200 || p.Currency != "KRW" || p.Method != vocdesk.MethodCarrier || !p.PaidAt.Equal(want) || rd.Line() != 2 {
		t.Errorf("row 1 = %+v (line %d)", p, rd.Line())
	}
	if err := rd.Read(&p); err != nil {
		t.Fatal(err)
	}
	if p.Amount != 99 || p.Currency != "USD" || p.ItemSKU != "gems,500" || p.Method != vocdesk.MethodCard || rd.Line() != 4 {
		t.Errorf("row 2 = %+v (line %d)", p, rd.Line())
	}
	if err := rd.Read(&p); err != io.EOF {
		t.Errorf("at the end: %v, want io.EOF", err)
	}
}

func TestReaderRejectsBadRows(t *testing.T) {
	in := header +
		"TX1,T1,1,app,item,1200,KRW,carrier,2026-05-01T00:00:00Z\n" + // 2 ok
		"TX2,T2,1,app,item,12.5,KRW,carrier,2026-05-01T00:00:00Z\n" + // 3 KRW has no decimals
		"TX3,T3,x,app,item,1200,KRW,carrier,2026-05-01T00:00:00Z\n" + // 4 customer
		"TX4,T4,1,app,item,1200,KRW,cheque,2026-05-01T00:00:00Z\n" + // 5 method
		"TX5,T5,1,app,item,1200,KRW,card,2026-05-01\n" + // 6 time
		"TX6,T6,1,app,item\n" + // 7 short row
		"TX7,\"T\n7\",1,app,item,-5,KRW,card,2026-05-01T00:00:00Z\n" + // 8-9 negative, multi-line
		"TX8,T8,1,app,item,1200,XXX,card,2026-05-01T00:00:00Z\n" + // 10 currency
		",T9,1,app,item,1200,KRW,card,2026-05-01T00:00:00Z\n" + // 11 no txid
		"TX10,T10,1,app,item,1200,KRW,card,2026-05-01T00:00:00Z\n" // 12 ok
	rd, err := NewReader(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var okLines, badLines []int
	for {
		var p vocdesk.Purchase
		err := rd.Read(&p)
		if err == io.EOF {
			break
		}
		var re *RowError
		switch {
		case err == nil:
			okLines = append(okLines, rd.Line())
		case errors.As(err, &re):
			badLines = append(badLines, re.Line)
		default:
			t.Fatal(err)
		}
	}
	if got, want := okLines, []int{2, 12}; !equal(got, want) {
		t.Errorf("good lines %v, want %v", got, want)
	}
	if got, want := badLines, []int{3, 4, 5, 6, 7, 8, 10, 11}; !equal(got, want) {
		t.Errorf("rejected lines %v, want %v", got, want)
	}
}

func TestReaderNeedsHeader(t *testing.T) {
	for name, in := range map[string]string{
		"empty":          "",
		"missing column": "txid,tid,customer_id,app,item,amount,currency,method\n",
	} {
		if _, err := NewReader(strings.NewReader(in)); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", name, err)
		}
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzReader feeds arbitrary files to the reader: it never panics, every
// row it accepts is a valid purchase whose amount prints back to the same
// value, every row it rejects has a reason, and line numbers never go
// backwards.
func FuzzReader(f *testing.F) {
	f.Add(header + "TX1,T1,1,app,item,1200,KRW,carrier,2026-05-01T00:00:00Z\n")
	f.Add("\uFEFF" + header + "\"TX\"\"1\",T1,1,app,item,0.99,USD,card,2026-05-01T00:00:00+09:00\r\n\r\n")
	f.Add(header + "TX1,\"T\n1\",1,app,item,1.000,KWD,gift,2026-05-01T00:00:00Z\nTX2,T2\n")
	f.Add(header + "TX1,T1,1,app,item,99999999999999999999,KRW,cash,2026-05-01T00:00:00Z\n\"bad")
	f.Fuzz(func(t *testing.T, in string) {
		rd, err := NewReader(strings.NewReader(in))
		if err != nil {
			if reason, _ := vocdesk.ErrorReason(err); reason == "" || !errors.Is(err, ErrFormat) {
				t.Fatalf("refused %q without a reason: %v", in, err)
			}
			return
		}
		last := 1
		for range 1000 {
			var p vocdesk.Purchase
			err := rd.Read(&p)
			if err == io.EOF {
				return
			}
			var re *RowError
			if errors.As(err, &re) {
				// Pages word every refusal by its reason; the CLI prints
				// the message alone.
				if reason, _ := vocdesk.ErrorReason(re.Err); reason == "" || re.Err.Error() != vocdesk.ErrorMessage(re.Err) {
					t.Fatalf("line %d: %q has reason %q", re.Line, re.Err, reason)
				}
				if re.Line < last {
					t.Fatalf("line %d after line %d", re.Line, last)
				}
				last = re.Line
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Validate(); err != nil {
				t.Fatalf("accepted an invalid purchase %+v: %v", p, err)
			}
			back, err := vocdesk.ParseAmount(vocdesk.FormatAmount(p.Amount, p.Currency), p.Currency)
			if err != nil || back != p.Amount {
				t.Fatalf("amount %d %s does not round-trip: %d, %v", p.Amount, p.Currency, back, err)
			}
			if rd.Line() < last {
				t.Fatalf("line %d after line %d", rd.Line(), last)
			}
			last = rd.Line()
		}
	})
}
