package sheet

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// TemplateCSV is the sample bulk cancellation file to fill in.
const TemplateCSV = "txid,amount,reason\n"

// TemplateXLSX is the same sample as a workbook: the header row, bold and
// frozen, and wide columns; the txid and amount columns are text, so Excel
// keeps a long numeric TxID and a typed amount exactly as written.
func TemplateXLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const s = "Sheet1"
	for i, h := range []string{batchHeaderTxID, batchHeaderAmount, batchHeaderReason} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(s, cell, h); err != nil {
			return nil, fmt.Errorf("sheet: template: %w", err)
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, fmt.Errorf("sheet: template: %w", err)
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return nil, fmt.Errorf("sheet: template: %w", err)
	}
	for _, step := range []error{
		f.SetColStyle(s, "A:B", text),
		f.SetCellStyle(s, "A1", "C1", bold),
		f.SetColWidth(s, "A", "A", 28),
		f.SetColWidth(s, "B", "B", 12),
		f.SetColWidth(s, "C", "C", 22),
		f.SetPanes(s, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}),
	} {
		if step != nil {
			return nil, fmt.Errorf("sheet: template: %w", step)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("sheet: template: %w", err)
	}
	return buf.Bytes(), nil
}
