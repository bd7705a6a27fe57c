package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// reconEnv is an Env with captured streams and a fixed environment.
func reconEnv(vars map[string]string) (*Env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return vars[k] }}, &out, &errb
}

func TestReconcileCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	store := write("store.csv", "\xEF\xBB\xBFtxid,tid,amount,currency,status\r\n"+
		"TX1,T1,1200,KRW,paid\r\nTX2,T2,0.99,USD,paid\r\nTX3,T3,5,USD,refunded\r\nTX4,T4,10,USD,paid\r\n")
	server := write("server.csv", "tx,order,price,cur\nTX1,T1,1200.00,KRW\n,T2,1.99,USD\nTX3,,5,USD\nTX9,,1,USD\n")
	bad := write("bad.csv", "txid,tid,amount,currency,status\nTX1,T1,12.5,KRW,paid\n")
	mapping := "txid=tx,tid=order,amount=price,currency=cur"

	t.Run("clean run", func(t *testing.T) {
		out := filepath.Join(dir, "out1")
		env, stdout, stderr := reconEnv(nil)
		code := Run(context.Background(), env, []string{"reconcile", "--store", store, "--server", server, "--map", mapping, "--out", out})
		if code != 0 {
			t.Fatalf("exit %d, stderr: %s", code, stderr)
		}
		if !strings.Contains(stdout.String(), "matched") || !strings.Contains(stdout.String(), "delivered_not_paid") {
			t.Errorf("stdout has no summary table:\n%s", stdout)
		}
		if stderr.Len() != 0 {
			t.Errorf("stderr is not a terminal, yet got %q", stderr)
		}
		sum, _ := os.ReadFile(filepath.Join(out, "summary.json"))
		for _, want := range []string{`"matched": 1`, `"amount_mismatch": 1`, `"delivered_after_refund": 1`, `"paid_not_delivered": 1`, `"delivered_not_paid": 1`, `"invalid_rows": 0`} {
			if !bytes.Contains(sum, []byte(want)) {
				t.Errorf("summary.json lacks %s:\n%s", want, sum)
			}
		}
		exc, _ := os.ReadFile(filepath.Join(out, "exceptions.csv"))
		wantExc := "category,txid,tid,store_amount,store_currency,server_amount,server_currency\n" +
			"amount_mismatch,TX2,T2,0.99,USD,1.99,USD\n" +
			"delivered_after_refund,TX3,T3,5.00,USD,5.00,USD\n" +
			"paid_not_delivered,TX4,T4,10.00,USD,,\n" +
			"delivered_not_paid,TX9,,,,1.00,USD\n"
		if string(exc) != wantExc {
			t.Errorf("exceptions.csv:\n%s\nwant:\n%s", exc, wantExc)
		}
		errs, _ := os.ReadFile(filepath.Join(out, "errors.csv"))
		if string(errs) != "file,line,error\n" {
			t.Errorf("errors.csv: %q", errs)
		}
	})

	t.Run("flags from the environment, invalid rows exit 3", func(t *testing.T) {
		out := filepath.Join(dir, "out2")
		env, _, stderr := reconEnv(map[string]string{"VOCDESK_STORE": bad, "VOCDESK_SERVER": server, "VOCDESK_MAP": mapping, "VOCDESK_OUT": out})
		if code := Run(context.Background(), env, []string{"reconcile"}); code != 3 {
			t.Fatalf("exit %d, want 3; stderr: %s", code, stderr)
		}
		errs, _ := os.ReadFile(filepath.Join(out, "errors.csv"))
		if !strings.HasPrefix(string(errs), "file,line,error\nbad.csv,2,") {
			t.Errorf("errors.csv: %q", errs)
		}
	})

	for _, tc := range []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"missing file", []string{"--store", filepath.Join(dir, "nope.csv"), "--server", server, "--map", mapping}, "nope.csv"},
		// The server file's own columns, matched to the fields, make the
		// suggested --map; an unmapped field that no column suggests is
		// left for the person to fill.
		{"missing column", []string{"--store", store, "--server", server}, "e.g.: --map " + mapping + "\n"},
		{"half mapped", []string{"--store", store, "--server", server, "--map", "amount=price"},
			"missing column(s) currency, tid, txid (header: tx,order,price,cur)\nMap the fields to the file's own columns, e.g.: --map txid=tx,tid=order,currency=cur\n"},
		{"a mistyped map", []string{"--store", store, "--server", server, "--map", "txid=tx,tid=order,currency=cur,amount=nope"},
			"--map amount=price\n"},
		{"no column suggests one", []string{"--store", store, "--server", write("odd.csv", "a,order_no,c\n")},
			"--map txid=COLUMN,tid=order_no,amount=COLUMN,currency=COLUMN\n"},
		{"bad map", []string{"--store", store, "--server", server, "--map", "txid"}, "--map"},
		{"missing flag", []string{"--store", store, "--map", mapping}, "--server"},
		{"unknown flag", []string{"--store", store, "--server", server, "--map", mapping, "--bogus"}, "bogus"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, "out-"+strings.ReplaceAll(tc.name, " ", "-"))
			env, stdout, stderr := reconEnv(nil)
			args := append([]string{"reconcile", "--out", out}, tc.args...)
			if code := Run(context.Background(), env, args); code != 2 {
				t.Fatalf("exit %d, want 2; stderr: %s", code, stderr)
			}
			if !strings.Contains(stderr.String(), tc.want) || stdout.Len() != 0 {
				t.Errorf("want a message with %q on stderr only; stdout %q, stderr %q", tc.want, stdout, stderr)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s was created: work started before the check", out)
			}
		})
	}
}
