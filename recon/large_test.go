package recon

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestLargeFiles reconciles the benchmark's files when VOCDESK_RECON_DIR
// names their directory, so the engine can be profiled in-process:
//
//	VOCDESK_RECON_DIR=/tmp/vocdesk-recon-bench go test -run LargeFiles -cpuprofile cpu.out ./recon
func TestLargeFiles(t *testing.T) {
	dir := os.Getenv("VOCDESK_RECON_DIR")
	if dir == "" {
		t.Skip("VOCDESK_RECON_DIR not set")
	}
	store, err := OpenStore(filepath.Join(dir, "store.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	server, err := OpenServer(filepath.Join(dir, "server.csv"), map[string]string{
		"txid": "store_tx_id", "tid": "order_no", "amount": "price", "currency": "cur"})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	res, err := ReconcileToDir(context.Background(), t.TempDir(), store, server, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", SummaryOf(res))
}
