package mail

import (
	"strings"

	"golang.org/x/net/html"
)

// HTMLToText turns an HTML mail body into plain text for the thread: the
// words and line breaks a reader sees, link targets in brackets, and nothing
// that could run or load (scripts, styles, images' sources). The result is
// text, and pages escape it like any other message.
func HTMLToText(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	skip := 0 // depth inside script, style, head, title
	var href []string
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return tidy(b.String())
		case html.TextToken:
			if skip == 0 {
				b.WriteString(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			end := tt == html.EndTagToken
			switch tag {
			case "script", "style", "head", "title", "template", "noscript":
				if tt == html.StartTagToken {
					skip++
				} else if end && skip > 0 {
					skip--
				}
				continue
			}
			if skip > 0 {
				continue
			}
			switch tag {
			case "br":
				b.WriteString("\n")
			case "p", "div", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "hr":
				b.WriteString("\n\n")
			case "li":
				if !end {
					b.WriteString("\n- ")
				}
			case "td", "th":
				if end {
					b.WriteString("\t")
				}
			case "img":
				if alt := attr(z, hasAttr, "alt"); alt != "" {
					b.WriteString("[" + alt + "]")
				}
			case "a":
				if !end {
					href = append(href, linkTarget(attr(z, hasAttr, "href")))
				} else if n := len(href); n > 0 {
					if t := href[n-1]; t != "" {
						b.WriteString(" <" + t + ">")
					}
					href = href[:n-1]
				}
			}
		}
	}
}

// attr returns the value of attribute key of the current tag.
func attr(z *html.Tokenizer, more bool, key string) string {
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		if string(k) == key {
			return strings.TrimSpace(string(v))
		}
	}
	return ""
}

// linkTarget keeps web and mail links only: a javascript: or data: URL is
// dropped, not shown.
func linkTarget(h string) string {
	l := strings.ToLower(h)
	if strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "mailto:") {
		return h
	}
	return ""
}

// tidy collapses runs of spaces within lines and of blank lines, as a
// browser collapses HTML's white space.
func tidy(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r", ""), "\n")
	var out []string
	blank := 0
	for _, l := range lines {
		l = strings.Join(strings.Fields(strings.ReplaceAll(l, "\u00a0", " ")), " ")
		if l == "" {
			blank++
			if blank > 1 || len(out) == 0 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
