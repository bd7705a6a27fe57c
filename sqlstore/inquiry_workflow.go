package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/vocdesk/vocdesk"
)

// notWaiting is the sort key of an inquiry nothing waits on: after every
// waiting one in "longest waiting" and "SLA due first".
const notWaiting = math.MaxInt64

// startWait starts the SLA clock when a customer's message arrives and
// nothing was waiting yet; a wait already running keeps its oldest start
// and deadlines. first selects the first-response target.
func (tx *Tx) startWait(ctx context.Context, in *vocdesk.Inquiry) error {
	if in.WaitingSince != nil {
		return nil
	}
	dl, err := tx.beginWait(ctx, in)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `UPDATE inquiries SET waiting_since = $2, due_at = $3, due_soon_at = $4, escalate_at = $5,
		wait_sort = $2, due_sort = $3 WHERE id = $1`,
		in.ID, micros(*in.WaitingSince), micros(*in.DueAt), micros(dl.DueSoonAt), micros(dl.EscalateAt))
	if err != nil {
		return fmt.Errorf("sqlstore: start SLA wait: %w", err)
	}
	return tx.statsWait(ctx, in.ID, in.DueAt, nil)
}

// beginWait starts the SLA clock on in, in memory: WaitingSince is now,
// DueAt the target's deadline; the deadlines are for the caller to write
// (startWait, or createInquiry with the new row).
func (tx *Tx) beginWait(ctx context.Context, in *vocdesk.Inquiry) (vocdesk.SLADeadlines, error) {
	pol, devCal, storeCal, err := tx.calendars(ctx, in.DeveloperID)
	if err != nil {
		return vocdesk.SLADeadlines{}, err
	}
	target := pol.NextResponseMinutes
	if in.FirstResponseAt == nil {
		target = pol.FirstResponseMinutes
	}
	dl := vocdesk.Deadlines(tx.now, time.Duration(target)*time.Minute, devCal, storeCal, pol.EscalationDays)
	due := dl.DueAt.UTC().Truncate(time.Microsecond)
	start := tx.now
	in.WaitingSince, in.DueAt = &start, &due
	return dl, nil
}

// endWait stops the SLA clock: the developer answered, or the inquiry was
// resolved or closed. An escalated inquiry leaves the operators' queue; the
// escalation itself stays counted in inquiry_escalations.
func (tx *Tx) endWait(ctx context.Context, in *vocdesk.Inquiry) error {
	if in.WaitingSince == nil && in.EscalatedAt == nil {
		return nil
	}
	endedDue := in.DueAt
	in.WaitingSince, in.DueAt, in.EscalatedAt = nil, nil, nil
	_, err := tx.exec(ctx, `UPDATE inquiries SET waiting_since = NULL, due_at = NULL, due_soon_at = NULL,
		escalate_at = NULL, escalated_at = NULL, wait_sort = $2, due_sort = $2 WHERE id = $1`, in.ID, int64(notWaiting))
	if err != nil {
		return fmt.Errorf("sqlstore: end SLA wait: %w", err)
	}
	return tx.statsWait(ctx, in.ID, nil, endedDue)
}

// saveInquiry writes the workflow fields that every change may touch.
func (tx *Tx) saveInquiry(ctx context.Context, in *vocdesk.Inquiry) error {
	var first any
	if in.FirstResponseAt != nil {
		first = micros(*in.FirstResponseAt)
	}
	in.UpdatedAt = tx.now
	_, err := tx.exec(ctx, `UPDATE inquiries SET status = $2, assignee_id = $3, unread_by_customer = $4,
		unread_by_developer = $5, updated_at = $6, last_message_at = $7, first_response_at = $8 WHERE id = $1`,
		in.ID, string(in.Status), nullID(in.AssigneeID), in.UnreadByCustomer, in.UnreadByDeveloper,
		micros(tx.now), micros(in.LastMessageAt), first)
	if err != nil {
		return fmt.Errorf("sqlstore: save inquiry: %w", err)
	}
	return nil
}

// moveStatus changes the status in memory and keeps inquiry_counts in step;
// the caller saves the inquiry.
func (tx *Tx) moveStatus(ctx context.Context, in *vocdesk.Inquiry, to vocdesk.InquiryStatus) error {
	if in.Status == to {
		return nil
	}
	if _, err := tx.exec(ctx, `UPDATE inquiry_counts SET n = n - 1 WHERE developer_id = $1 AND status = $2`,
		in.DeveloperID, string(in.Status)); err != nil {
		return fmt.Errorf("sqlstore: inquiry counts: %w", err)
	}
	from := in.Status
	in.Status = to
	if err := tx.statsStatus(ctx, in, from); err != nil {
		return err
	}
	return tx.countStatus(ctx, in.DeveloperID, to)
}

func (tx *Tx) countStatus(ctx context.Context, devID int64, s vocdesk.InquiryStatus) error {
	_, err := tx.exec(ctx, `INSERT INTO inquiry_counts (developer_id, status, n) VALUES ($1, $2, 1)
		ON CONFLICT (developer_id, status) DO UPDATE SET n = inquiry_counts.n + 1`, devID, string(s))
	if err != nil {
		return fmt.Errorf("sqlstore: inquiry counts: %w", err)
	}
	return nil
}

// systemEvent appends a system message to the thread (status changes,
// assignment, escalation, refunds): the event for pages to say in their
// reader's language, and body, its English sentence, for the API. An event
// that concerns the team alone is internal, as a note is: customers never
// get it.
func (tx *Tx) systemEvent(ctx context.Context, in *vocdesk.Inquiry, ev vocdesk.MessageEvent, body string) error {
	raw, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("sqlstore: system message: %w", err)
	}
	_, err = tx.exec(ctx, `INSERT INTO inquiry_messages (inquiry_id, author, author_id, author_name, body, internal, created_at, event)
		VALUES ($1, 'system', 0, '', $2, $3, $4, $5)`, in.ID, body, ev.TeamOnly(), micros(tx.now), string(raw))
	if err != nil {
		return fmt.Errorf("sqlstore: system message: %w", err)
	}
	return nil
}

// auditInquiry records a change of an inquiry in the audit trail.
func (tx *Tx) auditInquiry(ctx context.Context, a *vocdesk.Actor, action string, in *vocdesk.Inquiry, before, after any) error {
	return tx.audit(ctx, a, change{action: action, entity: "inquiry", entityID: in.ID, developerID: in.DeveloperID, before: before, after: after})
}

// workflowView is what the audit trail keeps of an inquiry's state.
type workflowView struct {
	Status     vocdesk.InquiryStatus `json:"status"`
	AssigneeID int64                 `json:"assignee_id,omitempty"`
	Tags       []string              `json:"tags,omitempty"`
	Rating     int                   `json:"rating,omitempty"`
}

func viewOf(in *vocdesk.Inquiry) workflowView {
	return workflowView{Status: in.Status, AssigneeID: in.AssigneeID, Tags: append([]string(nil), in.Tags...), Rating: in.Rating}
}

// actorAuthor is how an actor appears as the author of a message.
func actorAuthor(a *vocdesk.Actor) (vocdesk.Author, int64) {
	switch {
	case a.IsCustomer():
		return vocdesk.AuthorCustomer, a.CustomerID
	case a.IsDeveloper():
		return vocdesk.AuthorDeveloper, a.MemberID
	case a.IsOperator() && a.OperatorID == 0 && a.KeyID == 0:
		return vocdesk.AuthorSystem, 0
	}
	return vocdesk.AuthorOperator, a.OperatorID
}
