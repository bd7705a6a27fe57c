package recon

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
)

const storeHead = "txid,tid,amount,currency,status\n"
const serverHead = "txid,tid,amount,currency\n"

// TestRules runs one small scenario per rule and edge case of the contract.
func TestRules(t *testing.T) {
	tests := []struct {
		name           string
		store, server  string
		columns        map[string]string
		want           map[string]int64 // counts that must be non-zero; the rest must be zero
		wantErrs       []string         // "file:line"
		wantExceptions [][]string
	}{
		{
			name:   "matched by txid",
			store:  storeHead + "TX1,T1,1200,KRW,paid\n",
			server: serverHead + "TX1,T1,1200,KRW\n",
			want:   map[string]int64{"matched": 1},
		},
		{
			name:   "empty server txid matches by tid",
			store:  storeHead + "TX1,T1,1200,KRW,paid\n",
			server: serverHead + ",T1,1200,KRW\n",
			want:   map[string]int64{"matched": 1},
		},
		{
			name:   "unknown txid does not fall back to tid",
			store:  storeHead + "TX1,T1,1200,KRW,paid\n",
			server: serverHead + "TX9,T1,1200,KRW\n",
			want:   map[string]int64{"paid_not_delivered": 1, "delivered_not_paid": 1},
			wantExceptions: [][]string{
				{"paid_not_delivered", "TX1", "T1", "1200", "KRW", "", ""},
				{"delivered_not_paid", "TX9", "T1", "", "", "1200", "KRW"},
			},
		},
		{
			name:   "refunded with and without delivery",
			store:  storeHead + "TX1,T1,1200,KRW,refunded\nTX2,T2,1200,KRW,cancelled\nTX3,T3,5,USD,refunded\n",
			server: serverHead + "TX1,T1,1300,KRW\n,T2,1200,KRW\n",
			want:   map[string]int64{"delivered_after_refund": 2, "refunded": 1},
			wantExceptions: [][]string{
				{"delivered_after_refund", "TX1", "T1", "1200", "KRW", "1300", "KRW"},
				{"delivered_after_refund", "TX2", "T2", "1200", "KRW", "1200", "KRW"},
			},
		},
		{
			name:   "mismatch beats duplicate, first record shown",
			store:  storeHead + "TX1,T1,0.99,USD,paid\nTX2,T2,0.99,USD,paid\n",
			server: serverHead + "TX1,,0.99,USD\nTX1,,1.99,USD\nTX2,,0.99,USD\n,T2,0.990,USD\n",
			want:   map[string]int64{"amount_mismatch": 1, "duplicate_delivery": 1},
			wantExceptions: [][]string{
				{"amount_mismatch", "TX1", "T1", "0.99", "USD", "0.99", "USD"},
				{"duplicate_delivery", "TX2", "T2", "0.99", "USD", "0.99", "USD"},
			},
		},
		{
			name:   "currency differs",
			store:  storeHead + "TX1,T1,10,USD,paid\n",
			server: serverHead + "TX1,T1,10,EUR\n",
			want:   map[string]int64{"amount_mismatch": 1},
			wantExceptions: [][]string{
				{"amount_mismatch", "TX1", "T1", "10.00", "USD", "10.00", "EUR"},
			},
		},
		{
			name:   "amount forms: 1200.00 KRW, 10 USD = 10.00",
			store:  storeHead + "TX1,T1,1200.00,KRW,paid\nTX2,T2,10,USD,paid\n",
			server: serverHead + "TX1,T1,1200,KRW\nTX2,T2,10.00,USD\n",
			want:   map[string]int64{"matched": 2},
		},
		{
			name:     "invalid amounts and currencies",
			store:    storeHead + "TX1,T1,12.5,KRW,paid\nTX2,T2,-5,USD,paid\nTX3,T3,5,XYZ,paid\nTX4,T4,1e3,USD,paid\nTX5,T5, 5,USD,paid\nTX6,T6,5,usd,paid\n",
			server:   serverHead + "TX1,T1,12.5,KRW\nTX2,T2,-1,USD\n",
			want:     map[string]int64{"invalid_rows": 8, "delivered_not_paid": 0},
			wantErrs: []string{"store.csv:2", "store.csv:3", "store.csv:4", "store.csv:5", "store.csv:6", "store.csv:7", "server.csv:2", "server.csv:3"},
		},
		{
			name:     "repeated store txid and unknown status",
			store:    storeHead + "TX1,T1,5,USD,paid\nTX1,T2,5,USD,paid\nTX3,T3,5,USD,shipped\nTX4,T4,5,USD,Paid\n",
			server:   serverHead + "TX1,T1,5,USD\n",
			want:     map[string]int64{"matched": 1, "invalid_rows": 3},
			wantErrs: []string{"store.csv:3", "store.csv:4", "store.csv:5"},
		},
		{
			name:     "empty store txid is invalid",
			store:    storeHead + " ,T1,5,USD,paid\n",
			server:   serverHead,
			want:     map[string]int64{"invalid_rows": 1},
			wantErrs: []string{"store.csv:2"},
		},
		{
			name:   "store tid on two rows: first wins for tid lookups",
			store:  storeHead + "TX1,T1,5,USD,paid\nTX2,T1,5,USD,paid\n",
			server: serverHead + ",T1,5,USD\nTX2,,5,USD\n",
			want:   map[string]int64{"matched": 2, "duplicate_store_tids": 1},
		},
		{
			name:     "wrong field count",
			store:    storeHead + "TX1,T1,5,USD\nTX2,T2,5,USD,paid,x\nTX3,T3,5,USD,paid\n",
			server:   serverHead + "TX3,T3,5\n",
			want:     map[string]int64{"paid_not_delivered": 1, "invalid_rows": 3},
			wantErrs: []string{"store.csv:2", "store.csv:3", "server.csv:2"},
		},
		{
			name:   "BOM, CRLF, blank lines, padding",
			store:  "\xEF\xBB\xBF" + "txid,tid,amount,currency,status\r\n\r\n  TX1 , T1 ,5,USD,paid\r\n\r\nTX2,T2,5,USD,refunded",
			server: "\xEF\xBB\xBF" + "txid,tid,amount,currency\r\nTX1,T1,5.00,USD\r\n",
			want:   map[string]int64{"matched": 1, "refunded": 1},
		},
		{
			name: "quoted fields with commas, quotes and newlines",
			store: "note,txid,tid,amount,currency,status\n" +
				"\"a,b\",\"TX,1\",T1,5,USD,paid\n" +
				"\"say \"\"hi\"\"\nand go\",\"TX\"\"2\",T2,5,USD,paid\n" +
				"x,TX3,T3,5,USD,bogus\n",
			server:   serverHead + "\"TX,1\",,5,USD\n\"TX\"\"2\",,6,USD\n",
			want:     map[string]int64{"matched": 1, "amount_mismatch": 1, "invalid_rows": 1},
			wantErrs: []string{"store.csv:5"}, // the multi-line record took lines 3 and 4
			wantExceptions: [][]string{
				{"amount_mismatch", `TX"2`, "T2", "5.00", "USD", "6.00", "USD"},
			},
		},
		{
			name:     "malformed quotes resume on the next line",
			store:    storeHead + "TX1,T\"1,5,USD,paid\n\"TX2\"x,T2,5,USD,paid\nTX3,T3,5,USD,paid\n",
			server:   serverHead,
			want:     map[string]int64{"paid_not_delivered": 1, "invalid_rows": 2},
			wantErrs: []string{"store.csv:2", "store.csv:3"},
		},
		{
			name:     "unterminated quote runs to the end",
			store:    storeHead + "TX1,T1,5,USD,paid\n\"TX2,T2,5,USD,paid\nTX3,T3,5,USD,paid\n",
			server:   serverHead,
			want:     map[string]int64{"paid_not_delivered": 1, "invalid_rows": 1},
			wantErrs: []string{"store.csv:3"},
		},
		{
			name:    "column map, unmapped fields keep their names",
			store:   storeHead + "TX1,T1,5,USD,paid\n",
			server:  "order_no,tid,price,currency\nTX1,T1,5,USD\n",
			columns: map[string]string{"txid": "order_no", "amount": "price"},
			want:    map[string]int64{"matched": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, lim := range []limits{defaultLimits, {blockLen: 7, maxRecord: 1 << 20}} {
				got, err := engine(t, []byte(tt.store), []byte(tt.server), tt.columns, lim)
				if err != nil {
					t.Fatal(err)
				}
				for k, v := range tt.want {
					if got.counts[k] != v {
						t.Errorf("%s = %d, want %d (all: %v)", k, got.counts[k], v, got.counts)
					}
				}
				for k, v := range got.counts {
					if _, ok := tt.want[k]; !ok && v != 0 {
						t.Errorf("%s = %d, want 0", k, v)
					}
				}
				if !slices.Equal(got.errLines, tt.wantErrs) {
					t.Errorf("errors at %v, want %v", got.errLines, tt.wantErrs)
				}
				if tt.wantExceptions != nil && compare(refResult{exceptions: got.exceptions}, refResult{exceptions: tt.wantExceptions}) != "" {
					t.Errorf("exceptions %q, want %q", got.exceptions, tt.wantExceptions)
				}
				// The reference must agree on everything.
				want, _, ok := reference([]byte(tt.store), []byte(tt.server), tt.columns)
				if ok {
					if diff := compare(got, want); diff != "" {
						t.Errorf("differs from the reference: %s", diff)
					}
				}
			}
		})
	}
}

// TestHeaderErrors: a missing file or column stops everything before work.
func TestHeaderErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if _, err := OpenStore(filepath.Join(dir, "nope.csv")); err == nil {
		t.Error("missing file: no error")
	}
	if _, err := OpenStore(write("a.csv", "txid,tid,amount,currency\nTX1,T1,5,USD\n")); err == nil || !strings.Contains(err.Error(), "status") {
		t.Errorf("missing status column: %v", err)
	}
	if _, err := OpenStore(write("b.csv", "")); err == nil {
		t.Error("empty file: no error")
	}
	if _, err := OpenServer(write("c.csv", serverHead), map[string]string{"txid": "tx"}); err == nil || !strings.Contains(err.Error(), "tx") {
		t.Errorf("mapped column missing: %v", err)
	}
	if _, err := OpenServer(write("d.csv", serverHead), map[string]string{"price": "amount"}); err == nil {
		t.Error("unknown field in map: no error")
	}
	if _, err := OpenStore(write("e.csv", "txid,txid,tid,amount,currency,status\n")); err == nil {
		t.Error("repeated column: no error")
	}
	if _, err := ParseColumnMap("txid=a,tid"); err == nil {
		t.Error("bad --map: no error")
	}
	m, err := ParseColumnMap(" txid = a , amount=b")
	if err != nil || m["txid"] != "a" || m["amount"] != "b" {
		t.Errorf("ParseColumnMap = %v, %v", m, err)
	}
}

// TestJSONLines reads both sides as JSON Lines, numbers as written.
func TestJSONLines(t *testing.T) {
	dir := t.TempDir()
	sp, vp := filepath.Join(dir, "store.jsonl"), filepath.Join(dir, "server.jsonl")
	os.WriteFile(sp, []byte("\xEF\xBB\xBF"+`{"txid":"TX1","tid":"T1","amount":"1200","currency":"KRW","status":"paid"}`+"\n\n"+
		`{"txid":"TX2","tid":"T2","amount":0.99,"currency":"USD","status":"paid"}`+"\r\n"+
		`{"txid":"TX3","tid":"T3","amount":12.5,"currency":"KRW","status":"paid"}`+"\n"+
		`not json`+"\n"+
		`{"txid":"TX4","amount":1,"currency":"USD","status":"paid"}`+"\n"), 0o644)
	os.WriteFile(vp, []byte(`{"tx":"TX1","tid":"T1","price":1200.00,"currency":"KRW"}`+"\n"+
		`{"tid":"T2","price":"0.99","currency":"USD","extra":[1,2]}`+"\n"+
		`{"tx":null,"tid":"T9","price":true,"currency":"USD"}`+"\n"), 0o644)
	store, err := OpenStore(sp)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	server, err := OpenServer(vp, map[string]string{"txid": "tx", "amount": "price"})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	res, err := Reconcile(context.Background(), store, server, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Count(Matched) != 2 || res.InvalidRows != 4 {
		t.Errorf("matched %d, invalid %d: %+v", res.Count(Matched), res.InvalidRows, res.Errors)
	}
	var lines []int64
	for _, e := range res.Errors {
		lines = append(lines, e.Line)
	}
	if !slices.Equal(lines, []int64{4, 5, 6, 3}) {
		t.Errorf("error lines %v, want [4 5 6 3]", lines)
	}
}

// TestParseAmountAgrees holds the allocation-free parser to vocdesk.ParseAmount.
func TestParseAmountAgrees(t *testing.T) {
	for _, s := range []string{"0", "1200", "1200.00", "12.5", "0.99", "10", "10.001", "10.010", "-5", "-0", "",
		"-", ".5", "5.", "1.2.3", "+1", "1e3", " 1", "007", "999999999999999", "1000000000000000", "0000000000000000001"} {
		for _, cur := range []string{"KRW", "USD", "KWD"} {
			checkAmount(t, s, cur)
		}
	}
}

func checkAmount(t *testing.T, s, cur string) {
	t.Helper()
	exp, _ := vocdesk.CurrencyExponent(cur)
	got, ok := parseAmount([]byte(s), exp)
	want, err := vocdesk.ParseAmount(s, cur)
	if ok != (err == nil) || (ok && got != want) {
		t.Errorf("parseAmount(%q, %s) = %d, %v; ParseAmount = %d, %v", s, cur, got, ok, want, err)
	}
}

// TestReconcileToDir checks the three files.
func TestReconcileToDir(t *testing.T) {
	dir := t.TempDir()
	sp, vp := filepath.Join(dir, "s.csv"), filepath.Join(dir, "v.csv")
	os.WriteFile(sp, []byte(storeHead+"TX1,\"T,1\",5,USD,paid\nTX2,T2,12.5,KRW,paid\n"), 0o644)
	os.WriteFile(vp, []byte(serverHead+"TX1,,6,USD\n"), 0o644)
	store, _ := OpenStore(sp)
	server, _ := OpenServer(vp, nil)
	out := filepath.Join(dir, "out", "nested")
	if _, err := ReconcileToDir(context.Background(), out, store, server, Options{}); err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if got := read("exceptions.csv"); got != "category,txid,tid,store_amount,store_currency,server_amount,server_currency\namount_mismatch,TX1,\"T,1\",5.00,USD,6.00,USD\n" {
		t.Errorf("exceptions.csv:\n%s", got)
	}
	if got := read("errors.csv"); got != "file,line,error\ns.csv,3,amount \"\"12.5\"\" has more decimals than KRW allows (0)\n" &&
		!strings.HasPrefix(got, "file,line,error\ns.csv,3,") {
		t.Errorf("errors.csv:\n%s", got)
	}
	if got := read("summary.json"); !strings.Contains(got, `"amount_mismatch": 1`) || !strings.Contains(got, `"invalid_rows": 1`) || !strings.Contains(got, `"delivered_not_paid": 0`) {
		t.Errorf("summary.json:\n%s", got)
	}
}

// TestLongRecord: an unterminated quote longer than the limit is reported
// and reading resumes on its next line.
func TestLongRecord(t *testing.T) {
	store := storeHead + "\"TX1,T1,5,USD,paid\n" + strings.Repeat("x", 300) + "\nTX2,T2,5,USD,paid\n"
	got, err := engine(t, []byte(store), []byte(serverHead), nil, limits{blockLen: 16, maxRecord: 64})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.errLines, []string{"store.csv:2", "store.csv:3"}) || got.counts["paid_not_delivered"] != 1 {
		t.Errorf("errors %v, counts %v", got.errLines, got.counts)
	}
}

// TestLongLastRecord: the record limit holds for the file's last record
// too, with or without a final newline, in CSV and JSON Lines. (Before, the
// last record was taken whole once the input ended, up to the limit plus a
// block: a 10 MiB txid went into a report.)
func TestLongLastRecord(t *testing.T) {
	long := strings.Repeat("x", 100)
	for _, end := range []string{"", "\n"} {
		store := storeHead + "TX1,T1,5,USD,paid\nTX" + long + ",T2,5,USD,paid" + end
		got, err := engine(t, []byte(store), []byte(serverHead), nil, limits{blockLen: 64, maxRecord: 64})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.errLines, []string{"store.csv:3"}) || got.counts["paid_not_delivered"] != 1 {
			t.Errorf("final newline %q: errors %v, counts %v; want line 3 too long", end, got.errLines, got.counts)
		}
	}
}
