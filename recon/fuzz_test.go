package recon

import (
	"os"
	"path/filepath"
	"testing"
)

var fuzzSeeds = []string{
	storeHead + "TX1,T1,5,USD,paid\n",
	"\xEF\xBB\xBF" + storeHead + "TX1,T1,5,USD,paid\r\n\r\n",
	storeHead + "\"TX\"\"1\",\"T\n1\",5,USD,paid\n",
	storeHead + "\"TX1,T1,5,USD,paid\n",
	storeHead + "TX\"1,T1,5,USD,paid\n",
	storeHead + "\"TX1\"x,T1,5,USD,paid\n",
	storeHead + "TX1,T1,12.5,KRW,paid\nTX1,T1,-1,USD,paid\nTX2,T2,5,XYZ,shipped\n",
	storeHead + "TX1,T1,5,USD,paid\r",
	storeHead + "\"\"\r\n\r",
	"txid,tid,amount,currency,status",
	"\r\n\n" + storeHead + "a,b,c\n",
}

// FuzzReader feeds arbitrary bytes to the store reader, whole and cut into
// small chunks: it must never panic, must give every row a plausible line,
// and must agree with encoding/csv whenever encoding/csv accepts the input.
func FuzzReader(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), uint8(5))
	}
	f.Fuzz(func(t *testing.T, data []byte, block uint8) {
		for _, lim := range []limits{defaultLimits, {blockLen: 1 + int(block), maxRecord: 256}} {
			got, err := engine(t, data, []byte(serverHead), nil, lim)
			want, werr, ok := reference(data, []byte(serverHead), nil)
			if err != nil {
				if ok && werr == nil {
					t.Fatalf("engine refused a file the reference reads: %v", err)
				}
				continue
			}
			if !ok || lim.maxRecord < len(data) {
				continue // encoding/csv rejects it, or the tiny record limit applies
			}
			if werr != nil {
				t.Fatalf("reference refused (%v) a file the engine reads", werr)
			}
			if diff := compare(got, want); diff != "" {
				t.Fatalf("block %d: %s", lim.blockLen, diff)
			}
		}
	})
}

// FuzzReconcile runs the whole reconciliation on arbitrary store and server
// files: no panic, and agreement with the reference where encoding/csv reads
// both files.
func FuzzReconcile(f *testing.F) {
	f.Add([]byte(storeHead+"TX1,T1,5,USD,paid\nTX2,T2,5,USD,refunded\n"), []byte(serverHead+"TX1,,5,USD\n,T2,5,USD\nTX3,,1,KRW\n"))
	f.Add([]byte(storeHead+"TX1,T1,5,USD,paid\nTX2,T1,5,USD,paid\n"), []byte(serverHead+",T1,5.00,USD\n,T1,6,USD\n"))
	f.Add([]byte(fuzzSeeds[2]), []byte(serverHead+"\"TX\"\"1\",,5,USD\n"))
	f.Fuzz(func(t *testing.T, store, server []byte) {
		got, err := engine(t, store, server, nil, defaultLimits)
		want, werr, ok := reference(store, server, nil)
		if err != nil || !ok || werr != nil {
			return
		}
		if diff := compare(got, want); diff != "" {
			t.Fatal(diff)
		}
	})
}

// FuzzParseAmount holds the fast amount parser to vocdesk.ParseAmount.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"0", "1200.00", "12.5", "-1", "0.990", "1e3", "999999999999999.999"} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, s string, c uint8) {
		checkAmount(t, s, []string{"KRW", "USD", "KWD"}[c%3])
	})
}

// TestReaderNoFile keeps engine's file plumbing honest for the fuzzers.
func TestReaderNoFile(t *testing.T) {
	if _, err := open(filepath.Join(t.TempDir(), "x"), true, nil, defaultLimits); !os.IsNotExist(err) {
		t.Errorf("open of a missing file: %v", err)
	}
}
