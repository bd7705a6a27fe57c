package purchaseimport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
)

// Every refused row carries its reason and values for pages, while its
// text stays the English the CLI has always printed.
func TestReaderRejectReasons(t *testing.T) {
	in := header +
		"TX1,T1,1,app,item,12.5,KRW,carrier,2026-05-01T00:00:00Z\n" + // 2
		"TX2,T2,x,app,item,1200,KRW,carrier,2026-05-01T00:00:00Z\n" + // 3
		"TX3,T3,1,app,item,1200,KRW,cheque,2026-05-01T00:00:00Z\n" + // 4
		"TX4,T4,1,app,item,1200,KRW,card,2026-05-01\n" + // 5
		"TX5,T5,1,app,item\n" + // 6
		"TX6,T6,1,app,item,-5,KRW,card,2026-05-01T00:00:00Z\n" + // 7
		"TX7,T7,1,app,item,1200,xxx,card,2026-05-01T00:00:00Z\n" + // 8
		",T8,1,app,item,1200,KRW,card,2026-05-01T00:00:00Z\n" + // 9
		"TX9,T\"9,1,app,item,1200,KRW,card,2026-05-01T00:00:00Z\n" + // 10
		"TX10,\"T10\"x,1,app,item,1200,KRW,card,2026-05-01T00:00:00Z\n" + // 11
		"TX11,T11,1,app,item,1e3,KRW,card,2026-05-01T00:00:00Z\n" + // 12
		"TX12,T12\x01,1,app,item,1200,KRW,card,2026-05-01T00:00:00Z\n" + // 13
		"TX13,T13,1,,item,1200,KRW,card,2026-05-01T00:00:00Z\n" // 14
	want := []string{
		`2 amount: amount "12.5" has more decimals than KRW allows (0) | amount_whole [12.5 KRW]`,
		`3 customer_id "x" is not a customer id | import_customer_id [x]`,
		`4 method must be one of carrier, card, cash, gift | purchase_method []`,
		`5 paid_at "2026-05-01" is not an RFC 3339 time | import_paid_at [2026-05-01]`,
		`6 5 fields, the header has 9 | import_field_count [5 9]`,
		`7 amount: amount must be greater than zero | amount_positive []`,
		`8 unknown currency "xxx" | currency_unknown [xxx]`,
		`9 txid is required (at most 128 characters) | purchase_txid []`,
		`10 bare " in non-quoted-field | import_csv_bare_quote []`,
		`11 extraneous or missing " in quoted-field | import_csv_quote []`,
		`12 amount: amount "1e3" is not a decimal number | amount_invalid [1e3]`,
		`13 tid contains a control character | text_control [tid]`,
		`14 app is required | purchase_app []`,
	}
	rd, err := NewReader(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		var p vocdesk.Purchase
		err := rd.Read(&p)
		if err == io.EOF {
			break
		}
		var re *RowError
		if !errors.As(err, &re) {
			t.Fatalf("line %d: %v, want a RowError", rd.Line(), err)
		}
		reason, args := vocdesk.ErrorReason(re.Err)
		got = append(got, fmt.Sprintf("%d %s | %s %v", re.Line, re.Err, reason, args))
	}
	if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("rejected rows:\n%s\nwant:\n%s", g, w)
	}
}

// A file that is no export is ErrFormat, in the words it always had, with
// a reason.
func TestReaderFormatReasons(t *testing.T) {
	for _, c := range []struct{ in, msg, reason string }{
		{"", "not a purchase export: the file is empty (expected a header: txid,tid,customer_id,app,item,amount,currency,method,paid_at)",
			"import_empty [txid,tid,customer_id,app,item,amount,currency,method,paid_at]"},
		{"order_no,price\nA1,1200\n", "not a purchase export: missing column(s) txid, tid, customer_id, app, item, amount, currency, method, paid_at (header: order_no,price)",
			"import_missing_columns [txid, tid, customer_id, app, item, amount, currency, method, paid_at order_no,price]"},
		{"\n\ntx\"id,tid\n", "not a purchase export: header: parse error on line 3, column 3: bare \" in non-quoted-field",
			"import_header_bare_quote [3]"},
		{"txid,\"tid\n", "not a purchase export: header: parse error on line 1, column 11: extraneous or missing \" in quoted-field",
			"import_header_quote [1]"},
		{"txid,tid", "not a purchase export: header: the upload broke",
			"import_header_unreadable []"},
	} {
		var r io.Reader = strings.NewReader(c.in)
		if c.reason == "import_header_unreadable []" {
			r = io.MultiReader(r, errReader{errors.New("the upload broke")})
		}
		_, err := NewReader(r)
		if !errors.Is(err, ErrFormat) {
			t.Errorf("%q: %v, want ErrFormat", c.in, err)
			continue
		}
		if err.Error() != c.msg {
			t.Errorf("%q: %q, want %q", c.in, err, c.msg)
		}
		if reason, args := vocdesk.ErrorReason(err); fmt.Sprint(reason, " ", args) != c.reason {
			t.Errorf("%q: reason %s %v, want %s", c.in, reason, args, c.reason)
		}
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// The ledger's refusals reach OnReject with their reasons; an error that
// is not an application error shows as the API shows it.
func TestImportRejectReasons(t *testing.T) {
	l := &ledger{byTxID: map[string]*vocdesk.Purchase{"TX1": {TxID: "TX1", Amount: 1}}}
	in := header + "TX1,T1,1,app,item,1200,KRW,carrier,2026-05-01T00:00:00Z\n"
	var rejects []Reject
	if _, err := Import(context.Background(), l, strings.NewReader(in), Options{OnReject: func(r Reject) { rejects = append(rejects, r) }}); err != nil {
		t.Fatal(err)
	}
	if len(rejects) != 1 {
		t.Fatalf("rejects %+v", rejects)
	}
	reason, args := vocdesk.ErrorReason(rejects[0].Err)
	if rejects[0].Err.Error() != "txid TX1 already holds another purchase" || reason != "import_txid_conflict" || fmt.Sprint(args) != "[TX1]" ||
		vocdesk.ErrorCode(rejects[0].Err) != vocdesk.ECONFLICT {
		t.Errorf("reject %q, reason %s %v", rejects[0].Err, reason, args)
	}
	if got := refuse(errors.New("disk I/O error")).Error(); got != "Internal error." {
		t.Errorf("an internal error as a row's reason: %q", got)
	}
}
