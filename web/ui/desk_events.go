package ui

import (
	"time"

	"github.com/vocdesk/vocdesk"
)

// EventText says a thread's system message in the page's language and in
// words: the event's kind picks the sentence, and codes in it (statuses,
// reasons) are named as the rest of the page names them. Messages stored
// before events were recorded show their stored sentence.
func (p *page) EventText(m *vocdesk.Message) string {
	ev := m.Event
	if ev == nil {
		return m.Body
	}
	v := func(k string) string { return ev.Params[k] }
	switch ev.Kind {
	case vocdesk.EventAssigned:
		return p.T("event.assigned", v("name"))
	case vocdesk.EventUnassigned:
		return p.T("event.unassigned")
	case vocdesk.EventStatus:
		return p.T("event.status", p.InqStatus(vocdesk.InquiryStatus(v("from"))), p.InqStatus(vocdesk.InquiryStatus(v("to"))), v("by"))
	case vocdesk.EventEscalated:
		return p.T("event.escalated")
	case vocdesk.EventRefundRequested:
		reason := p.T("refund.reason." + v("reason"))
		if v("approved") == "1" {
			return p.T("event.refund_requested_approved", v("amount"), reason)
		}
		return p.T("event.refund_requested", v("amount"), reason)
	case vocdesk.EventRefundApproved:
		return p.T("event.refund_approved", v("amount"))
	case vocdesk.EventRefundRejected:
		return p.T("event.refund_rejected", v("amount"), v("why"))
	case vocdesk.EventRefundFailed:
		return p.T("event.refund_failed", v("amount"), v("why"))
	case vocdesk.EventMerged:
		return p.T("day.event_merged", v("from"), v("by"))
	case vocdesk.EventMergedInto:
		return p.T("day.event_merged_into", v("into"))
	case vocdesk.EventSnoozed:
		if t, err := time.Parse(time.RFC3339, v("until")); err == nil {
			return p.T("day.event_snoozed", p.Time(t), v("by"))
		}
		return p.T("day.event_snoozed_reply", v("by"))
	case vocdesk.EventWoke:
		return p.T("day.event_woke_" + v("why"))
	case vocdesk.EventSurveySent:
		if v("to") == "" {
			return p.T("polish.survey_sent_customer")
		}
		return p.T("polish.survey_sent", v("to"))
	case vocdesk.EventSurveyFailed:
		if v("why") == "" {
			return p.T("polish.survey_failed_plain")
		}
		return p.T("polish.survey_failed", v("why"))
	case vocdesk.EventRefundRefunded:
		if s := v("summary_" + p.Lang); s != "" {
			return s
		}
	}
	return m.Body
}
