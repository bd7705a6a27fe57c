package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/vocdesk/vocdesk"
)

// ReplyToReview sets or replaces the developer's official reply (agents and
// above); the reviewer is told by mail.
func (s *ReviewService) ReplyToReview(ctx context.Context, id int64, body string) (*vocdesk.Review, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if a.IsCustomer() {
		return nil, errNotFound
	}
	if body, err = vocdesk.CleanReviewText("body", body, 1, vocdesk.MaxReplyBody); err != nil {
		return nil, err
	}
	var out *vocdesk.Review
	err = s.changeReview(ctx, a, id, func(tx *Tx, r *vocdesk.Review) error {
		// The reply is the developer's voice: operators moderate, they do
		// not answer for the developer.
		if a.IsOperator() {
			return vocdesk.Errorf(vocdesk.EFORBIDDEN, "operators moderate reviews; the developer replies")
		}
		if err := canManage(a, r.DeveloperID, vocdesk.RoleAgent); err != nil {
			return err
		}
		before := reviewViewOf(r)
		first := r.Reply == nil
		if first {
			r.Reply = &vocdesk.ReviewReply{Body: body, CreatedAt: tx.now, UpdatedAt: tx.now}
		} else {
			r.Reply.Body, r.Reply.UpdatedAt = body, tx.now
		}
		if _, err := tx.exec(ctx, `UPDATE reviews SET reply_body = $1, reply_at = $2, reply_updated_at = $3 WHERE id = $4`,
			body, micros(r.Reply.CreatedAt), micros(tx.now), r.ID); err != nil {
			return fmt.Errorf("sqlstore: reply to review: %w", err)
		}
		out = r
		if first {
			if err := tx.tellReviewer(ctx, r, "replied", ""); err != nil {
				return err
			}
		}
		return tx.auditReview(ctx, a, "review.replied", r, before, reviewViewOf(r))
	})
	return out, err
}

// ReportReview asks the store to look at a review: a developer's agents and
// above report their own apps' reviews. A second report while one is open
// answers the open one.
func (s *ReviewService) ReportReview(ctx context.Context, id int64, reason string) (*vocdesk.ReviewReport, error) {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if reason, err = cleanReason(reason); err != nil {
		return nil, err
	}
	var out *vocdesk.ReviewReport
	err = s.changeReview(ctx, a, id, func(tx *Tx, r *vocdesk.Review) error {
		if err := canManage(a, r.DeveloperID, vocdesk.RoleAgent); err != nil {
			return err
		}
		rep := &vocdesk.ReviewReport{ReviewID: r.ID, Review: r, DeveloperID: a.DeveloperID, ReporterName: a.Name,
			Reason: reason, Status: vocdesk.ReportOpen, CreatedAt: tx.now}
		err = tx.queryRow(ctx, `SELECT id, reporter_name, reason, created_at FROM review_reports
			WHERE review_id = $1 AND developer_id = $2 AND status = 'open'`, r.ID, a.DeveloperID).
			Scan(&rep.ID, &rep.ReporterName, &rep.Reason, new(int64))
		if err == nil {
			out = rep
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlstore: review report: %w", err)
		}
		if err := tx.queryRow(ctx, `INSERT INTO review_reports (review_id, developer_id, reporter_name, reason, status, created_at)
			VALUES ($1, $2, $3, $4, 'open', $5) RETURNING id`, r.ID, a.DeveloperID, a.Name, reason, micros(tx.now)).Scan(&rep.ID); err != nil {
			return conflictOr(err, "review report", "this review is reported already")
		}
		before := reviewViewOf(r)
		if _, err := tx.exec(ctx, `UPDATE reviews SET open_reports = open_reports + 1 WHERE id = $1`, r.ID); err != nil {
			return fmt.Errorf("sqlstore: review report: %w", err)
		}
		r.OpenReports++
		out = rep
		return tx.auditReview(ctx, a, "review.reported", r, before, struct {
			reviewView
			ReportID int64  `json:"report_id"`
			Reason   string `json:"reason"`
		}{reviewViewOf(r), rep.ID, reason})
	})
	return out, err
}

// FindReviewReports is the store's queue: reports with their reviews,
// oldest first, so the longest waiting is decided first (operators).
func (s *ReviewService) FindReviewReports(ctx context.Context, f vocdesk.ReviewReportFilter) ([]*vocdesk.ReviewReport, string, error) {
	if _, err := operatorFrom(ctx); err != nil {
		return nil, "", err
	}
	var c conds
	switch f.Status {
	case "", vocdesk.ReportOpen:
		c.add("rr.status = 'open'")
	case vocdesk.ReportHidden, vocdesk.ReportKept:
		c.add("rr.status = ?", f.Status)
	case "all":
	default:
		return nil, "", vocdesk.Errorf(vocdesk.EINVALID, "status must be open, hidden, kept or all")
	}
	if f.Cursor != "" {
		keys, err := decodeReviewCursor(f.Cursor, "reports", 2)
		if err != nil {
			return nil, "", err
		}
		c.add("(rr.created_at > ? OR (rr.created_at = ? AND rr.id > ?))", keys[0], keys[0], keys[1])
	}
	limit := reviewLimit(f.Limit)
	q := `SELECT rr.id, rr.review_id, rr.developer_id, rr.reporter_name, rr.reason, rr.status, rr.created_at, rr.resolved_at
		FROM review_reports rr` + c.where() + ` ORDER BY rr.created_at, rr.id LIMIT ` + c.next(limit+1)
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, q, c.args...)
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: review reports: %w", err)
	}
	var list []*vocdesk.ReviewReport
	for rows.Next() {
		var rep vocdesk.ReviewReport
		var created int64
		var resolved sql.NullInt64
		if err := rows.Scan(&rep.ID, &rep.ReviewID, &rep.DeveloperID, &rep.ReporterName, &rep.Reason, &rep.Status, &created, &resolved); err != nil {
			rows.Close()
			return nil, "", fmt.Errorf("sqlstore: review reports: %w", err)
		}
		rep.CreatedAt, rep.ResolvedAt = fromMicros(created), nullMicros(resolved)
		list = append(list, &rep)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("sqlstore: review reports: %w", err)
	}
	next := ""
	if len(list) > limit {
		list = list[:limit]
		last := list[limit-1]
		next = encodeReviewCursor("reports", micros(last.CreatedAt), last.ID)
	}
	op := vocdesk.SystemActor()
	for _, rep := range list {
		if rep.Review, err = tx.reviewFor(ctx, op, rep.ReviewID); err != nil {
			return nil, "", err
		}
	}
	return list, next, nil
}

// HideReview takes a review off the public page and out of the counts.
func (s *ReviewService) HideReview(ctx context.Context, id int64, reason string) (*vocdesk.Review, error) {
	return s.moderate(ctx, id, reason, true)
}

// RestoreReview shows a hidden review again, or keeps a reported one.
func (s *ReviewService) RestoreReview(ctx context.Context, id int64, reason string) (*vocdesk.Review, error) {
	return s.moderate(ctx, id, reason, false)
}

// moderate hides or shows a review, closes its open reports with the
// decision, and tells the author when the review's visibility changed.
func (s *ReviewService) moderate(ctx context.Context, id int64, reason string, hide bool) (*vocdesk.Review, error) {
	a, err := operatorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if reason, err = cleanReason(reason); err != nil {
		return nil, err
	}
	var out *vocdesk.Review
	err = s.changeReview(ctx, a, id, func(tx *Tx, r *vocdesk.Review) error {
		before := reviewViewOf(r)
		wasHidden := r.HiddenAt != nil
		status, action := vocdesk.ReportKept, "review.restored"
		if hide {
			status, action = vocdesk.ReportHidden, "review.hidden"
		}
		if _, err := tx.exec(ctx, `UPDATE review_reports SET status = $1, resolved_at = $2 WHERE review_id = $3 AND status = 'open'`,
			status, micros(tx.now), r.ID); err != nil {
			return fmt.Errorf("sqlstore: moderate review: %w", err)
		}
		r.OpenReports = 0
		switch {
		case hide && !wasHidden:
			t := tx.now
			r.HiddenAt, r.HiddenReason = &t, reason
			if err := tx.countRating(ctx, r.AppID, r.Rating, -1); err != nil {
				return err
			}
		case !hide && wasHidden:
			r.HiddenAt, r.HiddenReason = nil, ""
			if err := tx.countRating(ctx, r.AppID, r.Rating, 1); err != nil {
				return err
			}
		case hide:
			r.HiddenReason = reason
		}
		if _, err := tx.exec(ctx, `UPDATE reviews SET hidden_at = $1, hidden_reason = $2, open_reports = 0 WHERE id = $3`,
			nullTime(r.HiddenAt), r.HiddenReason, r.ID); err != nil {
			return fmt.Errorf("sqlstore: moderate review: %w", err)
		}
		out = r
		if hide != wasHidden {
			kind := "restored"
			if hide {
				kind = "hidden"
			}
			if err := tx.tellReviewer(ctx, r, kind, reason); err != nil {
				return err
			}
		}
		return tx.auditReview(ctx, a, action, r, before, struct {
			reviewView
			Decision string `json:"reason"`
		}{reviewViewOf(r), reason})
	})
	return out, err
}

// MarkHelpful records the customer's "helpful" on someone else's visible
// review, once.
func (s *ReviewService) MarkHelpful(ctx context.Context, id int64) (*vocdesk.Review, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if !a.IsCustomer() {
		return nil, errNotFound
	}
	var out *vocdesk.Review
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		r, err := tx.reviewFor(ctx, vocdesk.SystemActor(), id)
		if err != nil {
			return err
		}
		if r.HiddenAt != nil {
			return vocdesk.NotFound("review")
		}
		if r.CustomerID == a.CustomerID {
			return vocdesk.Errorf(vocdesk.EUNPROCESSABLE, "you cannot mark your own review helpful")
		}
		res, err := tx.exec(ctx, `INSERT INTO review_votes (review_id, customer_id, created_at) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, r.ID, a.CustomerID, micros(tx.now))
		if err != nil {
			return fmt.Errorf("sqlstore: helpful: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			if _, err := tx.exec(ctx, `UPDATE reviews SET helpful = helpful + 1 WHERE id = $1`, r.ID); err != nil {
				return fmt.Errorf("sqlstore: helpful: %w", err)
			}
			r.Helpful++
			tx.reviewPagesChanged(reviewPageChange{app: r.AppID, dev: r.DeveloperID})
		}
		out = r
		return nil
	})
	return out, err
}

// tellReviewer mails the reviewer, in their language, that the developer
// replied or that the store hid or restored their review (and why).
func (tx *Tx) tellReviewer(ctx context.Context, r *vocdesk.Review, kind, reason string) error {
	var email, locale string
	if err := tx.queryRow(ctx, `SELECT email, locale FROM customers WHERE id = $1`, r.CustomerID).Scan(&email, &locale); err != nil {
		return fmt.Errorf("sqlstore: reviewer: %w", err)
	}
	subject, text := vocdesk.ReviewNotice(locale, r, kind, reason)
	mail := &vocdesk.Mail{To: email, Subject: subject, Text: text}
	return tx.enqueue(ctx, vocdesk.JobSendMail, mail, tx.now, fmt.Sprintf("mail.review.%d.%s.%d", r.ID, kind, micros(tx.now)))
}
