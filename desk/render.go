// Package desk holds the desk's pure logic that needs no storage: filling
// canned replies' placeholders for an inquiry.
package desk

import (
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
	for {
		open := strings.Index(body, "{{")
		if open < 0 {
			b.WriteString(body)
			return b.String()
		}
		closing := strings.Index(body[open+2:], "}}")
		if closing < 0 {
			b.WriteString(body)
			return b.String()
		}
		closing += open + 2
		name := strings.TrimSpace(body[open+2 : closing])
		// "{{{{x}}" holds "{{" inside the name: the inner pair is the
		// placeholder, so start again just after this opening pair.
		if strings.Contains(name, "{{") {
			b.WriteString(body[:open+2])
			body = body[open+2:]
			continue
		}
		b.WriteString(body[:open])
		if v, ok := vars[name]; ok && v != "" {
			b.WriteString(v)
		} else {
			b.WriteString(body[open : closing+2])
		}
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
