// Package desk holds the desk's pure logic that needs no storage: filling
// canned replies' placeholders for an inquiry.
package desk

import (
	"slices"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// Placeholders a canned reply may use, in the order the editor lists them.
var Placeholders = []string{
	"customer.name", "customer.email",
	"purchase.txid", "purchase.tid", "purchase.amount", "purchase.item", "purchase.paid_at",
	"app.name", "agent.name", "inquiry.id", "inquiry.subject",
}

// Render fills the placeholders of body ({{name}}, spaces inside the braces
// allowed) with vars. It is plain text substitution, never template
// execution: a body is written by people and may hold anything, and a value
// (a customer's name) is inserted as it is, never rendered again, so neither
// can call code or expand into other placeholders. An unknown or empty
// placeholder stays as written, so the agent sees what is missing before
// sending. Escaping is the page's business: the result is plain text.
func Render(body string, vars map[string]string) string {
	var b strings.Builder
	b.Grow(len(body))
	scan(body, func(text string) { b.WriteString(text) }, func(name, written string) {
		if v, ok := vars[name]; ok && v != "" {
			b.WriteString(v)
		} else {
			b.WriteString(written)
		}
	})
	return b.String()
}

// Unknown lists the placeholders of body that are not in Placeholders, each
// once, as written between the braces (trimmed), in the order they appear.
// A canned reply holding one is refused on save: Render would leave it as
// written, and the customer would read "{{bogus.field}}".
func Unknown(body string) []string {
	var out []string
	seen := map[string]bool{}
	scan(body, func(string) {}, func(name, _ string) {
		if !slices.Contains(Placeholders, name) && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	})
	return out
}

// Unfilled lists the known placeholders of body that vars leaves empty
// (a general inquiry has no purchase, an email sender may have no name),
// each once, in the order they appear: Render would leave them as written.
// A reply sent without an agent reading it first (a macro's, a rule's)
// must not go out with "{{purchase.item}}" in it.
func Unfilled(body string, vars map[string]string) []string {
	var out []string
	scan(body, func(string) {}, func(name, _ string) {
		if slices.Contains(Placeholders, name) && vars[name] == "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	})
	return out
}

// CheckPlaceholders answers an EINVALID error naming the first unknown
// placeholder of body, or nil when every placeholder is known.
func CheckPlaceholders(body string) error {
	bad := Unknown(body)
	if len(bad) == 0 {
		return nil
	}
	return vocdesk.Errorf(vocdesk.EINVALID, "unknown placeholder {{%s}}; the placeholders are {{%s}}",
		bad[0], strings.Join(Placeholders, "}}, {{"))
}

// scan walks body, handing plain text to text and each placeholder to
// placeholder (its trimmed name and the text as written, braces included).
// Render and Unknown share it, so that what is refused on save is exactly
// what would be left unfilled on sending.
func scan(body string, text func(string), placeholder func(name, written string)) {
	for {
		open := strings.Index(body, "{{")
		if open < 0 {
			text(body)
			return
		}
		closing := strings.Index(body[open+2:], "}}")
		if closing < 0 {
			text(body)
			return
		}
		closing += open + 2
		name := strings.TrimSpace(body[open+2 : closing])
		// "{{{{x}}" holds "{{" inside the name: the inner pair is the
		// placeholder, so start again just after this opening pair.
		if strings.Contains(name, "{{") {
			text(body[:open+2])
			body = body[open+2:]
			continue
		}
		text(body[:open])
		placeholder(name, body[open:closing+2])
		body = body[closing+2:]
	}
}

// Vars returns the placeholders' values for an inquiry: its customer (nil
// when unmatched), its purchase (nil for a general inquiry), and the agent
// who answers. Contacts are taken as the caller has them, masked or not.
func Vars(in *vocdesk.Inquiry, p *vocdesk.Purchase, agentName string) map[string]string {
	v := map[string]string{
		"customer.name":   in.CustomerName,
		"customer.email":  in.ContactEmail,
		"app.name":        in.AppName,
		"agent.name":      agentName,
		"inquiry.subject": in.Subject,
	}
	if in.ID != 0 {
		v["inquiry.id"] = itoa(in.ID)
	}
	if p != nil {
		v["purchase.txid"] = p.TxID
		v["purchase.tid"] = p.TID
		v["purchase.amount"] = p.Money().String()
		v["purchase.item"] = p.ItemName
		v["purchase.paid_at"] = p.PaidAt.In(vocdesk.Seoul).Format("2006-01-02 15:04")
		if v["app.name"] == "" {
			v["app.name"] = p.AppName
		}
	} else if in.TxID != "" {
		v["purchase.txid"] = in.TxID
	}
	return v
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	neg := n < 0
	u := uint64(n)
	if neg {
		u = uint64(-n)
	}
	for u > 0 {
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}
