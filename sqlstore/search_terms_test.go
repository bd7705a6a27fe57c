package sqlstore

import (
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
)

func TestIndexTerms(t *testing.T) {
	var got []string
	indexTerms("환불요청 Refund-TX0001, 젬!", func(s string) { got = append(got, s) })
	want := "환불 불요 요청 청 refund tx0001 젬"
	if strings.Join(got, " ") != want {
		t.Fatalf("terms %q, want %q", strings.Join(got, " "), want)
	}
	units := parseQuery("환불 R 불요청 젬")
	if len(units) != 4 || !units[1].prefix || units[0].prefix || strings.Join(units[2].terms, " ") != "불요 요청" || !units[3].prefix {
		t.Fatalf("units %+v", units)
	}
	if q := ftsQuery(units[:2], keepTerm, "_d7", true); q != `"_d7" AND terms : ("환불" AND "r"*)` {
		t.Fatalf("fts query %s", q)
	}
	// A prefix looked up in the dictionary is asked for as exact terms.
	looked := parseQuery("환불 ref 젬")
	looked[1].exact, looked[2].exact = []string{"refund", "refunds"}, []string{"젬"}
	if q := ftsQuery(looked, keepTerm, "_d7", false); q != `"_d7" AND "환불" AND ("refund" OR "refunds") AND "젬"` {
		t.Fatalf("fts query %s", q)
	}
	// In the developers' table every term is the developer's, and the
	// query needs no tenancy term.
	if q := ftsQuery(looked, scopeTerm(7), "", false); q != `"7_환불" AND ("7_refund" OR "7_refunds") AND "7_젬"` {
		t.Fatalf("developer fts query %s", q)
	}
	if q := ftsQuery(parseQuery("불요청 r"), scopeTerm(7), "", false); q != `"7_불요 7_요청" AND "7_r"*` {
		t.Fatalf("developer fts query %s", q)
	}
	if q := tsQuery(units[:3], "_c3", true); q != `'_c3' & ('환불') & ('r':*) & ('불요' & '요청')` {
		t.Fatalf("tsquery %s", q)
	}
	if q := tsQuery(units[1:2], "_d7", false); q != `'_d7' & (('r':*) | ('_nr':*))` {
		t.Fatalf("tsquery %s", q)
	}
	doc := searchDoc{developerID: 7, customerID: 3, public: []string{"환불 환불"}, notes: []string{"메모"}}
	if v := doc.tsvector(); v != `'_d7' '_c3' '환불' '불' '_n메모' '_n모'` {
		t.Fatalf("tsvector %s", v)
	}
	if d := strings.Join(doc.distinctTerms(), " "); d != "환불 불 메모 모" {
		t.Fatalf("distinct terms %q", d)
	}
	terms, notes := doc.ftsColumns()
	if terms != "_d7 _c3 환불 불 환불 불" || notes != "메모 모" {
		t.Fatalf("fts columns %q %q", terms, notes)
	}
	terms, notes = doc.developerFTSColumns()
	if terms != "7_환불 7_불 7_환불 7_불" || notes != "7_메모 7_모" {
		t.Fatalf("developer fts columns %q %q", terms, notes)
	}
}

func TestSnippet(t *testing.T) {
	s, ok := snippet("안녕하세요 환불요청 드립니다", parseQuery("환불"))
	if !ok || s != "안녕하세요 "+vocdesk.HighlightStart+"환불"+vocdesk.HighlightEnd+"요청 드립니다" {
		t.Fatalf("snippet %q", s)
	}
	long := strings.Repeat("가", 100) + " Refund " + strings.Repeat("나", 100)
	s, ok = snippet(long, parseQuery("refund"))
	if !ok || !strings.HasPrefix(s, "…") || !strings.HasSuffix(s, "…") || !strings.Contains(s, "\x02Refund\x03") {
		t.Fatalf("snippet %q", s)
	}
	if _, ok := snippet("nothing here", parseQuery("환불")); ok {
		t.Fatal("matched nothing")
	}
	// Markers in stored text cannot forge highlights.
	s, _ = snippet("a\x02b\x03 refund", parseQuery("refund"))
	if strings.Count(s, "\x02") != 1 {
		t.Fatalf("snippet %q", s)
	}
}
