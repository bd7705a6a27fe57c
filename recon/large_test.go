package recon

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestLargeFiles reconciles generated files past the sizes the property
// test reaches (more purchases than one block of the matcher holds, many
// pipeline chunks, every worker busy) through the command's own path,
// OpenStore, OpenServer and ReconcileToDir, and compares what it wrote
// (summary.json, exceptions.csv, errors.csv) with the reference
// implementation's answer on the same bytes.
//
// The default size keeps the normal suite quick; VOCDESK_RECON_ROWS asks
// for more, which also serves to profile the engine in-process:
//
//	VOCDESK_RECON_ROWS=1000000 go test -run LargeFiles -cpuprofile cpu.out ./recon
func TestLargeFiles(t *testing.T) {
	rows := blockSize + blockSize/8 // past the first block of purchases
	if testing.Short() {
		rows = 5000
	}
	if s := os.Getenv("VOCDESK_RECON_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("VOCDESK_RECON_ROWS=%q: want a positive number of rows", s)
		}
		rows = n
	}
	g := &logGen{r: rand.New(rand.NewPCG(uint64(rows), 23)), crlf: true}
	storeCSV, serverCSV := g.realistic(rows)
	want, herr, ok := reference(storeCSV, serverCSV, genColumns)
	if !ok || herr != nil {
		t.Fatalf("the generator wrote a file encoding/csv rejects (%v)", herr)
	}

	dir := t.TempDir()
	sp, vp := filepath.Join(dir, "store.csv"), filepath.Join(dir, "server.csv")
	if err := os.WriteFile(sp, storeCSV, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(vp, serverCSV, 0o644); err != nil {
		t.Fatal(err)
	}
	store, err := OpenStore(sp)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	server, err := OpenServer(vp, genColumns)
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	out := filepath.Join(dir, "out")
	if _, err := ReconcileToDir(context.Background(), out, store, server, Options{}); err != nil {
		t.Fatal(err)
	}

	got := readOutput(t, out)
	if diff := compare(got, want); diff != "" {
		t.Fatalf("%d store rows: %s", rows, diff)
	}
	// The files must hold something worth comparing: every category and
	// malformed rows, or the comparison above proves little.
	for _, c := range Categories() {
		if want.counts[c.String()] == 0 {
			t.Errorf("the generated files have no %s; the test would not notice its rule breaking", c)
		}
	}
	if len(want.errLines) == 0 {
		t.Error("the generated files have no malformed rows")
	}
	t.Logf("%d store rows: %v", rows, want.counts)
}

// readOutput reads back what ReconcileToDir wrote, in the reference's form.
func readOutput(t *testing.T, dir string) refResult {
	t.Helper()
	res := refResult{counts: map[string]int64{}}
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sum map[string]int64
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatalf("summary.json: %v", err)
	}
	for k, v := range sum {
		if v != 0 && k != "store_rows" && k != "server_rows" {
			res.counts[k] = v
		}
	}
	exc := readCSV(t, filepath.Join(dir, "exceptions.csv"))
	if len(exc) == 0 || !slices.Equal(exc[0], ExceptionsHeader) {
		t.Fatalf("exceptions.csv header: %q", exc)
	}
	res.exceptions = exc[1:]
	errs := readCSV(t, filepath.Join(dir, "errors.csv"))
	if len(errs) == 0 {
		t.Fatal("errors.csv has no header")
	}
	for _, r := range errs[1:] {
		res.errLines = append(res.errLines, fmt.Sprintf("%s:%s", r[0], r[1]))
	}
	return res
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	return recs
}

// realistic writes a store export of rows purchases and the server log
// that goes with it, in the proportions of a real month rather than the
// property test's adversarial mix: most purchases delivered once for the
// right amount, some never, some twice, some for another amount, some
// logged by TID alone (no txid yet), refunds delivered or not, deliveries
// of payments the store does not have, and a few malformed rows. The
// server log is shuffled: servers log in their own order.
func (g *logGen) realistic(rows int) (storeCSV, serverCSV []byte) {
	var st, sv bytes.Buffer
	st.WriteString("txid,tid,amount,currency,status,note" + g.nl())
	sv.WriteString("store_tx,order_no,price,cur,user" + g.nl())
	var server []string
	deliver := func(txid, tid, amount, cur string) {
		server = append(server, strings.Join([]string{g.field(txid), g.field(tid), amount, cur, g.field(g.note())}, ","))
	}
	for i := range rows {
		txid, tid := fmt.Sprintf("TX%08d", i), fmt.Sprintf("O%08d", i)
		if i > 0 && g.r.IntN(500) == 0 {
			tid = fmt.Sprintf("O%08d", i-1) // the developer's id reused
		}
		amount, cur := fmt.Sprint(100*(1+g.r.IntN(300))), "KRW"
		if g.r.IntN(10) == 0 {
			amount, cur = fmt.Sprintf("%d.%02d", g.r.IntN(100), g.r.IntN(100)), "USD"
		}
		status := "paid"
		switch n := g.r.IntN(100); {
		case n < 7:
			status = "refunded"
		case n < 10:
			status = "cancelled"
		}
		rec := []string{g.field(txid), g.field(tid), amount, cur, status, g.field(g.note())}
		switch g.r.IntN(400) {
		case 0:
			rec = rec[:4] // a short row
		case 1:
			rec[4] = "shipped" // not a status
		case 2:
			rec[2] = "12,5" // not an amount
		}
		st.WriteString(strings.Join(rec, ",") + g.nl())

		switch n := g.r.IntN(100); {
		case status != "paid" && n < 50:
			// refunded or cancelled, never delivered
		case status != "paid":
			deliver(txid, tid, amount, cur)
		case n < 5: // never delivered
		case n < 10:
			deliver(txid, tid, amount, cur)
			deliver(txid, tid, amount, cur)
		case n < 14:
			deliver(txid, tid, "1", cur)
		case n < 20:
			deliver("", tid, amount, cur) // logged before the txid was known
		default:
			deliver(txid, tid, amount, cur)
		}
		if g.r.IntN(50) == 0 {
			deliver(fmt.Sprintf("TXX%08d", i), fmt.Sprintf("OX%08d", i), "100", "KRW") // not the store's
		}
		if g.r.IntN(500) == 0 {
			server = append(server, "TX,broken") // a short row
		}
	}
	g.r.Shuffle(len(server), func(i, j int) { server[i], server[j] = server[j], server[i] })
	for _, s := range server {
		sv.WriteString(s + g.nl())
	}
	return st.Bytes(), sv.Bytes()
}
