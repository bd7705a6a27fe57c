package sqlstore

import (
	"encoding/binary"
	"errors"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

func pgField(oid uint32, format int16) pgconn.FieldDescription {
	return pgconn.FieldDescription{DataTypeOID: oid, Format: format}
}

func be(n uint64, size int) []byte {
	b := binary.BigEndian.AppendUint64(nil, n)
	return b[8-size:]
}

// PostgreSQL's wire values are read through the same interface as the
// other engines' rows: binary integers of each width, booleans, text,
// NULL, and the text format; a value of the wrong kind or size, or a count
// that does not match, is a malformed row.
func TestPgRowReader(t *testing.T) {
	bin, txt := int16(pgtype.BinaryFormatCode), int16(pgtype.TextFormatCode)
	r := &pgRowReader{
		fields: []pgconn.FieldDescription{
			pgField(pgtype.Int8OID, bin), pgField(pgtype.Int4OID, bin), pgField(pgtype.Int2OID, bin),
			pgField(pgtype.TextOID, bin), pgField(pgtype.Int8OID, bin), pgField(pgtype.BoolOID, bin),
			pgField(pgtype.TextOID, bin), pgField(pgtype.Int8OID, txt), pgField(pgtype.BoolOID, txt),
			pgField(pgtype.VarcharOID, bin), pgField(pgtype.Int4OID, bin),
		},
	}
	r.reset([][]byte{
		be(uint64(1)<<40, 8), be(uint64(0xFFFFFFFE), 4), be(7, 2),
		[]byte("환불"), nil, {1},
		[]byte(`["a","b"]`), []byte("-12"), []byte("t"),
		{}, be(3, 4),
	})
	big, neg, small, s, null, flag, tags, fromText, flagText, empty, some :=
		r.num(), r.num(), r.num(), r.text(), r.nullNum(), r.flag(), r.texts(), r.num(), r.flag(), r.text(), r.nullNum()
	if err := r.end(); err != nil || big != 1<<40 || neg != -2 || small != 7 || s != "환불" || null.Valid || !flag ||
		!slices.Equal(tags, []string{"a", "b"}) || fromText != -12 || !flagText || empty != "" || !some.Valid || some.Int64 != 3 {
		t.Fatalf("read %v %v %v %q %v %v %q %v %v %q %v, %v", big, neg, small, s, null, flag, tags, fromText, flagText, empty, some, err)
	}

	for name, c := range map[string]struct {
		field pgconn.FieldDescription
		val   []byte
		read  func(r *pgRowReader)
	}{
		"null as number":    {pgField(pgtype.Int8OID, bin), nil, func(r *pgRowReader) { r.num() }},
		"short int8":        {pgField(pgtype.Int8OID, bin), be(1, 4), func(r *pgRowReader) { r.num() }},
		"text as number":    {pgField(pgtype.TextOID, bin), []byte("12"), func(r *pgRowReader) { r.num() }},
		"bad text number":   {pgField(pgtype.Int8OID, txt), []byte("1x"), func(r *pgRowReader) { r.nullNum() }},
		"number as text":    {pgField(pgtype.Int8OID, bin), be(1, 8), func(r *pgRowReader) { r.text() }},
		"null as text":      {pgField(pgtype.TextOID, bin), nil, func(r *pgRowReader) { r.text() }},
		"number as boolean": {pgField(pgtype.Int2OID, bin), be(1, 2), func(r *pgRowReader) { r.flag() }},
		"bad tags":          {pgField(pgtype.TextOID, bin), []byte(`{"a":1}`), func(r *pgRowReader) { r.texts() }},
		"too few read":      {pgField(pgtype.TextOID, bin), []byte("x"), func(r *pgRowReader) {}},
		"too many read":     {pgField(pgtype.TextOID, bin), []byte("x"), func(r *pgRowReader) { r.text(); r.text() }},
	} {
		r := &pgRowReader{fields: []pgconn.FieldDescription{c.field}}
		r.reset([][]byte{c.val})
		c.read(r)
		if err := r.end(); !errors.Is(err, errBadRow) {
			t.Errorf("%s: %v, want a malformed row", name, err)
		}
	}
}

// FuzzPgRowReader: any bytes under any of the types read are read without
// a panic, and a failed read is a malformed row.
func FuzzPgRowReader(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 1}, uint8(0), false)
	f.Add([]byte(`["x"]`), uint8(3), true)
	f.Add([]byte("t"), uint8(5), true)
	oids := []uint32{pgtype.Int8OID, pgtype.Int4OID, pgtype.Int2OID, pgtype.TextOID, pgtype.VarcharOID, pgtype.BoolOID, pgtype.JSONOID}
	f.Fuzz(func(t *testing.T, val []byte, kind uint8, text bool) {
		format := int16(pgtype.BinaryFormatCode)
		if text {
			format = pgtype.TextFormatCode
		}
		field := pgField(oids[int(kind)%len(oids)], format)
		for read := range 5 {
			r := &pgRowReader{fields: []pgconn.FieldDescription{field}}
			r.reset([][]byte{val})
			switch read {
			case 0:
				r.num()
			case 1:
				r.nullNum()
			case 2:
				r.text()
			case 3:
				r.flag()
			case 4:
				r.texts()
			}
			if err := r.end(); err != nil && !errors.Is(err, errBadRow) {
				t.Fatalf("read %d: %v", read, err)
			}
		}
	})
}
