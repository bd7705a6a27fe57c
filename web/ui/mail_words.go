package ui

import (
	"strings"

	"github.com/vocdesk/vocdesk/mail"
)

// The mail pipeline writes its notes in the API's English and stores them
// as written: a delivery's last error, a logged message's problem. A page
// shows the ones the desk itself writes in the page's language; the rest
// (a relay's SMTP reply, a parser's detail about one part) are the relay's
// and the parser's words, shown as they are.

// mailProblemKeys are the intake's own problems and their messages.
var mailProblemKeys = map[string]string{
	mail.ProblemNoHeader:    "mail.problem.no_header",
	mail.ProblemNoBlankLine: "mail.problem.no_blank_line",
	mail.ProblemOwnMail:     "mail.problem.own_mail",
	mail.ProblemNullSender:  "mail.problem.null_sender",
	mail.ProblemNoSender:    "mail.problem.no_sender",
	mail.ProblemNoText:      "mail.problem.no_text",
	mail.ProblemNoApp:       "mail.problem.no_app",
}

// MailProblem is a logged message's problem in the page's language, part
// by part.
func (p *page) MailProblem(s string) string {
	parts := strings.Split(s, "; ")
	for i, part := range parts {
		if key, ok := mailProblemKeys[part]; ok {
			parts[i] = p.T(key)
		}
	}
	return strings.Join(parts, "; ")
}

// MailError is a delivery's last error in the page's language: without a
// relay the desk sends nothing, and says so in its own words.
func (p *page) MailError(s string) string {
	if s == mail.ErrNotSent.Error() {
		return p.T("mail.err.not_sent")
	}
	return s
}
