package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// MergeService merges inquiries and email contacts (vocdesk.MergeService).
type MergeService struct{ db *DB }

// NewMergeService returns the merges on db.
func NewMergeService(db *DB) vocdesk.MergeService { return &MergeService{db: db} }

// mergeState is what an undo needs to put both inquiries back: the rows it
// moved, by id (a message's attachments and mail delivery follow it), the
// tags the survivor gained, the two event messages the merge wrote, and
// both inquiries' own columns as they were.
type mergeState struct {
	Messages      []int64    `json:"messages"`
	Cancellations []int64    `json:"cancellations,omitempty"`
	Notifications []int64    `json:"notifications,omitempty"` // mentions on the merged inquiry, which point to the survivor
	AddedTags     []string   `json:"added_tags,omitempty"`
	Events        []int64    `json:"events"`
	Merged        inquiryRow `json:"merged"`
	Survivor      inquiryRow `json:"survivor"`
	// MergedStats and SurvivorStats are both inquiries' rows of the
	// reports (inquiry_stats).
	MergedStats   *statsRow `json:"merged_stats,omitempty"`
	SurvivorStats *statsRow `json:"survivor_stats,omitempty"`
	LastMessage   int64     `json:"last_message"` // the newest message id of both after the merge
}

// inquiryRow is an inquiry's own columns that a merge changes, as stored.
type inquiryRow struct {
	Status          string `json:"status"`
	AssigneeID      *int64 `json:"assignee_id"`
	UnreadCustomer  bool   `json:"unread_by_customer"`
	UnreadDeveloper bool   `json:"unread_by_developer"`
	UpdatedAt       int64  `json:"updated_at"`
	LastMessageAt   int64  `json:"last_message_at"`
	FirstResponseAt *int64 `json:"first_response_at"`
	WaitingSince    *int64 `json:"waiting_since"`
	DueAt           *int64 `json:"due_at"`
	DueSoonAt       *int64 `json:"due_soon_at"`
	EscalateAt      *int64 `json:"escalate_at"`
	EscalatedAt     *int64 `json:"escalated_at"`
	WaitSort        int64  `json:"wait_sort"`
	DueSort         int64  `json:"due_sort"`
	Tags            string `json:"tags"`
	PurchaseID      *int64 `json:"purchase_id"`
	PurchaseTxID    string `json:"purchase_txid"`
}

const inquiryRowCols = `status, assignee_id, unread_by_customer, unread_by_developer, updated_at, last_message_at,
	first_response_at, waiting_since, due_at, due_soon_at, escalate_at, escalated_at, wait_sort, due_sort, tags,
	purchase_id, purchase_txid`

func (tx *Tx) readInquiryRow(ctx context.Context, id int64) (inquiryRow, error) {
	var r inquiryRow
	var assignee, first, waiting, due, dueSoon, escalate, escalated, purchase sql.NullInt64
	err := tx.queryRow(ctx, `SELECT `+inquiryRowCols+` FROM inquiries WHERE id = $1`, id).Scan(
		&r.Status, &assignee, &r.UnreadCustomer, &r.UnreadDeveloper, &r.UpdatedAt, &r.LastMessageAt,
		&first, &waiting, &due, &dueSoon, &escalate, &escalated, &r.WaitSort, &r.DueSort, &r.Tags, &purchase, &r.PurchaseTxID)
	if err != nil {
		return r, fmt.Errorf("sqlstore: read inquiry %d: %w", id, err)
	}
	p := nullable
	r.AssigneeID, r.FirstResponseAt, r.WaitingSince, r.DueAt = p(assignee), p(first), p(waiting), p(due)
	r.DueSoonAt, r.EscalateAt, r.EscalatedAt, r.PurchaseID = p(dueSoon), p(escalate), p(escalated), p(purchase)
	return r, nil
}

// writeInquiryRow puts r back as inquiry id's columns and keeps
// inquiry_counts in step with the status it restores.
func (tx *Tx) writeInquiryRow(ctx context.Context, devID, id int64, from vocdesk.InquiryStatus, r inquiryRow) error {
	if from != vocdesk.InquiryStatus(r.Status) {
		in := &vocdesk.Inquiry{DeveloperID: devID, Status: from}
		if err := tx.moveStatus(ctx, in, vocdesk.InquiryStatus(r.Status)); err != nil {
			return err
		}
	}
	n := anyOf
	_, err := tx.exec(ctx, `UPDATE inquiries SET status = $2, assignee_id = $3, unread_by_customer = $4, unread_by_developer = $5,
		updated_at = $6, last_message_at = $7, first_response_at = $8, waiting_since = $9, due_at = $10, due_soon_at = $11,
		escalate_at = $12, escalated_at = $13, wait_sort = $14, due_sort = $15, tags = $16, purchase_id = $17, purchase_txid = $18
		WHERE id = $1`, id, r.Status, n(r.AssigneeID), r.UnreadCustomer, r.UnreadDeveloper, r.UpdatedAt, r.LastMessageAt,
		n(r.FirstResponseAt), n(r.WaitingSince), n(r.DueAt), n(r.DueSoonAt), n(r.EscalateAt), n(r.EscalatedAt),
		r.WaitSort, r.DueSort, r.Tags, n(r.PurchaseID), r.PurchaseTxID)
	if err != nil {
		return fmt.Errorf("sqlstore: restore inquiry %d: %w", id, err)
	}
	return nil
}

// sameParty reports whether two inquiries are one developer's with one
// customer: the same store account, or, for inquiries without one, the same
// email contact.
func sameParty(x, y *vocdesk.Inquiry) bool {
	if x.DeveloperID != y.DeveloperID {
		return false
	}
	if x.CustomerID != 0 || y.CustomerID != 0 {
		return x.CustomerID == y.CustomerID
	}
	return x.ContactEmail != "" && emailKey(x.ContactEmail) == emailKey(y.ContactEmail)
}

// withheldFrom reports whether inquiry in's customer ids are withheld from
// actor a (maskInquiry): in is then nobody's to merge for a.
func withheldFrom(a *vocdesk.Actor, in *vocdesk.Inquiry) bool {
	return in.WithholdIDs && !a.IsOperator() && !a.IsCustomer()
}

// liveMergeOf returns the id of the live merge of inquiry id into another,
// or 0.
func (tx *Tx) liveMergeOf(ctx context.Context, id int64) (int64, error) {
	var mid int64
	err := tx.queryRow(ctx, `SELECT id FROM inquiry_merges WHERE merged_id = $1 AND undone_at IS NULL`, id).Scan(&mid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("sqlstore: find merge: %w", err)
	}
	return mid, nil
}

// survivorOf follows inquiry id's merge pointers to the inquiry its thread
// lives in now (id itself when it is not merged). Chains are short (an
// inquiry merged into one merged later); the bound guards against a loop.
func (tx *Tx) survivorOf(ctx context.Context, id int64) (int64, error) {
	for range 8 {
		var next int64
		err := tx.queryRow(ctx, `SELECT survivor_id FROM inquiry_merges WHERE merged_id = $1 AND undone_at IS NULL`, id).Scan(&next)
		if errors.Is(err, sql.ErrNoRows) {
			return id, nil
		} else if err != nil {
			return 0, fmt.Errorf("sqlstore: follow merge: %w", err)
		}
		id = next
	}
	return id, nil
}

// MergeInquiry merges inquiry id into inquiry into, in one transaction: a
// crash at any point leaves the two inquiries or the one.
func (s *MergeService) MergeInquiry(ctx context.Context, id, into int64) (*vocdesk.InquiryMerge, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var out *vocdesk.InquiryMerge
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.mergeInquiry(ctx, a, id, into)
		return err
	})
	return out, err
}

// lockPair reads and locks inquiries x and y in id order, so that two
// merges of the same pair in opposite directions cannot deadlock.
func (tx *Tx) lockPair(ctx context.Context, a *vocdesk.Actor, x, y int64) (*vocdesk.Inquiry, *vocdesk.Inquiry, error) {
	first, second := x, y
	if second < first {
		first, second = second, first
	}
	p, err := tx.inquiryFor(ctx, a, first, true)
	if err != nil {
		return nil, nil, err
	}
	q, err := tx.inquiryFor(ctx, a, second, true)
	if err != nil {
		return nil, nil, err
	}
	if p.ID == x {
		return p, q, nil
	}
	return q, p, nil
}

func (tx *Tx) mergeInquiry(ctx context.Context, a *vocdesk.Actor, id, into int64) (*vocdesk.InquiryMerge, error) {
	if id == into {
		// Someone else's inquiry is not found before anything is said
		// about the request.
		if _, err := tx.inquiryFor(ctx, a, id, false); err != nil {
			return nil, err
		}
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "an inquiry cannot be merged into itself")
	}
	m, sv, err := tx.lockPair(ctx, a, id, into)
	if err != nil {
		return nil, err
	}
	if err := canWriteInquiry(a, m.DeveloperID); err != nil {
		return nil, err
	}
	// Another developer's or another customer's inquiry is nothing to
	// this merge: the same answer as an inquiry that does not exist. A
	// call whose customer withheld their ids is the same: whether it
	// merges would tell the developer who the caller is, and the survivor
	// would take its purchase and thread (maskInquiry).
	if !sameParty(m, sv) || withheldFrom(a, m) || withheldFrom(a, sv) {
		return nil, vocdesk.NotFound("inquiry")
	}
	for _, x := range []int64{id, into} {
		live, err := tx.liveMergeOf(ctx, x)
		if err != nil {
			return nil, err
		}
		if live != 0 {
			return nil, vocdesk.Errorf(vocdesk.ECONFLICT, "inquiry %d is merged already", x)
		}
	}
	var st mergeState
	if st.Merged, err = tx.readInquiryRow(ctx, id); err != nil {
		return nil, err
	}
	if st.Survivor, err = tx.readInquiryRow(ctx, into); err != nil {
		return nil, err
	}
	if st.MergedStats, err = tx.readStatsRow(ctx, id); err != nil {
		return nil, err
	}
	if st.SurvivorStats, err = tx.readStatsRow(ctx, into); err != nil {
		return nil, err
	}
	if st.Messages, err = tx.ids(ctx, `SELECT id FROM inquiry_messages WHERE inquiry_id = $1 ORDER BY id`, id); err != nil {
		return nil, err
	}
	if st.Cancellations, err = tx.ids(ctx, `SELECT id FROM cancellation_requests WHERE inquiry_id = $1 ORDER BY id`, id); err != nil {
		return nil, err
	}
	if st.Notifications, err = tx.ids(ctx, `SELECT id FROM member_notifications WHERE inquiry_id = $1 ORDER BY id`, id); err != nil {
		return nil, err
	}
	// Message ids grow with time across all inquiries, and threads are read
	// in id order: moved messages fall into the survivor's thread in time
	// order without being rewritten.
	for _, q := range []string{
		`UPDATE inquiry_messages SET inquiry_id = $2 WHERE inquiry_id = $1`,
		`UPDATE inquiry_attachments SET inquiry_id = $2 WHERE inquiry_id = $1`,
		`UPDATE mail_deliveries SET inquiry_id = $2 WHERE inquiry_id = $1`,
		`UPDATE cancellation_requests SET inquiry_id = $2 WHERE inquiry_id = $1`,
		// A mention's notification opens the thread its note now lives in.
		`UPDATE member_notifications SET inquiry_id = $2 WHERE inquiry_id = $1`,
	} {
		if _, err := tx.exec(ctx, q, id, into); err != nil {
			return nil, fmt.Errorf("sqlstore: merge: %w", err)
		}
	}
	for _, t := range m.Tags {
		if !slices.Contains(sv.Tags, t) {
			st.AddedTags = append(st.AddedTags, t)
		}
	}
	if _, err := tx.changeTags(ctx, sv, st.AddedTags, nil); err != nil {
		return nil, err
	}
	if sv.PurchaseID == 0 && m.PurchaseID != 0 {
		// The survivor takes the merged one's purchase, so the purchase
		// panel beside the thread shows it.
		if _, err := tx.exec(ctx, `UPDATE inquiries SET purchase_id = $2, purchase_txid = $3 WHERE id = $1`,
			into, m.PurchaseID, m.TxID); err != nil {
			return nil, fmt.Errorf("sqlstore: merge purchase: %w", err)
		}
	}
	if err := tx.mergeWorkflow(ctx, m, sv, st.Merged); err != nil {
		return nil, err
	}
	if err := tx.systemEvent(ctx, sv, vocdesk.MessageEvent{Kind: vocdesk.EventMerged, Params: map[string]string{"from": strconv.FormatInt(id, 10), "by": a.Name}},
		fmt.Sprintf("Inquiry #%d merged into this one (%s)", id, a.Name)); err != nil {
		return nil, err
	}
	if err := tx.systemEvent(ctx, m, vocdesk.MessageEvent{Kind: vocdesk.EventMergedInto, Params: map[string]string{"into": strconv.FormatInt(into, 10)}},
		fmt.Sprintf("Merged into inquiry #%d", into)); err != nil {
		return nil, err
	}
	if st.Events, err = tx.ids(ctx, `SELECT MAX(id) FROM inquiry_messages WHERE inquiry_id = $1 UNION ALL
		SELECT MAX(id) FROM inquiry_messages WHERE inquiry_id = $2`, into, id); err != nil {
		return nil, err
	}
	st.LastMessage = max(st.Events[0], st.Events[1])
	for _, x := range []int64{id, into} {
		if err := tx.indexInquiry(ctx, x); err != nil {
			return nil, err
		}
	}
	raw, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: merge state: %w", err)
	}
	out := &vocdesk.InquiryMerge{DeveloperID: m.DeveloperID, MergedID: id, SurvivorID: into,
		SurvivorSubject: sv.Subject, MergedSubject: m.Subject, MergedAt: tx.now, UndoUntil: tx.now.Add(vocdesk.MergeUndoWindow)}
	err = tx.queryRow(ctx, `INSERT INTO inquiry_merges (developer_id, merged_id, survivor_id, merged_at, undo_until, state)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, out.DeveloperID, id, into, micros(tx.now), micros(out.UndoUntil), string(raw)).Scan(&out.ID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: record merge: %w", err)
	}
	if err := tx.mergeWebhook(ctx, eventInquiryMerged, out, m.AppSlug); err != nil {
		return nil, err
	}
	view := mergeView{Merge: out.ID, Merged: id, Survivor: into, Messages: len(st.Messages), AddedTags: st.AddedTags}
	if err := tx.auditInquiry(ctx, a, "inquiry.merged", m, viewOf(m), view); err != nil {
		return nil, err
	}
	if err := tx.auditInquiry(ctx, a, "inquiry.merged_in", sv, nil, view); err != nil {
		return nil, err
	}
	return out, nil
}

// mergeView is what the audit trail keeps of a merge and its undo.
type mergeView struct {
	Merge     int64    `json:"merge"`
	Merged    int64    `json:"merged"`
	Survivor  int64    `json:"survivor"`
	Messages  int      `json:"messages"`
	AddedTags []string `json:"added_tags,omitempty"`
	Undone    bool     `json:"undone,omitempty"`
}

// mergeWorkflow moves the survivor's workflow to cover both threads and
// closes the merged inquiry: the survivor's last message is the later one;
// a customer waiting on the merged inquiry waits on the survivor, with the
// older of the two waits (its SLA deadlines with it); unread marks add up.
func (tx *Tx) mergeWorkflow(ctx context.Context, m, sv *vocdesk.Inquiry, mr inquiryRow) error {
	if m.LastMessageAt.After(sv.LastMessageAt) {
		sv.LastMessageAt = m.LastMessageAt
	}
	sv.UnreadByCustomer = sv.UnreadByCustomer || m.UnreadByCustomer
	sv.UnreadByDeveloper = sv.UnreadByDeveloper || m.UnreadByDeveloper
	if sv.FirstResponseAt == nil {
		sv.FirstResponseAt = m.FirstResponseAt
	}
	if m.WaitingSince != nil && (sv.WaitingSince == nil || m.WaitingSince.Before(*sv.WaitingSince)) {
		_, err := tx.exec(ctx, `UPDATE inquiries SET waiting_since = $2, due_at = $3, due_soon_at = $4, escalate_at = $5,
			escalated_at = $6, wait_sort = $7, due_sort = $8 WHERE id = $1`, sv.ID, mr.WaitingSince, mr.DueAt, mr.DueSoonAt,
			mr.EscalateAt, mr.EscalatedAt, mr.WaitSort, mr.DueSort)
		if err != nil {
			return fmt.Errorf("sqlstore: merge wait: %w", err)
		}
		sv.WaitingSince, sv.DueAt, sv.EscalatedAt = m.WaitingSince, m.DueAt, m.EscalatedAt
	}
	waits := func(s vocdesk.InquiryStatus) bool { return s == vocdesk.InquiryNew || s == vocdesk.InquiryOpen }
	if waits(m.Status) && !waits(sv.Status) {
		if err := tx.moveStatus(ctx, sv, vocdesk.InquiryOpen); err != nil {
			return err
		}
	}
	if err := tx.saveInquiry(ctx, sv); err != nil {
		return err
	}
	if err := tx.endWait(ctx, m); err != nil {
		return err
	}
	if err := tx.moveStatus(ctx, m, vocdesk.InquiryClosed); err != nil {
		return err
	}
	m.UnreadByCustomer, m.UnreadByDeveloper = false, false
	return tx.saveInquiry(ctx, m)
}

// ids reads a column of ids.
func (tx *Tx) ids(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: ids: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id sql.NullInt64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("sqlstore: ids: %w", err)
		}
		out = append(out, id.Int64)
	}
	return out, rows.Err()
}

// execIn runs q, whose "IN (%s)" takes ids, in chunks that stay within
// both engines' limits on bound values; $1 is first (when not nil), the
// ids follow.
func (tx *Tx) execIn(ctx context.Context, q string, first any, ids []int64) error {
	for len(ids) > 0 {
		n := min(len(ids), 500)
		marks := make([]string, n)
		var args []any
		if first != nil {
			args = append(args, first)
		}
		for k, id := range ids[:n] {
			args = append(args, id)
			marks[k] = "$" + strconv.Itoa(len(args))
		}
		if _, err := tx.exec(ctx, fmt.Sprintf(q, strings.Join(marks, ", ")), args...); err != nil {
			return fmt.Errorf("sqlstore: undo merge: %w", err)
		}
		ids = ids[n:]
	}
	return nil
}
