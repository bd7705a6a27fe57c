package sheet

import (
	"testing"
	"unicode/utf8"

	"github.com/vocdesk/vocdesk"
)

// checkRead holds ReadCancellationBatch to its contract on any input: a 4xx
// error, or rows in line order below the limits.
func checkRead(t *testing.T, b []byte) {
	rows, err := ReadCancellationBatch(b)
	if err != nil {
		if c := vocdesk.ErrorCode(err); c != vocdesk.EINVALID && c != vocdesk.ETOOLARGE {
			t.Fatalf("error code %s (%v)", c, err)
		}
		return
	}
	if len(rows) == 0 || len(rows) > vocdesk.MaxBatchRows {
		t.Fatalf("%d rows", len(rows))
	}
	last := 1
	for _, r := range rows {
		if r.Line <= last {
			t.Fatalf("line %d after %d", r.Line, last)
		}
		last = r.Line
		for _, v := range []string{r.TxID, r.Amount, r.Reason} {
			if !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxCellRunes {
				t.Fatalf("cell %q", v)
			}
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"txid,amount,reason\nTX-1,1200,other\n",
		"\xEF\xBB\xBFTXID\r\n\r\nTX-1\r\n\"TX,2\"\r\n",
		"reason,txid\n\"a\"\"b\",c\n",
		"txid\n\"open",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(checkRead)
}

func FuzzReadXLSX(f *testing.F) {
	f.Add(workbook(f, [][]any{{"txid", "amount", "reason"}, {"TX-1", 1200, "other"}, nil, {"TX-2"}}, ""))
	f.Add(workbook(f, [][]any{{"amount", "TxID"}, {"1.5", "TX-9"}}, ""))
	tmpl, err := TemplateXLSX()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tmpl)
	f.Fuzz(checkRead)
}
