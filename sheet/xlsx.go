package sheet

import (
	"bytes"
	"errors"

	"github.com/xuri/excelize/v2"
)

// readXLSX reads the first worksheet of a workbook, cell values as Excel
// shows them (a number formatted as text stays text). The unzip limits
// refuse a workbook that expands past them: a zip bomb costs at most that.
func readXLSX(b []byte) (rows [][]string, err error) {
	// excelize is third-party code on hostile input: a panic in it is a
	// bad file, not a crashed request.
	defer func() {
		if p := recover(); p != nil {
			rows, err = nil, errInvalid("xlsx_broken", "the workbook could not be read; save it again as .xlsx or as CSV")
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{
		UnzipSizeLimit:    maxUnzipBytes,
		UnzipXMLSizeLimit: maxUnzipXMLBytes,
	})
	if err != nil {
		if errors.Is(err, excelize.ErrWorkbookFileFormat) || errors.Is(err, excelize.ErrWorkbookPassword) {
			return nil, errInvalid("encrypted", "the workbook is password-protected: save it as .xlsx without a password, or as CSV")
		}
		return nil, errInvalid("xlsx_unreadable", "the file is not a readable .xlsx workbook (%v); save it again as .xlsx or as CSV", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errInvalid("no_worksheet", "the workbook has no worksheet")
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, worksheetUnreadable(err)
	}
	defer it.Close()
	for it.Next() {
		r, err := it.Columns()
		if err != nil {
			return nil, errInvalid("row_unreadable", "row %d could not be read: %v", len(rows)+1, err)
		}
		rows = append(rows, r)
		if len(rows) > maxRawRows {
			return nil, errTooManyRows()
		}
	}
	if err := it.Error(); err != nil {
		return nil, worksheetUnreadable(err)
	}
	return rows, nil
}
