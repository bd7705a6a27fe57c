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
	for _, c := range []struct {
		t    tr
		e    *vocdesk.ReconRowError
		want string
	}{
		{ko, count, "이 행은 칸이 3개인데 머리글은 4개입니다."},
		{en, count, "The row has 3 fields; the header has 4."},
		{ko, before, `amount "abc" is not a decimal number`},
		{en, before, `amount "abc" is not a decimal number`},
	} {
		if got := c.t.ReconRowError(c.e); got != c.want {
			t.Errorf("%s %+v: %q, want %q", c.t.Lang, c.e, got, c.want)
		}
	}
}
