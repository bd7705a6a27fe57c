package chart

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// elements parses svg (well-formed XML) and returns its elements by name,
// with their attributes.
func elements(t *testing.T, svg string) map[string][]map[string]string {
	t.Helper()
	out := map[string][]map[string]string{}
	d := xml.NewDecoder(strings.NewReader("<root>" + svg + "</root>"))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok {
			attrs := map[string]string{}
			for _, a := range se.Attr {
				attrs[a.Name.Local] = a.Value
			}
			out[se.Name.Local] = append(out[se.Name.Local], attrs)
		}
	}
}

func TestBars(t *testing.T) {
	svg := string(Bars(Chart{ID: "d", Title: "일별 문의", Desc: "Inquiries <by> day"}, []Point{{"03-02", 1}, {"03-03", 2}, {"03-04", 0}}))
	el := elements(t, svg)
	if len(el["svg"]) != 1 || el["svg"][0]["role"] != "img" || el["svg"][0]["aria-labelledby"] != "d-t d-d" {
		t.Fatalf("svg = %v", el["svg"])
	}
	if !strings.Contains(svg, "<title id=\"d-t\">일별 문의</title>") || !strings.Contains(svg, "Inquiries &lt;by&gt; day") {
		t.Fatalf("title or desc missing or unescaped:\n%s", svg)
	}
	// A zero draws no bar; the others are in proportion (top 2: the second
	// is twice the first).
	rects := el["rect"]
	if len(rects) != 2 || rects[0]["data-value"] != "1" || rects[1]["data-value"] != "2" {
		t.Fatalf("rects = %v", rects)
	}
	if rects[0]["height"] == rects[1]["height"] {
		t.Fatalf("bars of 1 and 2 have the same height: %v", rects)
	}
}

func TestStackedHBarsLine(t *testing.T) {
	svg := string(Stacked(Chart{ID: "s", Title: "t"}, []string{"a", "b"}, []Series{{"x", []int64{1, 2}}, {"y", []int64{3, 0}}}))
	if n := len(elements(t, svg)["rect"]); n != 3 {
		t.Fatalf("stacked rects = %d", n)
	}
	if !strings.Contains(svg, `class="chart-legend"`) {
		t.Fatal("no legend")
	}
	svg = string(HBars(Chart{ID: "h", Title: "t", Format: func(v int64) string { return "₩" + string(rune('0'+v)) }}, []Point{{"<script>", 3}, {"b", 1}}))
	el := elements(t, svg)
	if len(el["rect"]) != 2 || strings.Contains(svg, "<script>") || !strings.Contains(svg, "₩3") {
		t.Fatalf("hbars:\n%s", svg)
	}
	svg = string(Line(Chart{ID: "l", Title: "t"}, []Point{{"a", 0}, {"b", 5}, {"c", 2}}))
	el = elements(t, svg)
	if len(el["circle"]) != 3 || len(el["path"]) != 1 {
		t.Fatalf("line:\n%s", svg)
	}
	// No data still draws a valid, empty chart.
	elements(t, string(Bars(Chart{ID: "e", Title: "t"}, nil)))
	elements(t, string(Line(Chart{ID: "e", Title: "t"}, nil)))
}

func TestNiceMax(t *testing.T) {
	for _, c := range [][2]int64{{0, 1}, {1, 1}, {3, 5}, {7, 10}, {11, 20}, {45, 50}, {51, 100}, {1200, 2000}} {
		if got := niceMax(c[0]); got != c[1] {
			t.Errorf("niceMax(%d) = %d, want %d", c[0], got, c[1])
		}
	}
}
