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
	"unicode/utf8"

	"github.com/vocdesk/vocdesk"
)

// Tag limits: a tag is a short label, and an inquiry carries a few.
const (
	maxTagLen = 40
	maxTags   = 20
)

// UpdateInquiry changes status, assignee or tags: agents and above of the
// inquiry's developer; a customer may only mark their own inquiry resolved.
func (s *InquiryService) UpdateInquiry(ctx context.Context, id int64, u vocdesk.InquiryUpdate) (*vocdesk.Inquiry, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkUpdate(u); err != nil {
		return nil, err
	}
	var updated *vocdesk.Inquiry
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		in, err := tx.inquiryFor(ctx, a, id, true)
		if err != nil {
			return err
		}
		if _, err := tx.applyUpdate(ctx, a, in, u); err != nil {
			return err
		}
		updated = in
		return nil
	})
	if err != nil {
		return nil, err
	}
	maskInquiry(a, updated)
	return updated, nil
}

// BulkUpdateInquiries applies u to each inquiry the actor may change, in one
// transaction; ids it may not see are skipped.
func (s *InquiryService) BulkUpdateInquiries(ctx context.Context, ids []int64, u vocdesk.InquiryUpdate) (int, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return 0, err
	}
	if len(ids) > 500 {
		return 0, vocdesk.Errorf(vocdesk.EINVALID, "at most 500 inquiries at once")
	}
	if err := checkUpdate(u); err != nil {
		return 0, err
	}
	n := 0
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		for _, id := range ids {
			in, err := tx.inquiryFor(ctx, a, id, true)
			if vocdesk.ErrorCode(err) == vocdesk.ENOTFOUND {
				continue
			} else if err != nil {
				return err
			}
			changed, err := tx.applyUpdate(ctx, a, in, u)
			if err != nil {
				return err
			}
			if changed {
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// checkUpdate validates an update before any lookup.
func checkUpdate(u vocdesk.InquiryUpdate) error {
	if u.Status != nil && (!u.Status.Valid() || *u.Status == vocdesk.InquiryNew) {
		return vocdesk.Errorf(vocdesk.EINVALID, "status must be one of open, waiting_on_customer, resolved, closed")
	}
	if u.AssigneeID != nil && *u.AssigneeID < 0 {
		return vocdesk.Errorf(vocdesk.EINVALID, "assignee must be a member id, or 0 to unassign")
	}
	for _, t := range append(slices.Clone(u.AddTags), u.RemoveTags...) {
		if t = normalizeTag(t); t == "" || utf8.RuneCountInString(t) > maxTagLen {
			return vocdesk.Errorf(vocdesk.EINVALID, "a tag is 1 to %d characters", maxTagLen).Because("tag_length", maxTagLen)
		}
	}
	return nil
}

// normalizeTag makes "Refund " and "refund" one tag.
func normalizeTag(t string) string { return strings.ToLower(strings.TrimSpace(t)) }

// applyUpdate changes one inquiry and reports whether anything changed. Each
// change leaves a system event in the thread and an entry in the audit trail.
func (tx *Tx) applyUpdate(ctx context.Context, a *vocdesk.Actor, in *vocdesk.Inquiry, u vocdesk.InquiryUpdate) (bool, error) {
	if a.IsCustomer() {
		if u.AssigneeID != nil || len(u.AddTags)+len(u.RemoveTags) > 0 ||
			(u.Status != nil && *u.Status != vocdesk.InquiryResolved) {
			return false, vocdesk.Errorf(vocdesk.EFORBIDDEN, "customers may only mark their inquiry solved")
		}
	} else if err := canWriteInquiry(a, in.DeveloperID); err != nil {
		return false, err
	}
	before := viewOf(in)
	changed, statusChanged := false, false
	var mail *vocdesk.Mail
	survey := false

	if u.AssigneeID != nil && *u.AssigneeID != in.AssigneeID {
		ev, body := vocdesk.MessageEvent{Kind: vocdesk.EventUnassigned}, "Unassigned"
		if *u.AssigneeID != 0 {
			var name string
			err := tx.queryRow(ctx, `SELECT name FROM members WHERE id = $1 AND developer_id = $2`, *u.AssigneeID, in.DeveloperID).Scan(&name)
			if errors.Is(err, sql.ErrNoRows) {
				return false, vocdesk.Errorf(vocdesk.EINVALID, "assignee %d is not a member of this developer", *u.AssigneeID).Because("assignee_gone")
			} else if err != nil {
				return false, fmt.Errorf("sqlstore: assignee: %w", err)
			}
			in.AssigneeName = name
			ev = vocdesk.MessageEvent{Kind: vocdesk.EventAssigned, Params: map[string]string{"name": name}}
			body = "Assigned to " + name
		} else {
			in.AssigneeName = ""
		}
		in.AssigneeID = *u.AssigneeID
		if err := tx.systemEvent(ctx, in, ev, body); err != nil {
			return false, err
		}
		changed = true
	}

	if u.Status != nil && *u.Status != in.Status {
		from := in.Status
		if err := tx.moveStatus(ctx, in, *u.Status); err != nil {
			return false, err
		}
		switch in.Status {
		case vocdesk.InquiryResolved, vocdesk.InquiryClosed, vocdesk.InquiryWaitingOnCustomer:
			// Nothing waits for the developer any more.
			if err := tx.endWait(ctx, in); err != nil {
				return false, err
			}
		}
		if in.Status == vocdesk.InquiryResolved {
			in.UnreadByCustomer = a.IsDeveloper() || in.UnreadByCustomer
			// The first resolution asks the customer how it went, once
			// (survey.go): by the survey mail when the desk resolves it,
			// on the page when the customer does.
			first, err := tx.markSurveyed(ctx, in.ID)
			if err != nil {
				return false, err
			}
			switch {
			case first && a.IsDeveloper() && in.ContactEmail != "":
				survey = true
			case a.IsDeveloper():
				mail = statusMail(in, in.AppName)
			}
		}
		ev := vocdesk.MessageEvent{Kind: vocdesk.EventStatus, Params: map[string]string{"from": string(from), "to": string(in.Status), "by": a.Name}}
		body := fmt.Sprintf("Status: %s → %s (%s)", from, in.Status, a.Name)
		if err := tx.systemEvent(ctx, in, ev, body); err != nil {
			return false, err
		}
		changed, statusChanged = true, true
	}

	if len(u.AddTags)+len(u.RemoveTags) > 0 {
		tagsChanged, err := tx.changeTags(ctx, in, u.AddTags, u.RemoveTags)
		if err != nil {
			return false, err
		}
		changed = changed || tagsChanged
	}
	if !changed {
		return false, nil
	}
	if err := tx.saveInquiry(ctx, in); err != nil {
		return false, err
	}
	if mail != nil && mail.To != "" {
		if err := tx.threadMail(ctx, mail); err != nil {
			return false, err
		}
		key := fmt.Sprintf("mail.inquiry.%d.resolved.%d", in.ID, micros(tx.now))
		if err := tx.enqueue(ctx, vocdesk.JobSendMail, mail, tx.now, key); err != nil {
			return false, err
		}
	}
	if survey {
		if err := tx.enqueue(ctx, vocdesk.JobSendSurvey, surveyJob{InquiryID: in.ID}, tx.now, "survey:"+strconv.FormatInt(in.ID, 10)); err != nil {
			return false, err
		}
	}
	if err := tx.auditInquiry(ctx, a, "inquiry.updated", in, before, viewOf(in)); err != nil {
		return false, err
	}
	if statusChanged {
		// The change's time tells two changes to the same status apart;
		// a retried request changes nothing the second time.
		key := fmt.Sprintf("status.%s.%d", in.Status, micros(tx.now))
		if err := tx.runRules(ctx, in, vocdesk.RuleOnStatusChanged, key, ""); err != nil {
			return false, err
		}
	}
	return true, nil
}

// changeTags adds and removes tags, keeping in.Tags sorted.
func (tx *Tx) changeTags(ctx context.Context, in *vocdesk.Inquiry, add, remove []string) (bool, error) {
	changed := false
	for _, t := range remove {
		t = normalizeTag(t)
		if i := slices.Index(in.Tags, t); i >= 0 {
			if _, err := tx.exec(ctx, `DELETE FROM inquiry_tags WHERE inquiry_id = $1 AND tag = $2`, in.ID, t); err != nil {
				return false, fmt.Errorf("sqlstore: remove tag: %w", err)
			}
			in.Tags = slices.Delete(in.Tags, i, i+1)
			changed = true
		}
	}
	for _, t := range add {
		t = normalizeTag(t)
		if slices.Contains(in.Tags, t) {
			continue
		}
		if len(in.Tags) >= maxTags {
			return false, vocdesk.Errorf(vocdesk.EINVALID, "an inquiry carries at most %d tags", maxTags).Because("tags_max", maxTags)
		}
		if _, err := tx.exec(ctx, `INSERT INTO inquiry_tags (inquiry_id, developer_id, tag) VALUES ($1, $2, $3)`,
			in.ID, in.DeveloperID, t); err != nil {
			return false, fmt.Errorf("sqlstore: add tag: %w", err)
		}
		in.Tags = append(in.Tags, t)
		changed = true
	}
	if !changed {
		return false, nil
	}
	// The row's copy, which the inbox reads (migration 00054).
	slices.Sort(in.Tags)
	tags := []byte("[]")
	if len(in.Tags) > 0 {
		var err error
		if tags, err = json.Marshal(in.Tags); err != nil {
			return false, fmt.Errorf("sqlstore: tags: %w", err)
		}
	}
	if _, err := tx.exec(ctx, `UPDATE inquiries SET tags = $2 WHERE id = $1`, in.ID, string(tags)); err != nil {
		return false, fmt.Errorf("sqlstore: tags: %w", err)
	}
	return true, nil
}

// RateInquiry records the signed-in customer's rating (1-5) and comment of
// their own inquiry, under the rules of vocdesk.RatingOpen.
func (s *InquiryService) RateInquiry(ctx context.Context, id int64, rating int, comment string) error {
	a, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	if err := checkRating(rating, comment); err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		in, err := tx.inquiryFor(ctx, a, id, true)
		if err != nil {
			return err
		}
		if !a.IsCustomer() {
			return vocdesk.Errorf(vocdesk.EFORBIDDEN, "only the customer rates an inquiry")
		}
		return tx.rate(ctx, a, in, rating, comment, "signed_in")
	})
}

// MarkRead clears the actor's side's unread marker: the customer's, or the
// developer's for any of its members. Operators have no marker.
func (s *InquiryService) MarkRead(ctx context.Context, id int64) error {
	a, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	col := ""
	switch {
	case a.IsCustomer():
		col = "unread_by_customer"
	case a.IsDeveloper():
		col = "unread_by_developer"
	}
	var c conds
	c.add("i.id = ?", id)
	scopeInquiries(&c, a, "i")
	return s.db.inWrite(ctx, func(tx *Tx) error {
		var one int
		if err := tx.queryRow(ctx, `SELECT 1 FROM inquiries i`+c.where(), c.args...).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return vocdesk.NotFound("inquiry")
		} else if err != nil {
			return fmt.Errorf("sqlstore: mark read: %w", err)
		}
		if col == "" {
			return nil
		}
		if _, err := tx.exec(ctx, `UPDATE inquiries SET `+col+` = $2 WHERE id = $1`, id, false); err != nil {
			return fmt.Errorf("sqlstore: mark read: %w", err)
		}
		return nil
	})
}
