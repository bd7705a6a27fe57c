package sheet

import (
	"archive/zip"
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// workbook writes rows (nil: a blank row) to an .xlsx, encrypted when
// password is set.
func workbook(tb testing.TB, rows [][]any, password string) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		if r == nil {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			tb.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf, excelize.Options{Password: password}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// zipOf is a zip archive holding one file.
func zipOf(tb testing.TB, name, body string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, err := w.Create(name)
	if err != nil {
		tb.Fatal(err)
	}
	_, _ = f.Write([]byte(body))
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
