// Package chart draws the reports' charts as inline SVG on the server: bars
// by day or by key, bars stacked by series, and a line by day. A chart is
// an image with a title and a description (role="img", aria-labelledby);
// every bar carries its value in data-value and in a <title> tooltip, and
// the page shows the same figures as a table beside it, which is what
// screen readers and printouts rely on. Colours come from CSS classes
// (reports.css), so a print stylesheet and the realms' accents apply.
package chart

import (
	"fmt"
	"html"
	"html/template"
	"strconv"
	"strings"
)

// Point is one labelled value.
type Point struct {
	Label string
	Value int64
}

// Series is a named row of values, one per label of a stacked chart.
type Series struct {
	Name   string
	Values []int64
}

// Chart is what every kind draws: an id unique on the page (for the
// title's and description's ids), the title, a description in words, and
// how a value reads (nil: the integer).
type Chart struct {
	ID, Title, Desc string
	Format          func(int64) string
}

// The drawing area, in SVG units; the SVG scales to its container.
const (
	width   = 640
	height  = 220
	padL    = 44 // room for the axis' labels
	padR    = 8
	padT    = 12
	padB    = 34 // room for the labels along the bottom
	plotW   = width - padL - padR
	plotH   = height - padT - padB
	barGap  = 0.2 // of each band, between bars
	maxTick = 4
	maxBar  = 64
)

func (c Chart) format(v int64) string {
	if c.Format != nil {
		return c.Format(v)
	}
	return strconv.FormatInt(v, 10)
}

// open starts the SVG with its accessible name and description.
func (c Chart) open(b *strings.Builder, kind string, h int) {
	id := html.EscapeString(c.ID)
	fmt.Fprintf(b, `<svg class="chart chart-%s" id="%s" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d" preserveAspectRatio="xMidYMid meet">`,
		kind, id, width, h, id, id)
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, html.EscapeString(c.Title), id, html.EscapeString(c.Desc))
}

// niceMax rounds the largest value up to 1, 2 or 5 times a power of ten,
// so the axis' ticks are round numbers.
func niceMax(v int64) int64 {
	if v <= 0 {
		return 1
	}
	p := int64(1)
	for p*10 <= v {
		p *= 10
	}
	for _, m := range []int64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// axis draws the horizontal grid lines with their values.
func (c Chart) axis(b *strings.Builder, top int64) {
	n := int64(1)
	for _, k := range []int64{maxTick, 5, 2} {
		if top%k == 0 {
			n = k
			break
		}
	}
	for i := int64(0); i <= n; i++ {
		v := top * i / n
		y := padT + plotH - float64(plotH)*float64(v)/float64(top)
		fmt.Fprintf(b, `<line class="grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, padL, width-padR, y, y)
		fmt.Fprintf(b, `<text class="tick" x="%d" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>`, padL-6, y, html.EscapeString(c.format(v)))
	}
}

// labels draws the labels along the bottom, every step-th so they never
// overlap (30 days show every fifth or so).
func labels(b *strings.Builder, ls []string, band float64) {
	step := 1
	for maxLen := 0; ; step++ {
		maxLen = 0
		for _, l := range ls {
			maxLen = max(maxLen, len([]rune(l)))
		}
		// About 7 units per character at the tick's size.
		if float64(step)*band >= float64(maxLen*7) || step >= len(ls) {
			break
		}
	}
	for i, l := range ls {
		if i%step != 0 {
			continue
		}
		x := padL + band*(float64(i)+0.5)
		fmt.Fprintf(b, `<text class="label" x="%.1f" y="%d" text-anchor="middle">%s</text>`, x, height-padB+16, html.EscapeString(l))
	}
}

// Bars draws one vertical bar per point.
func Bars(c Chart, pts []Point) template.HTML {
	vals := make([]int64, len(pts))
	ls := make([]string, len(pts))
	for i, p := range pts {
		vals[i], ls[i] = p.Value, p.Label
	}
	return Stacked(c, ls, []Series{{Name: c.Title, Values: vals}})
}

// Stacked draws one bar per label, each made of the series' values stacked
// in order (series i has class s-i, for its colour and the legend's).
func Stacked(c Chart, ls []string, series []Series) template.HTML {
	var b strings.Builder
	c.open(&b, "bars", height)
	var top int64
	for i := range ls {
		var sum int64
		for _, s := range series {
			if i < len(s.Values) {
				sum += s.Values[i]
			}
		}
		top = max(top, sum)
	}
	top = niceMax(top)
	c.axis(&b, top)
	band := float64(plotW) / float64(max(len(ls), 1))
	// A few bars stay bars, not slabs: at most maxBar wide, centred.
	w := min(band*(1-barGap), maxBar)
	for i, l := range ls {
		x := padL + band*float64(i) + (band-w)/2
		base := float64(padT + plotH)
		for k, s := range series {
			if i >= len(s.Values) || s.Values[i] == 0 {
				continue
			}
			v := s.Values[i]
			h := float64(plotH) * float64(v) / float64(top)
			base -= h
			name := l
			if len(series) > 1 {
				name = l + " · " + s.Name
			}
			fmt.Fprintf(&b, `<rect class="bar s-%d" x="%.1f" y="%.1f" width="%.1f" height="%.1f" data-label="%s" data-value="%d"><title>%s: %s</title></rect>`,
				k, x, base, w, h, html.EscapeString(l), v, html.EscapeString(name), html.EscapeString(c.format(v)))
		}
	}
	labels(&b, ls, band)
	b.WriteString(`</svg>`)
	if len(series) > 1 {
		b.WriteString(legend(series))
	}
	return template.HTML(b.String())
}

// legend names the series with their colours, as HTML under the chart.
func legend(series []Series) string {
	var b strings.Builder
	b.WriteString(`<ul class="chart-legend">`)
	for k, s := range series {
		fmt.Fprintf(&b, `<li><span class="swatch s-%d" aria-hidden="true"></span>%s</li>`, k, html.EscapeString(s.Name))
	}
	b.WriteString(`</ul>`)
	return b.String()
}

// HBars draws one horizontal bar per point, its label on the left and its
// value at its end: for keys with long names (categories, apps, Korean).
func HBars(c Chart, pts []Point) template.HTML {
	const row, labelW, valueW = 26, 180, 70
	h := padT + row*max(len(pts), 1) + 4
	var b strings.Builder
	c.open(&b, "hbars", h)
	var top int64
	for _, p := range pts {
		top = max(top, p.Value)
	}
	top = max(top, 1)
	span := float64(width - labelW - valueW)
	for i, p := range pts {
		y := padT + row*i
		w := span * float64(p.Value) / float64(top)
		fmt.Fprintf(&b, `<text class="label" x="%d" y="%d" text-anchor="end" dominant-baseline="middle">%s</text>`,
			labelW-8, y+row/2, html.EscapeString(p.Label))
		fmt.Fprintf(&b, `<rect class="bar s-0" x="%d" y="%d" width="%.1f" height="%d" data-label="%s" data-value="%d"><title>%s: %s</title></rect>`,
			labelW, y+4, w, row-8, html.EscapeString(p.Label), p.Value, html.EscapeString(p.Label), html.EscapeString(c.format(p.Value)))
		fmt.Fprintf(&b, `<text class="value" x="%.1f" y="%d" dominant-baseline="middle">%s</text>`,
			float64(labelW)+w+6, y+row/2, html.EscapeString(c.format(p.Value)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Line draws the values by label as a line with a dot per point.
func Line(c Chart, pts []Point) template.HTML {
	var b strings.Builder
	c.open(&b, "line", height)
	var top int64
	for _, p := range pts {
		top = max(top, p.Value)
	}
	top = niceMax(top)
	c.axis(&b, top)
	band := float64(plotW) / float64(max(len(pts), 1))
	xy := func(i int, v int64) (float64, float64) {
		return padL + band*(float64(i)+0.5), padT + plotH - float64(plotH)*float64(v)/float64(top)
	}
	var path strings.Builder
	for i, p := range pts {
		x, y := xy(i, p.Value)
		if i == 0 {
			fmt.Fprintf(&path, "M%.1f %.1f", x, y)
		} else {
			fmt.Fprintf(&path, " L%.1f %.1f", x, y)
		}
	}
	fmt.Fprintf(&b, `<path class="line s-0" d="%s"/>`, path.String())
	ls := make([]string, len(pts))
	for i, p := range pts {
		x, y := xy(i, p.Value)
		ls[i] = p.Label
		fmt.Fprintf(&b, `<circle class="dot s-0" cx="%.1f" cy="%.1f" r="3" data-label="%s" data-value="%d"><title>%s: %s</title></circle>`,
			x, y, html.EscapeString(p.Label), p.Value, html.EscapeString(p.Label), html.EscapeString(c.format(p.Value)))
	}
	labels(&b, ls, band)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
