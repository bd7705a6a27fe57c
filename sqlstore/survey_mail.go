package sqlstore

import (
	"context"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// RecordSurveyMail implements vocdesk.SurveyService: a team-only event in
// the thread says how the survey mail went. The developer reads the thread,
// so the address is masked as for a viewer; for a call whose customer
// withheld their ids it is left out, and so is a failure's text, which a
// mail server may have filled with the address.
func (s *SurveyService) RecordSurveyMail(ctx context.Context, id int64, sent bool, why string) error {
	a, err := operatorFrom(ctx)
	if err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		in, err := tx.inquiryFor(ctx, a, id, true)
		if err != nil {
			return err
		}
		addr := strings.TrimSpace(in.ContactEmail)
		shown := vocdesk.MaskEmail(addr)
		if in.WithholdIDs || shown == "***" {
			shown = ""
		}
		if sent {
			body := "Satisfaction survey sent to the customer"
			if shown != "" {
				body = "Satisfaction survey sent to " + shown
			}
			return tx.systemEvent(ctx, in, vocdesk.MessageEvent{Kind: vocdesk.EventSurveySent, Params: map[string]string{"to": shown}}, body)
		}
		why = strings.TrimSpace(why)
		if addr != "" {
			why = replaceFold(why, addr, shown)
		}
		if in.WithholdIDs {
			why = ""
		}
		if len(why) > 300 {
			why = strings.ToValidUTF8(why[:300], "") + "…"
		}
		return tx.systemEvent(ctx, in, vocdesk.MessageEvent{Kind: vocdesk.EventSurveyFailed, Params: map[string]string{"why": why}},
			"Satisfaction survey could not be sent: "+why)
	})
}

// replaceFold replaces every occurrence of old in s, in any letter case
// (mail servers echo an address as they please), with new.
func replaceFold(s, old, new string) string {
	if old == "" {
		return s
	}
	ls, lo := strings.ToLower(s), strings.ToLower(old)
	if len(ls) != len(s) || len(lo) != len(old) {
		// Lowering changed byte lengths (rare letters): indexes would not
		// line up, so drop the text rather than risk showing the address.
		if strings.Contains(ls, lo) {
			return ""
		}
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(ls, lo)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(new)
		s, ls = s[i+len(old):], ls[i+len(old):]
	}
}
