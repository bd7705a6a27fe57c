package sqlstore

import (
	"context"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// maxMacroTargets bounds one bulk application, as BulkUpdateInquiries does.
const maxMacroTargets = 500

// ApplyMacro applies macro id to each inquiry in turn, each in a
// transaction of its own: an inquiry gets every action or none, and one
// inquiry's failure (closed by someone else, a tag too many) does not undo
// the others'. The macro is read once, before the first inquiry.
func (s *AutomationService) ApplyMacro(ctx context.Context, id int64, inquiryIDs []int64) ([]vocdesk.MacroResult, error) {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if len(inquiryIDs) == 0 {
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "name at least one inquiry")
	}
	if len(inquiryIDs) > maxMacroTargets {
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "at most %d inquiries at once", maxMacroTargets)
	}
	if err := canWriteInquiry(a, a.DeveloperID); err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	m, err := tx.macro(ctx, a, id)
	tx.Rollback()
	if err != nil {
		return nil, err
	}
	if m.Actions.AssignToMe && a.MemberID == 0 {
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "an API key is nobody: a macro that assigns to me needs a member")
	}
	results := make([]vocdesk.MacroResult, 0, len(inquiryIDs))
	seen := map[int64]bool{}
	for _, inID := range inquiryIDs {
		if seen[inID] {
			continue
		}
		seen[inID] = true
		err := s.db.inWrite(ctx, func(tx *Tx) error { return tx.applyMacro(ctx, a, m, inID) })
		r := vocdesk.MacroResult{InquiryID: inID}
		if err != nil {
			code := vocdesk.ErrorCode(err)
			if code == vocdesk.EINTERNAL {
				// A failure of the database is everyone's, not this
				// inquiry's: stop, reporting what was done so far.
				return results, err
			}
			r.Code, r.Error = code, vocdesk.ErrorMessage(err)
			r.Reason, r.Args = vocdesk.ErrorReason(err)
		}
		results = append(results, r)
	}
	return results, nil
}

// applyMacro is one inquiry's application in tx: the reply, the note, then
// tags, assignee and status in one update, each audited as the agent's own.
func (tx *Tx) applyMacro(ctx context.Context, a *vocdesk.Actor, m *vocdesk.Macro, inquiryID int64) error {
	in, err := tx.inquiryFor(ctx, a, inquiryID, true)
	if err != nil {
		return err
	}
	if err := canWriteInquiry(a, in.DeveloperID); err != nil {
		return err
	}
	act := m.Actions
	if act.CannedReplyID != 0 {
		body, _, err := tx.renderCanned(ctx, a, in, act.CannedReplyID, a.Name)
		if err != nil {
			return err
		}
		if err := vocdesk.ValidateBody(body); err != nil {
			return err
		}
		if err := tx.addMessage(ctx, a, in.ID, &vocdesk.Message{Body: body}, nil); err != nil {
			return err
		}
	}
	if note := strings.TrimSpace(act.Note); note != "" {
		if err := tx.addMessage(ctx, a, in.ID, &vocdesk.Message{Body: note, Internal: true}, nil); err != nil {
			return err
		}
	}
	var u vocdesk.InquiryUpdate
	u.AddTags, u.RemoveTags = act.AddTags, act.RemoveTags
	if act.AssigneeID != 0 {
		id := act.AssigneeID
		u.AssigneeID = &id
	} else if act.AssignToMe {
		id := a.MemberID
		u.AssigneeID = &id
	}
	if act.Status != "" {
		st := act.Status
		u.Status = &st
	}
	if u.AssigneeID == nil && u.Status == nil && len(u.AddTags)+len(u.RemoveTags) == 0 {
		return tx.auditMacro(ctx, a, m, in)
	}
	if err := checkUpdate(u); err != nil {
		return err
	}
	// The reply and the note changed the row: read it again under the lock.
	if in, err = tx.inquiryFor(ctx, a, inquiryID, false); err != nil {
		return err
	}
	if _, err := tx.applyUpdate(ctx, a, in, u); err != nil {
		return err
	}
	return tx.auditMacro(ctx, a, m, in)
}

// auditMacro records that the macro was applied; each of its actions is in
// the trail on its own as well.
func (tx *Tx) auditMacro(ctx context.Context, a *vocdesk.Actor, m *vocdesk.Macro, in *vocdesk.Inquiry) error {
	return tx.audit(ctx, a, change{action: "macro.applied", entity: "macro", entityID: m.ID, developerID: in.DeveloperID,
		after: struct {
			InquiryID int64                `json:"inquiry_id"`
			Actions   vocdesk.MacroActions `json:"actions"`
		}{in.ID, m.Actions}})
}
