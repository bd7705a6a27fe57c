package sqlstore

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
)

func TestRowDecoder(t *testing.T) {
	// SQLite's json_array and PostgreSQL's json_build_array (", ").
	for _, in := range []string{
		`[42,"환불 \"요청\"",null,1,-7,"",["a","b\u00e9"],1712345678901234]`,
		`[42, "환불 \"요청\"", null, true, -7, "", ["a", "bé"], 1712345678901234]`,
	} {
		d := newRowDecoder(in)
		n, s, null, flag, neg, empty, tags, big := d.num(), d.text(), d.nullNum(), d.flag(), d.num(), d.text(), d.texts(), d.num()
		if err := d.end(); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if n != 42 || s != `환불 "요청"` || null.Valid || !flag || neg != -7 || empty != "" || !slices.Equal(tags, []string{"a", "bé"}) || big != 1712345678901234 {
			t.Fatalf("%s: read %v %q %v %v %v %q %q %v", in, n, s, null, flag, neg, empty, tags, big)
		}
	}
	d := newRowDecoder(`[[], false, 0, "\ud83d\ude00"]`)
	if tags, f1, f2, s := d.texts(), d.flag(), d.flag(), d.text(); tags != nil || f1 || f2 || s != "😀" || d.end() != nil {
		t.Fatalf("read %q %v %v %q, %v", tags, f1, f2, s, d.end())
	}

	// Each malformed row is an error, never a panic or a made-up value.
	for in, read := range map[string]func(d *rowDecoder){
		``:                       func(d *rowDecoder) { d.num() },
		`{}`:                     func(d *rowDecoder) { d.num() },
		`[1`:                     func(d *rowDecoder) { d.num() },
		`[1 2]`:                  func(d *rowDecoder) { d.num(); d.num() },
		`[1.5]`:                  func(d *rowDecoder) { d.num() },
		`[1e3]`:                  func(d *rowDecoder) { d.num() },
		`[-]`:                    func(d *rowDecoder) { d.num() },
		`[99999999999999999999]`: func(d *rowDecoder) { d.num() },
		`["a]`:                   func(d *rowDecoder) { d.text() },
		`["a\`:                   func(d *rowDecoder) { d.text() },
		`["\x"]`:                 func(d *rowDecoder) { d.text() },
		`[1]`:                    func(d *rowDecoder) { d.text() },
		`["a"]`:                  func(d *rowDecoder) { d.num() },
		`[["a" "b"]]`:            func(d *rowDecoder) { d.texts() },
		`[["a",]]`:               func(d *rowDecoder) { d.texts() },
		`[1] x`:                  func(d *rowDecoder) { d.num() },
		`[1, 2]`:                 func(d *rowDecoder) { d.num() },
		`[]`:                     func(d *rowDecoder) { d.num() },
		`[nul]`:                  func(d *rowDecoder) { d.nullNum() },
	} {
		d := newRowDecoder(in)
		read(d)
		if err := d.end(); !errors.Is(err, errBadRow) {
			t.Errorf("%q: error %v, want a malformed row", in, err)
		}
	}
}

// FuzzRowDecoder: any bytes are read without a panic, and a row that
// encoding/json writes is read back as written.
func FuzzRowDecoder(f *testing.F) {
	f.Add([]byte(`[1,"a",null,["x"]]`), "환불\n\"x\"", int64(-3))
	f.Add([]byte(`[`), "\u2028\\", int64(1<<62))
	f.Fuzz(func(t *testing.T, raw []byte, s string, n int64) {
		d := newRowDecoder(string(raw))
		d.num()
		d.text()
		d.nullNum()
		d.flag()
		d.texts()
		d.end()

		row, err := json.Marshal([]any{n, s, nil, true, []string{s, "t"}})
		if err != nil {
			t.Skip()
		}
		// encoding/json writes invalid UTF-8 as U+FFFD: want is s as written.
		var want string
		quoted, _ := json.Marshal(s)
		if err := json.Unmarshal(quoted, &want); err != nil {
			t.Fatal(err)
		}
		d = newRowDecoder(string(row))
		gn, gs, gnull, gflag, gtags := d.num(), d.text(), d.nullNum(), d.flag(), d.texts()
		if err := d.end(); err != nil {
			t.Fatalf("%s: %v", row, err)
		}
		if gn != n || gs != want || gnull.Valid || !gflag || !slices.Equal(gtags, []string{want, "t"}) {
			t.Fatalf("%s: read %v %q %v %v %q", row, gn, gs, gnull, gflag, gtags)
		}
	})
}

// PostgreSQL's rows are read column by column through the same interface:
// a value of the wrong kind, or a count that does not match, is an error.
func TestColumnReader(t *testing.T) {
	c := newColumnReader([]any{int64(7), "s", nil, true, `["a","b"]`, []byte("raw"), int64(3)})
	n, s, null, flag, tags, raw, some := c.num(), c.text(), c.nullNum(), c.flag(), c.texts(), c.text(), c.nullNum()
	if err := c.end(); err != nil || n != 7 || s != "s" || null.Valid || !flag || !slices.Equal(tags, []string{"a", "b"}) || raw != "raw" || some.Int64 != 3 {
		t.Fatalf("read %v %q %v %v %q %q %v, %v", n, s, null, flag, tags, raw, some, err)
	}
	for name, read := range map[string]func(c *columnReader){
		"text as number": func(c *columnReader) { c.num() },
		"number as text": func(c *columnReader) { c.text(); c.text() },
		"too few read":   func(c *columnReader) {},
		"too many read":  func(c *columnReader) { c.text(); c.num(); c.num() },
		"bad tags":       func(c *columnReader) { c.texts() },
	} {
		c := newColumnReader([]any{"x", int64(1)})
		read(c)
		if err := c.end(); !errors.Is(err, errBadRow) {
			t.Errorf("%s: %v, want a malformed row", name, err)
		}
	}
}
