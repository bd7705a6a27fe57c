package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/korean"

	"github.com/vocdesk/vocdesk"
)

func TestReadCSV(t *testing.T) {
	in := "\xEF\xBB\xBFReason, TXID ,note,amount\r\n" +
		"customer_request,TX-1,hi,1200\r\n" +
		"\r\n" +
		"\"other\", TX-2 ,\"a, \"\"quoted\"\"\nnote\",\r\n" +
		",TX-3\r\n"
	rows, err := ReadCancellationBatch([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []vocdesk.CancellationBatchRow{
		{Line: 2, TxID: "TX-1", Amount: "1200", Reason: "customer_request"},
		{Line: 4, TxID: "TX-2", Amount: "", Reason: "other"},
		{Line: 6, TxID: "TX-3"},
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Fatalf("rows\n%v\nwant\n%v", rows, want)
	}
}

func TestReadCSVKorean(t *testing.T) {
	utf := "txid,amount,reason\nTX-한글-1,,기타\n"
	euc, err := korean.EUCKR.NewEncoder().Bytes([]byte(utf))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ReadCancellationBatch(euc)
	if err != nil || len(rows) != 1 || rows[0].TxID != "TX-한글-1" || rows[0].Reason != "기타" {
		t.Fatalf("EUC-KR: %v %v", rows, err)
	}
}

func TestReadRefusesBadFiles(t *testing.T) {
	many := "txid\n" + strings.Repeat("TX\n", vocdesk.MaxBatchRows+1)
	for name, c := range map[string]struct {
		in   string
		code string
		msg  string
	}{
		"empty":           {"", vocdesk.EINVALID, "empty"},
		"blank lines":     {"\n\n  \n", vocdesk.EINVALID, "empty"},
		"no txid column":  {"tx,amount\nTX-1,1\n", vocdesk.EINVALID, "no txid column"},
		"header only":     {"txid,amount,reason\n", vocdesk.EINVALID, "no rows"},
		"txid twice":      {"txid,TxID\nA,B\n", vocdesk.EINVALID, "twice"},
		"bare quote":      {"txid\n\"TX-1\n", vocdesk.EINVALID, "line 2"},
		"binary":          {"txid\nTX\x00-1\n", vocdesk.EINVALID, "not text"},
		"not text":        {"\xff\xfe\xfd\x80\x81", vocdesk.EINVALID, "neither UTF-8 nor EUC-KR"},
		"too many rows":   {many, vocdesk.ETOOLARGE, "more than 10000 rows"},
		"huge cell":       {"txid\n" + strings.Repeat("x", 600) + "\n", vocdesk.EINVALID, "more than 512"},
		"over the limit":  {strings.Repeat("x", MaxBytes+1), vocdesk.ETOOLARGE, "MiB"},
		"an old .xls":     {string(oleMagic) + "rest", vocdesk.EINVALID, "password-protected"},
		"a broken zip":    {"PK\x03\x04garbage", vocdesk.EINVALID, "not a readable .xlsx"},
		"a zip, not xlsx": {string(zipOf(t, "hello.txt", "hi")), vocdesk.EINVALID, "not a readable .xlsx"},
	} {
		t.Run(name, func(t *testing.T) {
			rows, err := ReadCancellationBatch([]byte(c.in))
			if err == nil {
				t.Fatalf("read %d rows; want an error", len(rows))
			}
			if vocdesk.ErrorCode(err) != c.code || !strings.Contains(vocdesk.ErrorMessage(err), c.msg) {
				t.Errorf("error %s %q; want %s containing %q", vocdesk.ErrorCode(err), vocdesk.ErrorMessage(err), c.code, c.msg)
			}
		})
	}
}

func TestReadXLSX(t *testing.T) {
	b := workbook(t, [][]any{{"TxID", "Amount", "Reason"}, {"TX-1", 1200, "other"}, nil, {"TX-2", "", ""}, {" TX-3 ", "0.99"}}, "")
	rows, err := ReadCancellationBatch(b)
	if err != nil {
		t.Fatal(err)
	}
	want := []vocdesk.CancellationBatchRow{
		{Line: 2, TxID: "TX-1", Amount: "1200", Reason: "other"},
		{Line: 4, TxID: "TX-2"},
		{Line: 5, TxID: "TX-3", Amount: "0.99"},
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Fatalf("rows\n%v\nwant\n%v", rows, want)
	}
}

func TestReadXLSXPasswordProtected(t *testing.T) {
	b := workbook(t, [][]any{{"txid"}, {"TX-1"}}, "secret")
	if !bytes.HasPrefix(b, oleMagic) {
		t.Fatal("excelize did not encrypt the workbook")
	}
	_, err := ReadCancellationBatch(b)
	if vocdesk.ErrorCode(err) != vocdesk.EINVALID || !strings.Contains(vocdesk.ErrorMessage(err), "password-protected") {
		t.Fatalf("error %v", err)
	}
}

func TestReadXLSXTooManyRows(t *testing.T) {
	rows := [][]any{{"txid"}}
	for i := range vocdesk.MaxBatchRows + 1 {
		rows = append(rows, []any{fmt.Sprintf("TX-%d", i)})
	}
	_, err := ReadCancellationBatch(workbook(t, rows, ""))
	if vocdesk.ErrorCode(err) != vocdesk.ETOOLARGE {
		t.Fatalf("error %v", err)
	}
}

func TestTemplates(t *testing.T) {
	b, err := TemplateXLSX()
	if err != nil {
		t.Fatal(err)
	}
	// Filled in by appending rows, each template reads back.
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow("Sheet1", "A2", &[]any{"20260310000000000001", "1200", "fraud"}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := ReadCancellationBatch(buf.Bytes())
	if err != nil || len(rows) != 1 || rows[0].TxID != "20260310000000000001" || rows[0].Amount != "1200" {
		t.Fatalf("filled template: %v %v", rows, err)
	}
	rows, err = ReadCancellationBatch([]byte(TemplateCSV + "TX-1,,\n"))
	if err != nil || len(rows) != 1 {
		t.Fatalf("filled CSV template: %v %v", rows, err)
	}
}

// A zip bomb: a small file that would unzip past the limit is refused
// before it is expanded.
func TestReadXLSXZipBomb(t *testing.T) {
	wb := workbook(t, [][]any{{"txid"}, {"TX-1"}}, "")
	zr, err := zip.NewReader(bytes.NewReader(wb), int64(len(wb)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.Create("xl/media/bomb.bin")
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for range maxUnzipBytes>>20 + 1 {
		_, _ = w.Write(zeros)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 1<<20 {
		t.Fatalf("the bomb is %d bytes; it should be small", buf.Len())
	}
	_, err = ReadCancellationBatch(buf.Bytes())
	if vocdesk.ErrorCode(err) != vocdesk.EINVALID || !strings.Contains(vocdesk.ErrorMessage(err), "limit") {
		t.Fatalf("error %v", err)
	}
}
