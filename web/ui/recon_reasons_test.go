package ui

import (
	"testing"

	"github.com/vocdesk/vocdesk"
)

// A report's unreadable row is worded from its kept reason in the page's
// language; one kept without a reason shows its English as stored.
func TestReconRowErrorWorded(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	ko, en := c.translator("ko", nil), c.translator("en", nil)
	count := &vocdesk.ReconRowError{Message: "wrong number of fields: 3, want 4", Reason: "recon_field_count", Args: []string{"3", "4"}}
	before := &vocdesk.ReconRowError{Message: `amount "abc" is not a decimal number`}
	// The matcher's refusals, after the row was read.
	unmatched := &vocdesk.ReconRowError{Message: "too many unmatched records", Reason: "recon_match_unmatched", Args: []string{}}
	repeated := &vocdesk.ReconRowError{Message: `repeated txid "TX1"`, Reason: "recon_match_txid_repeated", Args: []string{"TX1"}}
	for _, c := range []struct {
		t    tr
		e    *vocdesk.ReconRowError
		want string
	}{
		{ko, count, "이 행은 칸이 3개인데 머리글은 4개입니다."},
		{en, count, "The row has 3 fields; the header has 4."},
		{ko, unmatched, "구매와 맞지 않는 서버 기록이 한 번의 대조에서 다룰 수 있는 양보다 많습니다. 이 기간의 로그인지 확인하거나 기간을 나누어 대조하세요."},
		{en, unmatched, "More server records without a purchase than one reconciliation holds: check that the log is this period's, or reconcile a shorter period."},
		{ko, repeated, "앞의 행에도 같은 txid가 있습니다: TX1. 처음 행만 대조합니다."},
		{en, repeated, "The txid TX1 is on an earlier row too: only the first is reconciled."},
		{ko, before, `amount "abc" is not a decimal number`},
		{en, before, `amount "abc" is not a decimal number`},
	} {
		if got := c.t.ReconRowError(c.e); got != c.want {
			t.Errorf("%s %+v: %q, want %q", c.t.Lang, c.e, got, c.want)
		}
	}
}
