package csvsafe

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")", "+1+1": "'+1+1", "-2+3": "'-2+3", "@SUM(A1)": "'@SUM(A1)",
		"\t=1": "'\t=1", "\r=1": "'\r=1", "TX-1": "TX-1", "1200": "1200", "": "", "환불": "환불", " =1": " =1",
	} {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriterRoundTrip(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	rec := []string{"=cmd|' /C calc'!A0", "plain", "a,b\n\"c\""}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	got, err := csv.NewReader(&b).Read()
	if err != nil || got[0] != "'=cmd|' /C calc'!A0" || got[1] != "plain" || got[2] != "a,b\n\"c\"" || rec[0][0] != '=' {
		t.Fatalf("read back %q, %v; the caller's record is %q", got, err, rec)
	}
}
