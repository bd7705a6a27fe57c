package recon

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
)

// TestRowErrorReasons: every kind of malformed row keeps its English
// message word for word (errors.csv, the CLI and the API print it) and
// gives a reason with its values as text or numbers, which pages word in
// their reader's language.
func TestRowErrorReasons(t *testing.T) {
	type want struct {
		msg    string
		reason string
		args   []any
	}
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	long := strings.Repeat("x", MaxIDLen+1)
	store := storeHead +
		"TX1,T1,5,USD,sold\n" + // 2
		"TX2,T2,5,USD\n" // 3
	server := serverHead +
		"TX1,T1,abc,USD\n" + // 2
		"TX1,T1,1.234,USD\n" + // 3
		"TX1,T1,12.5,KRW\n" + // 4
		"TX1,T1,5,XYZ\n" + // 5
		"TX1,T1,-5,USD\n" + // 6
		"TX1,T1,5\n" + // 7
		long + ",T1,5,USD\n" + // 8
		"TX1,T\x001,5,USD\n" + // 9
		"TX1,\"T1\"x,5,USD\n" + // 10
		"TX1,T\"1,5,USD\n" + // 11
		"TX1,T1,99999999999999999,USD\n" + // 12
		"TX1,\"T1,5,USD\n" // 13: unterminated, to the end
	wantStore := []want{
		{`unknown status "sold"`, "recon_status_unknown", []any{"sold"}},
		{"wrong number of fields: 4, want 5", "recon_field_count", []any{4, 5}},
	}
	wantServer := []want{
		{`amount "abc" is not a decimal number`, "amount_invalid", []any{"abc"}},
		{`amount "1.234" has more decimals than USD allows (2)`, "amount_decimals", []any{"1.234", "USD", 2}},
		{`amount "12.5" has more decimals than KRW allows (0)`, "amount_whole", []any{"12.5", "KRW"}},
		{`unknown currency "XYZ"`, "currency_unknown", []any{"XYZ"}},
		{`negative amount "-5"`, "recon_amount_negative", []any{"-5"}},
		{"wrong number of fields: 3, want 4", "recon_field_count", []any{3, 4}},
		{"txid is longer than 128 bytes", "recon_id_too_long", []any{"txid", 128}},
		{"tid contains a NUL character", "text_nul", []any{"tid"}},
		{"extraneous character after a closing quote", "recon_csv_after_quote", nil},
		{`bare " in a field that does not start with a quote`, "recon_csv_bare_quote", nil},
		{`amount "99999999999999999" is too large`, "amount_too_large", []any{"99999999999999999"}},
		{"unterminated quoted field", "recon_csv_unterminated", nil},
	}
	jsonl := `{"txid":"TX1","tid":"T1","amount":"5","currency":"USD"}` + "\n" + // 1: well formed
		"not json\n" + // 2
		`{"txid":"TX1","amount":"5","currency":"USD"}` + "\n" + // 3
		`{"txid":"TX1","tid":"T1","amount":true,"currency":"USD"}` + "\n" + // 4
		`{"txid":"TX1","tid":"T1","amount":"5","currency":"EUR!"}` + "\n" // 5
	wantJSON := []want{
		{"not a JSON object: invalid character 'o' in literal null (expecting 'u')", "recon_json_object", nil},
		{`missing field "tid"`, "recon_json_missing", []any{"tid"}},
		{`field "amount" must be a string or a number`, "recon_json_type", []any{"amount"}},
		{`unknown currency "EUR!"`, "currency_unknown", []any{"EUR!"}},
	}

	check := func(name string, got []RowError, want []want) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: %d errors, want %d: %+v", name, len(got), len(want), got)
		}
		for i, w := range want {
			g := got[i]
			if g.Err != w.msg || g.Reason != w.reason || fmt.Sprint(g.Args) != fmt.Sprint(w.args) {
				t.Errorf("%s line %d: %q %s %v, want %q %s %v", name, g.Line, g.Err, g.Reason, g.Args, w.msg, w.reason, w.args)
			}
			// Kept values are text; none may be a []byte, which would
			// read back as a list of numbers.
			for _, a := range vocdesk.ReasonArgs(g.Args) {
				if strings.HasPrefix(a, "[") {
					t.Errorf("%s line %d: value %q", name, g.Line, a)
				}
			}
		}
	}
	sp, err := OpenStore(write("store.csv", store))
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	vp, err := OpenServer(write("server.csv", server), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer vp.Close()
	res, err := Reconcile(context.Background(), sp, vp, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var st, sv []RowError
	for _, e := range res.Errors {
		if e.File == "store.csv" {
			st = append(st, e)
		} else {
			sv = append(sv, e)
		}
	}
	check("store.csv", st, wantStore)
	check("server.csv", sv, wantServer)

	sp2, err := OpenStore(write("store2.csv", storeHead))
	if err != nil {
		t.Fatal(err)
	}
	defer sp2.Close()
	jp, err := OpenServerStream("server.jsonl", strings.NewReader(jsonl), nil, true, 0)
	if err != nil {
		t.Fatal(err)
	}
	res, err = Reconcile(context.Background(), sp2, jp, Options{})
	if err != nil {
		t.Fatal(err)
	}
	check("server.jsonl", res.Errors, wantJSON)
}

// TestRecordTooLongReason: a record past the limit says so, with the
// limit as its value.
func TestRecordTooLongReason(t *testing.T) {
	e := recordTooLong(64)
	if e.Message != "record longer than 64 bytes (unterminated quoted field?)" || e.Reason != "recon_record_too_long" ||
		fmt.Sprint(e.Args) != "[64]" {
		t.Errorf("%q %s %v", e.Message, e.Reason, e.Args)
	}
}

// rowsSource hands fixed rows to Reconcile, as a database source does:
// rows the reader never saw, which only the matcher can refuse.
type rowsSource struct {
	purchases []Purchase
	records   []ServerRecord
}

func (s *rowsSource) Name() string { return "rows" }

func (s *rowsSource) Purchases(_ context.Context, y PurchaseYield) error {
	y.Add(s.purchases)
	return nil
}

func (s *rowsSource) ServerRecords(_ context.Context, y ServerYield) error {
	y.Add(s.records)
	return nil
}

// TestMatchRowErrorReasons: the rows the matcher refuses after reading (a
// repeated or empty txid, a status, amount or currency a source got
// wrong) keep their English word for word and give a reason, as the
// reader's do, so that a Korean report words them too.
func TestMatchRowErrorReasons(t *testing.T) {
	p := func(line int64, txid string, amount int64, cur string, st Status) Purchase {
		return Purchase{TxID: []byte(txid), TID: []byte("T" + txid), Amount: amount, Currency: cur, Status: st, Line: line}
	}
	src := &rowsSource{
		purchases: []Purchase{
			p(2, "TX1", 5, "USD", StatusPaid),
			p(3, "TX1", 5, "USD", StatusPaid),
			p(4, "", 5, "USD", StatusPaid),
			p(5, "TX3", 5, "USD", 0),
			p(6, "TX4", -5, "USD", StatusPaid),
			p(7, "TX5", 5, "XYZ", StatusPaid),
		},
		records: []ServerRecord{
			{TxID: []byte("TX1"), Amount: -1, Currency: "USD", Line: 2},
			{TxID: []byte("TX9"), Amount: 1, Currency: "ABC", Line: 3},
		},
	}
	res, err := Reconcile(context.Background(), src, src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []RowError{
		{File: "rows", Line: 3, Err: `repeated txid "TX1"`, Reason: "recon_match_txid_repeated", Args: []any{"TX1"}},
		{File: "rows", Line: 4, Err: "empty txid", Reason: "recon_match_txid_empty"},
		{File: "rows", Line: 5, Err: "unknown status", Reason: "recon_match_status"},
		{File: "rows", Line: 6, Err: "negative amount", Reason: "recon_match_amount_negative"},
		{File: "rows", Line: 7, Err: `unknown currency "XYZ"`, Reason: "currency_unknown", Args: []any{"XYZ"}},
		{File: "rows", Line: 2, Err: "negative amount", Reason: "recon_match_amount_negative"},
		{File: "rows", Line: 3, Err: `unknown currency "ABC"`, Reason: "currency_unknown", Args: []any{"ABC"}},
	}
	// RowError's Error method leaves the reason out: compare the fields.
	text := func(list []RowError) string {
		var b strings.Builder
		for _, e := range list {
			fmt.Fprintf(&b, "%s:%d %q %s %v\n", e.File, e.Line, e.Err, e.Reason, e.Args)
		}
		return b.String()
	}
	if got, w := text(res.Errors), text(want); got != w {
		t.Errorf("errors\n%s\nwant\n%s", got, w)
	}
	// The limits and the order are reached only by millions of rows or a
	// caller's mistake: their messages stay as they were, with reasons.
	for _, c := range []struct {
		e      *vocdesk.Error
		msg    string
		reason string
	}{
		{errUnmatched, "too many unmatched records", "recon_match_unmatched"},
		{errIDs, "too many ids", "recon_match_ids"},
		{errPurchases, "too many purchases", "recon_match_purchases"},
		{errCurrencies, "too many currencies", "recon_match_currencies"},
		{errAfterEnd, "purchase after EndPurchases", "recon_match_order"},
		{errBeforeEnd, "server record before EndPurchases", "recon_match_order"},
	} {
		if got := matchRowError("rows", 9, c.e); got.Err != c.msg || got.Reason != c.reason || len(got.Args) != 0 {
			t.Errorf("%+v, want %q %s", got, c.msg, c.reason)
		}
	}
}
