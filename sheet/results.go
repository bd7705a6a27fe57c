package sheet

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/vocdesk/vocdesk"
)

// WriteBatchResults writes a bulk cancellation's results as CSV: a header
// row, then one row per line of the uploaded file, for the developer's own
// records. The API's download and the console's write the same.
func WriteBatchResults(w io.Writer, b *vocdesk.CancellationBatch) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"line", "txid", "amount", "currency", "reason", "outcome", "request_id", "error"})
	for _, it := range b.Items {
		amount, req := "", ""
		if it.Currency != "" {
			amount = vocdesk.FormatAmount(it.Amount, it.Currency)
		}
		if it.RequestID != 0 {
			req = strconv.FormatInt(it.RequestID, 10)
		}
		_ = cw.Write([]string{strconv.Itoa(it.Line), cellSafe(it.TxID), amount, it.Currency, string(it.Reason), it.Outcome, req, it.Error})
	}
	cw.Flush()
	return cw.Error()
}

// cellSafe keeps a cell from being read as a formula by a spreadsheet: a
// TxID comes from the uploader's file, and "=HYPERLINK(...)" must stay text.
func cellSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
