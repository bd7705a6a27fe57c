package mail

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// Envelope is what the SMTP session knows of one delivery: the reverse path
// (MAIL FROM, "" for the null sender of bounces and auto-replies) and the
// one recipient on the desk's domain this copy is for.
type Envelope struct {
	From      string
	Recipient string
	Domain    string
}

// The problems the intake's rules note, each a whole part of a decision's
// Problem (parts are joined with "; "). They are stored and shown by the
// API as written; pages show them in their own language (web/ui).
const (
	ProblemNoHeader   = "the message has no readable header"
	ProblemOwnMail    = "the desk's own mail came back"
	ProblemNullSender = "sent with the null reverse path (machine mail)"
	ProblemNoSender   = "the sender's address could not be read"
	ProblemNoText     = "no text or attachment could be read"
	ProblemNoApp      = "the developer has no app to file the inquiry under"
)

// Prepare reads raw for one recipient and returns what the store needs to
// look up, and the rules that decide on its facts. Nothing here fails: an
// unreadable message is still stored, as unparsed.
func Prepare(raw []byte, env Envelope) (*vocdesk.InboundMail, vocdesk.MailDecider) {
	slug, token, _ := Recipient(env.Recipient, env.Domain)
	in := &vocdesk.InboundMail{DeveloperSlug: slug, Recipient: strings.ToLower(env.Recipient), Raw: raw}
	m, err := Parse(raw)
	if err != nil {
		in.From = strings.ToLower(env.From)
		return in, func(*vocdesk.MailFacts) *vocdesk.MailDecision {
			return &vocdesk.MailDecision{Outcome: vocdesk.MailUnparsed, Problem: ProblemNoHeader}
		}
	}
	in.From, in.MessageID, in.Subject = m.From, m.MessageID, m.Subject
	if in.From == "" {
		in.From = strings.ToLower(env.From)
	}
	in.ThreadIDs, in.RefIDs = ThreadRefs(m, token, env.Domain)
	m.haystack()
	return in, func(f *vocdesk.MailFacts) *vocdesk.MailDecision { return Decide(m, in.From, env, f) }
}

// Decide applies the intake's rules, in order: a Message-ID seen before is
// a duplicate; machine mail (bounces, auto-replies, the desk's own and
// null-sender mail) never becomes an inquiry; a message with nothing
// to read is kept unparsed; a reply from the inquiry's own customer joins
// it; anything else starts an inquiry.
func Decide(m *Message, from string, env Envelope, f *vocdesk.MailFacts) *vocdesk.MailDecision {
	problem := strings.Join(m.Problems, "; ")
	d := &vocdesk.MailDecision{Problem: problem}
	switch {
	case f.Seen:
		// First, whatever the message is: a second copy of machine mail
		// (an autoresponder's, fetched again from a mailbox) is the same
		// message too, and the log holds each Message-ID once.
		d.Outcome, d.InquiryID = vocdesk.MailDuplicate, f.FirstCopy
		return d
	case m.Kind == KindBounce:
		d.Outcome = vocdesk.MailBounce
		return d
	case m.Kind == KindAutoReply:
		d.Outcome = vocdesk.MailAutoReply
		return d
	case isOwn(m, env.Domain):
		d.Outcome, d.Problem = vocdesk.MailAutoReply, ProblemOwnMail
		return d
	case env.From == "" || strings.EqualFold(env.From, "<>"):
		// Only machines send with the null reverse path (RFC 5321 4.5.5,
		// RFC 3834 3.3); a person's mail always has one.
		d.Outcome, d.Problem = vocdesk.MailAutoReply, ProblemNullSender
		return d
	case from == "":
		d.Outcome, d.Problem = vocdesk.MailUnparsed, join(ProblemNoSender, problem)
		return d
	}
	files, notes := keepFiles(m.Files)
	body := bodyOf(m.Text, notes, len(files))
	if body == "" {
		d.Outcome, d.Problem = vocdesk.MailUnparsed, join(ProblemNoText, problem)
		return d
	}
	if len(notes) > 0 {
		d.Problem = join(problem, strings.Join(notes, "; "))
	}
	msg := &vocdesk.Message{Body: body, Attachments: files, AuthorName: m.FromName}
	if id := ChooseThread(from, f); id != 0 {
		// A reply's quote of the desk's answer is the thread again: only
		// the customer's new words join it.
		msg.Body = bodyOf(StripQuoted(m.Text), notes, len(files))
		d.Outcome, d.InquiryID, d.Message = vocdesk.MailReply, id, msg
		return d
	}
	var txids []string
	for _, p := range f.Purchases {
		txids = append(txids, p.TxID)
	}
	hay := m.haystack()
	txid := findTxIDLower(hay, txids)
	app := chooseApp(f, txid, hay)
	if app == 0 {
		d.Outcome, d.Problem = vocdesk.MailUnparsed, join(ProblemNoApp, problem)
		return d
	}
	d.Outcome, d.Message = vocdesk.MailInquiry, msg
	d.Inquiry = &vocdesk.Inquiry{
		DeveloperID: f.DeveloperID, AppID: app, CustomerID: f.CustomerID, CustomerName: m.FromName,
		ContactEmail: from, TxID: txid, Channel: vocdesk.ChannelEmail,
		Category: guessCategoryLower(hay), Subject: subjectOf(m.Subject),
	}
	return d
}

func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// isOwn recognises the desk's own mail coming back (a customer's server
// that forwards everything, a loop between two desks): sent from the mail
// domain, or carrying one of the desk's Message-IDs as its own.
func isOwn(m *Message, domain string) bool {
	if domain == "" {
		return false
	}
	if _, dom, ok := strings.Cut(m.From, "@"); ok && strings.EqualFold(dom, domain) {
		return true
	}
	return inquiryOfMessageID(m.MessageID, domain) != 0 || m.Header.Has("X-Vocdesk-Inquiry")
}

// subjectOf is the inquiry's subject: the mail's, cut to what an inquiry
// holds, or a placeholder when the mail had none.
func subjectOf(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "(제목 없음 / no subject)"
	}
	if r := []rune(s); len(r) > vocdesk.MaxSubject {
		s = string(r[:vocdesk.MaxSubject-1]) + "…"
	}
	return s
}

// bodyOf is the customer's message: the text, cut to what a message holds
// (the raw mail keeps the rest), with notes on attachments not kept.
func bodyOf(text string, notes []string, files int) string {
	var tail string
	if len(notes) > 0 {
		tail = "\n\n[" + strings.Join(notes, "]\n[") + "]"
	}
	if strings.TrimSpace(text) == "" {
		if files == 0 && tail == "" {
			return ""
		}
		text = "(본문 없음 / no text)"
	}
	const cut = "\n\n[… 나머지는 원본 메일에 있습니다 / the rest is in the raw message]"
	if r := []rune(text); len(r)+len([]rune(tail)) > vocdesk.MaxBody {
		keep := vocdesk.MaxBody - len([]rune(tail)) - len([]rune(cut))
		if keep < 0 {
			keep, tail = vocdesk.MaxBody-len([]rune(cut)), ""
		}
		text = string(r[:keep]) + cut
	}
	return strings.TrimSpace(text + tail)
}

// keepFiles applies the desk's attachment rules (vocdesk.AttachmentTypes,
// sniffed from the bytes; MaxAttachmentSize; MaxAttachments) to a mail's
// files. What it leaves out stays in the raw message, and a note says so.
func keepFiles(files []File) ([]*vocdesk.Attachment, []string) {
	var kept []*vocdesk.Attachment
	var notes []string
	for _, f := range files {
		ct, _, _ := strings.Cut(http.DetectContentType(f.Data), ";")
		switch {
		case len(f.Data) > vocdesk.MaxAttachmentSize:
			notes = append(notes, fmt.Sprintf("첨부 %s: %d MiB 초과 / attachment %s is over %d MiB; it is in the raw message",
				f.Filename, vocdesk.MaxAttachmentSize>>20, f.Filename, vocdesk.MaxAttachmentSize>>20))
		case !slices.Contains(vocdesk.AttachmentTypes, ct):
			notes = append(notes, fmt.Sprintf("첨부 %s (%s): 원본 메일에서 보세요 / attachment %s (%s) is in the raw message", f.Filename, ct, f.Filename, ct))
		case len(kept) >= vocdesk.MaxAttachments:
			notes = append(notes, fmt.Sprintf("첨부 %s: 원본 메일에서 보세요 / attachment %s is in the raw message (more than %d files)", f.Filename, f.Filename, vocdesk.MaxAttachments))
		default:
			kept = append(kept, &vocdesk.Attachment{Filename: f.Filename, ContentType: ct, Data: f.Data})
		}
	}
	return kept, notes
}

// categoryWords guess an email inquiry's category from its words, Korean
// and English; the developer re-files it when the guess is wrong.
var categoryWords = []struct {
	c     vocdesk.Category
	words []string
}{
	{vocdesk.CategoryRefund, []string{"환불", "결제 취소", "refund", "cancel my", "money back"}},
	{vocdesk.CategoryNotReceived, []string{"지급", "받지 못", "못 받", "안 들어", "not received", "didn't receive", "did not receive", "never got"}},
	{vocdesk.CategoryPayment, []string{"결제", "청구", "payment", "charged", "billing"}},
	{vocdesk.CategoryAccount, []string{"계정", "로그인", "비밀번호", "account", "log in", "login", "password"}},
	{vocdesk.CategoryBug, []string{"오류", "버그", "에러", "튕", "crash", "bug", "error"}},
}

// GuessCategory returns the first category whose words occur in text, else
// other.
func GuessCategory(text string) vocdesk.Category { return guessCategoryLower(strings.ToLower(text)) }

// guessCategoryLower is GuessCategory of text already lower-cased.
func guessCategoryLower(t string) vocdesk.Category {
	for _, cw := range categoryWords {
		for _, w := range cw.words {
			if strings.Contains(t, w) {
				return cw.c
			}
		}
	}
	return vocdesk.CategoryOther
}
