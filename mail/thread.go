package mail

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// The desk's addresses and Message-IDs carry the inquiry they belong to, so
// that a customer's reply finds its way back:
//
//	reply address  SLUG+i<INQUIRY>@DOMAIN
//	Message-ID     <inquiry-<INQUIRY>.message-<MESSAGE>@DOMAIN>
//
// Neither is a secret: a reply joins the inquiry only when its sender is
// that inquiry's customer (SameCustomer), so guessing a number gains a
// stranger nothing but a new inquiry of their own.

// ReplyAddress is the address that brings a reply back to inquiry id.
func ReplyAddress(slug string, inquiryID int64, domain string) string {
	return fmt.Sprintf("%s+i%d@%s", slug, inquiryID, domain)
}

// Recipient splits an address on the desk's domain into the developer's
// slug and the inquiry its reply token names (0 when none). ok is false
// for an address on another domain or with no slug.
func Recipient(addr, domain string) (slug string, inquiryID int64, ok bool) {
	addr = strings.ToLower(strings.Trim(strings.TrimSpace(addr), "<>"))
	local, dom, found := strings.Cut(addr, "@")
	if !found || !strings.EqualFold(dom, domain) || local == "" {
		return "", 0, false
	}
	slug, tag, _ := strings.Cut(local, "+")
	if slug == "" {
		return "", 0, false
	}
	if n, err := strconv.ParseInt(strings.TrimPrefix(tag, "i"), 10, 64); err == nil && strings.HasPrefix(tag, "i") && n > 0 {
		inquiryID = n
	}
	return slug, inquiryID, true
}

// MessageID is the Message-ID (without brackets) of the desk's mail for a
// message of an inquiry.
func MessageID(inquiryID, messageID int64, domain string) string {
	return fmt.Sprintf("inquiry-%d.message-%d@%s", inquiryID, messageID, domain)
}

// inquiryOfMessageID reads the inquiry out of one of the desk's own
// Message-IDs: on its mail domain, or "vocdesk" (the mail it sent before it
// had one).
func inquiryOfMessageID(id, domain string) int64 {
	local, dom, ok := strings.Cut(strings.ToLower(id), "@")
	if !ok || (dom != strings.ToLower(domain) && dom != "vocdesk") || !strings.HasPrefix(local, "inquiry-") {
		return 0
	}
	num := strings.TrimPrefix(local, "inquiry-")
	if i := strings.IndexByte(num, '.'); i >= 0 {
		num = num[:i]
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// ThreadRefs lists what a message names, in the order threading tries
// them: the reply address's inquiry, then the inquiries of the desk's
// Message-IDs in In-Reply-To and References (newest reference first); and
// every referenced Message-ID, for the store to look up in the mail log.
func ThreadRefs(m *Message, tokenInquiry int64, domain string) (inquiries []int64, refs []string) {
	seen := map[int64]bool{}
	add := func(id int64) {
		if id > 0 && !seen[id] {
			seen[id] = true
			inquiries = append(inquiries, id)
		}
	}
	add(tokenInquiry)
	refs = append(refs, m.InReplyTo...)
	for i := len(m.References) - 1; i >= 0; i-- {
		refs = append(refs, m.References[i])
	}
	for _, r := range refs {
		add(inquiryOfMessageID(r, domain))
	}
	return inquiries, refs
}

// SameCustomer is the rule that keeps strangers out of other people's
// threads: the sender must be the inquiry's store customer, or write from
// the address the inquiry corresponds with.
func SameCustomer(senderEmail string, senderCustomer int64, c vocdesk.ThreadCandidate) bool {
	if c.CustomerID != 0 && senderCustomer == c.CustomerID {
		return true
	}
	return c.ContactEmail != "" && strings.EqualFold(strings.TrimSpace(c.ContactEmail), senderEmail)
}

// ChooseThread returns the first candidate (they come in the order of
// ThreadRefs) of this developer whose customer is the sender, 0 when none.
func ChooseThread(senderEmail string, f *vocdesk.MailFacts) int64 {
	for _, c := range f.Candidates {
		if c.DeveloperID == f.DeveloperID && SameCustomer(senderEmail, f.CustomerID, c) {
			return c.InquiryID
		}
	}
	return 0
}

// FindTxID returns the first of txids written in text as a word of its own
// (case-insensitive): "TX-1001" in "about TX-1001." but not in "TX-10012".
func FindTxID(text string, txids []string) string { return findTxIDLower(strings.ToLower(text), txids) }

// findTxIDLower is FindTxID in text already lower-cased.
func findTxIDLower(lower string, txids []string) string {
	best, bestAt := "", -1
	for _, id := range txids {
		if len(id) < 4 {
			continue // too short to be told from ordinary words and numbers
		}
		l := strings.ToLower(id)
		for from := 0; ; {
			i := strings.Index(lower[from:], l)
			if i < 0 {
				break
			}
			i += from
			if boundary(lower, i-1) && boundary(lower, i+len(l)) {
				if bestAt < 0 || i < bestAt {
					best, bestAt = id, i
				}
				break
			}
			from = i + 1
		}
	}
	return best
}

// boundary reports whether text[i] does not continue an identifier.
func boundary(text string, i int) bool {
	if i < 0 || i >= len(text) {
		return true
	}
	c := text[i]
	return !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')
}

// ChooseApp picks the app of a new email inquiry: the quoted purchase's,
// else an app named in the subject or text (its slug, or its name), else
// the app of the sender's latest purchase from the developer, else the
// developer's first app. 0 when the developer has no app.
func ChooseApp(f *vocdesk.MailFacts, txid, subject, text string) int64 {
	return chooseApp(f, txid, strings.ToLower(subject+"\n"+text))
}

// chooseApp is ChooseApp with the subject and text lower-cased as hay.
func chooseApp(f *vocdesk.MailFacts, txid, hay string) int64 {
	for _, p := range f.Purchases {
		if txid != "" && p.TxID == txid {
			return p.AppID
		}
	}
	for _, a := range f.Apps {
		if (len(a.Slug) >= 3 && findTxIDLower(hay, []string{a.Slug}) != "") || (len([]rune(a.Name)) >= 2 && strings.Contains(hay, strings.ToLower(a.Name))) {
			return a.ID
		}
	}
	if len(f.Purchases) > 0 {
		return f.Purchases[0].AppID
	}
	if len(f.Apps) > 0 {
		return f.Apps[0].ID
	}
	return 0
}
