package ui

import (
	"html/template"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
)

// Formatting of the desk's words for templates. They are methods of page so
// that a partial rendered with .Sub can use them too.

// Category, InqStatus and Channel name an inquiry's category, workflow
// status and channel in the page's language.
func (p *page) Category(c vocdesk.Category) string       { return p.T("category." + string(c)) }
func (p *page) InqStatus(s vocdesk.InquiryStatus) string { return p.T("inq.status." + string(s)) }
func (p *page) Channel(c vocdesk.Channel) string         { return p.T("channel." + string(c)) }

// Categories, InquiryStatuses and Channels are the choices of forms.
func (p *page) Categories() []vocdesk.Category           { return vocdesk.Categories() }
func (p *page) InquiryStatuses() []vocdesk.InquiryStatus { return vocdesk.InquiryStatuses() }
func (p *page) Channels() []vocdesk.Channel {
	return []vocdesk.Channel{vocdesk.ChannelStore, vocdesk.ChannelEmail, vocdesk.ChannelPhone, vocdesk.ChannelSocial, vocdesk.ChannelAPI}
}

// Highlight renders a search snippet: the text is escaped first, then the
// parts between vocdesk.HighlightStart and HighlightEnd are wrapped in
// <mark>. The snippet is stored text (a customer's words), so nothing of it
// is ever taken as markup; only the marks we add are.
func (p *page) Highlight(snippet string) template.HTML {
	var b strings.Builder
	open := false
	for snippet != "" {
		i := strings.IndexAny(snippet, vocdesk.HighlightStart+vocdesk.HighlightEnd)
		if i < 0 {
			b.WriteString(template.HTMLEscapeString(snippet))
			break
		}
		b.WriteString(template.HTMLEscapeString(snippet[:i]))
		switch snippet[i : i+1] {
		case vocdesk.HighlightStart:
			if !open {
				b.WriteString("<mark>")
				open = true
			}
		case vocdesk.HighlightEnd:
			if open {
				b.WriteString("</mark>")
				open = false
			}
		}
		snippet = snippet[i+1:]
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String())
}

// slaView is an inquiry's SLA timer as a row shows it.
type slaView struct {
	State string // one of vocdesk.SLA*
	Label string // "2h 10m left", "overdue 1d 3h"
	Due   time.Time
}

// SLA describes the inquiry's timer at this moment.
func (p *page) SLA(in *vocdesk.Inquiry) slaView {
	now := time.Now()
	v := slaView{State: in.SLAState(now)}
	if in.DueAt == nil {
		return v
	}
	v.Due = *in.DueAt
	if d := in.DueAt.Sub(now); d >= 0 {
		v.Label = p.T("sla.left", p.Span(d))
	} else {
		v.Label = p.T("sla.overdue", p.Span(-d))
	}
	return v
}

// Span is a short duration for people: "3d 4h", "2h 5m", "12m".
func (p *page) Span(d time.Duration) string {
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return p.T("span.dh", days, hours)
	case hours > 0:
		return p.T("span.hm", hours, mins)
	}
	return p.T("span.m", mins)
}

// Ago says how long ago t was, for "waiting 3h" and thread times.
func (p *page) Ago(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return p.Span(time.Since(t))
}

// Mask shows a contact as the signed-in actor may see it.
func (p *page) Mask(kind, s string) string {
	if s == "" || p.Actor.SeesContacts() || p.Actor.IsCustomer() || strings.Contains(s, "***") {
		return s
	}
	if kind == "phone" {
		return vocdesk.MaskPhone(s)
	}
	return vocdesk.MaskEmail(s)
}

// KB renders a size in kilobytes or megabytes.
func (p *page) KB(n int64) string {
	if n >= 1<<20 {
		return p.T("size.mb", float64(n)/(1<<20))
	}
	return p.T("size.kb", (n+1023)/1024)
}

// CanAnswer, CanAdmin tell a template what the signed-in member may do.
func (p *page) CanAnswer() bool {
	return p.Actor.IsDeveloper() && p.Actor.Role.AtLeast(vocdesk.RoleAgent)
}
func (p *page) CanAdmin() bool {
	return p.Actor.IsDeveloper() && p.Actor.Role.AtLeast(vocdesk.RoleAdmin)
}

// Stars draws a rating out of five.
func (p *page) Stars(n int) string {
	n = max(0, min(5, n))
	return strings.Repeat("★", n) + strings.Repeat("☆", 5-n)
}
