package vocdesk

// MessageEvent is what a system message in a thread records: a kind and the
// values it needs, rather than a finished sentence, so that each reader's
// page says it in their own language and in words ("Resolved", "Duplicate
// purchase"), never in codes. The message's Body keeps an English sentence
// for readers without a catalog (the JSON API, exports).
type MessageEvent struct {
	Kind   string            `json:"kind"`
	Params map[string]string `json:"params,omitempty"`
}

// The kinds of events. Team-only kinds are stored as internal messages, so
// a customer never reads them: who was assigned, the workflow's steps, an
// escalation to the store, a refund that failed and will be retried.
// The customer reads what concerns them: a cancellation of their purchase
// requested, approved, rejected (with the reason) and refunded.
const (
	EventAssigned        = "assigned"         // name
	EventUnassigned      = "unassigned"       //
	EventStatus          = "status"           // from, to, by
	EventEscalated       = "escalated"        //
	EventRefundRequested = "refund_requested" // amount, reason (a CancellationReason), approved ("1" when approved at once)
	EventRefundApproved  = "refund_approved"  // amount
	EventRefundRejected  = "refund_rejected"  // amount, why (the operator's words)
	EventRefundFailed    = "refund_failed"    // amount, why
	EventRefundRefunded  = "refund_refunded"  // amount, summary_en, summary_ko (RefundSummary in each language)
	EventMerged          = "merged"           // from (the merged inquiry's id), by
	EventMergedInto      = "merged_into"      // into (the survivor's id): the customer reads it too
	EventSnoozed         = "snoozed"          // until (RFC 3339, "" for until the customer replies), by
	EventWoke            = "woke"             // why: time, reply or hand
	// EventSurveySent and EventSurveyFailed tell the team how the
	// satisfaction survey's mail went (survey/job.go); to is the masked
	// address, empty when the customer's ids are withheld.
	EventSurveySent   = "survey_sent"   // to
	EventSurveyFailed = "survey_failed" // why
)

// TeamOnly reports whether an event of this kind concerns the team alone.
func (e MessageEvent) TeamOnly() bool {
	switch e.Kind {
	case EventRefundRequested, EventRefundApproved, EventRefundRejected, EventRefundRefunded, EventMergedInto:
		return false
	}
	return true
}
