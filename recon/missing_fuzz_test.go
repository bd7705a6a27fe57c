package recon

import (
	"strings"
	"testing"
)

// FuzzMapHint feeds MapHint headers as a developer's log may have them: the
// hint maps every missing field once, each to a column of the header or to
// COLUMN, never one column to two fields, nor to a column a found field uses.
func FuzzMapHint(f *testing.F) {
	f.Add("store_tx_id,order_no,price,cur", "txid")
	f.Add("tx,tx,amount", "tid")
	f.Add(",,", "")
	f.Add("거래번호,주문번호,금액", "currency")
	f.Fuzz(func(t *testing.T, header, found string) {
		e := &MissingColumnsError{File: "log.csv", Server: true, Header: strings.Split(header, ",")}
		for _, fd := range serverFields {
			if fd == found {
				e.Found = append(e.Found, fd)
				continue
			}
			e.Fields = append(e.Fields, fd)
		}
		hint := e.MapHint()
		parts := strings.Split(hint, ",")
		if hint == "" || len(parts) != len(e.Fields) {
			if !(hint == "" && len(e.Fields) == 0) {
				// A column name may hold a comma only if the header's
				// fields did, which Split above rules out.
				t.Fatalf("hint %q for fields %v", hint, e.Fields)
			}
			return
		}
		used := map[string]bool{}
		for _, c := range e.Found {
			used[c] = true
		}
		for i, p := range parts {
			field, col, ok := strings.Cut(p, "=")
			if !ok || field != e.Fields[i] {
				t.Fatalf("hint %q: part %q for field %q", hint, p, e.Fields[i])
			}
			if col == "COLUMN" {
				continue
			}
			if used[col] {
				t.Fatalf("hint %q maps column %q twice or to a found field's column", hint, col)
			}
			used[col] = true
			inHeader := false
			for _, h := range e.Header {
				inHeader = inHeader || h == col
			}
			if !inHeader {
				t.Fatalf("hint %q names %q, not in the header %q", hint, col, header)
			}
		}
		e.Server = false
		if e.MapHint() != "" {
			t.Fatal("a store file got a --map hint")
		}
	})
}
