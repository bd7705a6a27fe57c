package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
)

// A kept refusal is worded from its reason in the page's language; one
// kept without a reason, or with one the catalog no longer has, shows its
// English as stored.
func TestImportReasonsWorded(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	ko, en := c.translator("ko", nil), c.translator("en", nil)
	decimals := &vocdesk.PurchaseImportReject{Error: `amount: amount "12.5" has more decimals than KRW allows (0)`,
		Reason: "amount_decimals", Args: []string{"12.5", "KRW", "0"}}
	before := &vocdesk.PurchaseImportReject{Error: `unknown app "ghost"`}
	gone := &vocdesk.PurchaseImportReject{Error: "a refusal since reworded", Reason: "no_longer_a_reason"}
	for _, c := range []struct {
		t    tr
		rj   *vocdesk.PurchaseImportReject
		want string
	}{
		{ko, decimals, "KRW 금액은 소수점 아래 0자리까지 쓸 수 있습니다: 12.5"},
		{en, decimals, "KRW amounts take at most 0 decimals: 12.5."},
		{ko, before, `unknown app "ghost"`},
		{en, before, `unknown app "ghost"`},
		{ko, gone, "a refusal since reworded"},
		{en, gone, "a refusal since reworded"},
	} {
		if got := c.t.ImportReject(c.rj); got != c.want {
			t.Errorf("%s %+v: %q, want %q", c.t.Lang, c.rj, got, c.want)
		}
	}

	for _, c := range []struct {
		t    tr
		imp  *vocdesk.PurchaseImport
		want string
	}{
		{ko, &vocdesk.PurchaseImport{}, ""},
		{ko, &vocdesk.PurchaseImport{Error: "stopped after line 3: Internal error."}, "stopped after line 3: Internal error."},
		{ko, &vocdesk.PurchaseImport{Error: "stopped after line 3: Internal error.", StoppedAfter: 2, StopCode: vocdesk.EINTERNAL},
			"파일의 2번째 행 다음에서 멈췄습니다: 처리하지 못했습니다. 잠시 뒤 다시 해 보세요."},
		{en, &vocdesk.PurchaseImport{Error: "stopped after line 3: Internal error.", StoppedAfter: 2, StopCode: vocdesk.EINTERNAL},
			"It stopped after row 2 of the file: It could not be done; try again in a moment."},
		{ko, &vocdesk.PurchaseImport{Error: "x", StoppedAfter: 0, StopCode: vocdesk.EINVALID, StopReason: "import_app_unknown", StopArgs: []string{"ghost"}},
			"파일의 0번째 행 다음에서 멈췄습니다: 이 슬러그의 앱이 없습니다: ghost"},
	} {
		if got := c.t.ImportStop(c.imp); got != c.want {
			t.Errorf("%s %+v: %q, want %q", c.t.Lang, c.imp, got, c.want)
		}
	}
}

// The reasons an import keeps are worded later from their values as text
// (vocdesk.ReasonArgs): their words must take %s or %v, never %d, in
// every language.
func TestKeptReasonsTakeText(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	kept := []string{"reason.import_", "reason.purchase_", "reason.amount_", "reason.currency_", "reason.text_"}
	n := 0
	for lang, msgs := range c.msgs {
		for key, msg := range msgs {
			if !hasAnyPrefix(key, kept) {
				continue
			}
			n++
			args := make([]any, strings.Count(msg, "%")-2*strings.Count(msg, "%%"))
			for i := range args {
				args[i] = "7"
			}
			if s := fmt.Sprintf(msg, args...); strings.Contains(s, "%!") {
				t.Errorf("%s %s with text values: %q", lang, key, s)
			}
		}
	}
	if n < 40 {
		t.Errorf("checked only %d messages", n)
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
