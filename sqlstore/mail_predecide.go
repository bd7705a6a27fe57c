package sqlstore

import (
	"context"
	"reflect"

	"github.com/vocdesk/vocdesk"
)

// On SQLite every message is stored by the one writer, so what the writer
// does per message bounds the intake. Much of it needs nothing the writer
// holds: the decision is a function of the message and the facts.
// preDecide makes it on a read snapshot, in the SMTP session's own
// goroutine, in parallel with the writer; the writer then reads the facts
// again (a few indexed lookups) and uses what was made ahead only if they
// are the same, so a message that raced another (the same Message-ID, a
// new inquiry of its thread) is decided again on what the writer sees.

// preDecision is a decision made before the storing transaction.
type preDecision struct {
	facts    *vocdesk.MailFacts
	decision *vocdesk.MailDecision
	// spans are where the decision's attachments stand in the raw
	// message (mail_raw_cut.go), found ahead.
	spans []rawSpan
	// bodyOK says the decision's message passed vocdesk.ValidateBody
	// (counting the runes of a 20 KB body was 0.05 ms of the writer's
	// time a mail).
	bodyOK bool
}

// preDecide reads m's facts on a snapshot and decides, or returns nil:
// on PostgreSQL, whose transactions run in parallel anyway, and when the
// read fails (the writer then does it all and gives the answer).
func (db *DB) preDecide(ctx context.Context, m *vocdesk.InboundMail, decide vocdesk.MailDecider) *preDecision {
	if db.dialect != dialectSQLite {
		return nil
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil
	}
	f, err := tx.mailFacts(ctx, m)
	tx.Rollback()
	if err != nil {
		return nil
	}
	d := decide(f)
	p := &preDecision{facts: f, decision: d}
	if d.Message != nil {
		p.bodyOK = vocdesk.ValidateBody(d.Message.Body) == nil
		if len(d.Message.Attachments) > 0 {
			p.spans = findSpans(m.Raw, d.Message.Attachments)
		}
	}
	return p
}

// take returns what was made ahead if facts are what it was made on (the
// zero preDecision if not); a decision is used once (the store fills in
// its inquiry and message).
func (p *preDecision) take(f *vocdesk.MailFacts) preDecision {
	if p == nil || p.decision == nil || !reflect.DeepEqual(p.facts, f) {
		return preDecision{}
	}
	ahead := *p
	p.decision = nil
	return ahead
}
