package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/vocdesk/vocdesk"
)

// UndoMerge undoes the live merge of inquiry id within the undo window, in
// one transaction: the moved rows go back by the ids the merge kept, the
// survivor loses the tags it gained, both inquiries' columns are restored
// and the merge's two events are removed. It is refused once either
// inquiry changed after the merge, since restoring its columns would undo
// that change too.
func (s *MergeService) UndoMerge(ctx context.Context, id int64) error {
	a, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error { return tx.undoMerge(ctx, a, id) })
}

func (tx *Tx) undoMerge(ctx context.Context, a *vocdesk.Actor, id int64) error {
	var mergeID, into, until int64
	var raw string
	err := tx.queryRow(ctx, `SELECT id, survivor_id, undo_until, state FROM inquiry_merges WHERE merged_id = $1 AND undone_at IS NULL`, id).
		Scan(&mergeID, &into, &until, &raw)
	if errors.Is(err, sql.ErrNoRows) {
		// Not merged, or not the actor's to see: the same answer.
		if _, err := tx.inquiryFor(ctx, a, id, false); err != nil {
			return err
		}
		return vocdesk.NotFound("merge")
	} else if err != nil {
		return fmt.Errorf("sqlstore: find merge: %w", err)
	}
	m, sv, err := tx.lockPair(ctx, a, id, into)
	if err != nil {
		return err
	}
	if err := canWriteInquiry(a, m.DeveloperID); err != nil {
		return err
	}
	if micros(tx.now) >= until {
		return vocdesk.Errorf(vocdesk.EUNPROCESSABLE, "a merge can be undone within %d minutes; this one is older", int(vocdesk.MergeUndoWindow.Minutes()))
	}
	var st mergeState
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		return fmt.Errorf("sqlstore: merge state: %w", err)
	}
	var last sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT MAX(id) FROM inquiry_messages WHERE inquiry_id IN ($1, $2)`, id, into).Scan(&last); err != nil {
		return fmt.Errorf("sqlstore: undo merge: %w", err)
	}
	var mergedAt int64
	if err := tx.queryRow(ctx, `SELECT merged_at FROM inquiry_merges WHERE id = $1`, mergeID).Scan(&mergedAt); err != nil {
		return fmt.Errorf("sqlstore: undo merge: %w", err)
	}
	if last.Int64 != st.LastMessage || micros(m.UpdatedAt) != mergedAt || micros(sv.UpdatedAt) != mergedAt {
		return vocdesk.Errorf(vocdesk.ECONFLICT, "the inquiries changed after the merge; undoing it would lose that")
	}
	// The merge's two events: the newest messages of both, as the check
	// above shows.
	if err := tx.execIn(ctx, `DELETE FROM inquiry_messages WHERE id IN (%s) AND author = 'system'`, nil, st.Events); err != nil {
		return err
	}
	for _, q := range []string{
		`UPDATE inquiry_messages SET inquiry_id = $1 WHERE id IN (%s)`,
		`UPDATE inquiry_attachments SET inquiry_id = $1 WHERE message_id IN (%s)`,
		`UPDATE mail_deliveries SET inquiry_id = $1 WHERE message_ref IN (%s)`,
	} {
		if err := tx.execIn(ctx, q, id, st.Messages); err != nil {
			return err
		}
	}
	if err := tx.execIn(ctx, `UPDATE cancellation_requests SET inquiry_id = $1 WHERE id IN (%s)`, id, st.Cancellations); err != nil {
		return err
	}
	if err := tx.execIn(ctx, `UPDATE member_notifications SET inquiry_id = $1 WHERE id IN (%s)`, id, st.Notifications); err != nil {
		return err
	}
	for _, t := range st.AddedTags {
		if _, err := tx.exec(ctx, `DELETE FROM inquiry_tags WHERE inquiry_id = $1 AND tag = $2`, into, t); err != nil {
			return fmt.Errorf("sqlstore: undo merge: %w", err)
		}
	}
	if err := tx.writeInquiryRow(ctx, m.DeveloperID, id, m.Status, st.Merged); err != nil {
		return err
	}
	if err := tx.writeInquiryRow(ctx, sv.DeveloperID, into, sv.Status, st.Survivor); err != nil {
		return err
	}
	if err := tx.writeStatsRow(ctx, id, st.MergedStats); err != nil {
		return err
	}
	if err := tx.writeStatsRow(ctx, into, st.SurvivorStats); err != nil {
		return err
	}
	for _, x := range []int64{id, into} {
		if err := tx.indexInquiry(ctx, x); err != nil {
			return err
		}
	}
	if _, err := tx.exec(ctx, `UPDATE inquiry_merges SET undone_at = $2 WHERE id = $1`, mergeID, micros(tx.now)); err != nil {
		return fmt.Errorf("sqlstore: undo merge: %w", err)
	}
	undone := &vocdesk.InquiryMerge{ID: mergeID, DeveloperID: m.DeveloperID, MergedID: id, SurvivorID: into, MergedAt: tx.now}
	if err := tx.mergeWebhook(ctx, eventInquiryMergeUndone, undone, m.AppSlug); err != nil {
		return err
	}
	view := mergeView{Merge: mergeID, Merged: id, Survivor: into, Messages: len(st.Messages), AddedTags: st.AddedTags, Undone: true}
	if err := tx.auditInquiry(ctx, a, "inquiry.merge_undone", m, nil, view); err != nil {
		return err
	}
	return tx.auditInquiry(ctx, a, "inquiry.merge_undone", sv, nil, view)
}
