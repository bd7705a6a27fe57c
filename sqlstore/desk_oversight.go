package sqlstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// AddDeveloperNote puts an operator's note on a developer's record.
func (s *DeskService) AddDeveloperNote(ctx context.Context, n *vocdesk.DeveloperNote) error {
	a, err := operatorFrom(ctx)
	if err != nil {
		return err
	}
	if err := vocdesk.ValidateBody(n.Body); err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		devID, err := tx.targetDeveloper(ctx, a, n.DeveloperSlug)
		if err != nil {
			return err
		}
		n.Body = strings.TrimSpace(n.Body)
		err = tx.queryRow(ctx, `INSERT INTO developer_notes (developer_id, operator_id, author_name, body, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, devID, a.OperatorID, a.Name, n.Body, micros(tx.now)).Scan(&n.ID)
		if err != nil {
			return fmt.Errorf("sqlstore: add developer note: %w", err)
		}
		n.DeveloperID, n.OperatorID, n.AuthorName, n.CreatedAt = devID, a.OperatorID, a.Name, tx.now
		return tx.audit(ctx, a, change{action: "developer_note.added", entity: "developer_note", entityID: n.ID, developerID: devID, after: n})
	})
}

// FindDeveloperNotes lists the notes on a developer's record, newest first.
func (s *DeskService) FindDeveloperNotes(ctx context.Context, developerSlug string) ([]*vocdesk.DeveloperNote, error) {
	if _, err := operatorFrom(ctx); err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT n.id, n.developer_id, d.slug, n.operator_id, n.author_name, n.body, n.created_at
		FROM developer_notes n JOIN developers d ON d.id = n.developer_id WHERE d.slug = $1 ORDER BY n.id DESC`, developerSlug)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: developer notes: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.DeveloperNote
	for rows.Next() {
		var n vocdesk.DeveloperNote
		var created int64
		if err := rows.Scan(&n.ID, &n.DeveloperID, &n.DeveloperSlug, &n.OperatorID, &n.AuthorName, &n.Body, &created); err != nil {
			return nil, fmt.Errorf("sqlstore: developer notes: %w", err)
		}
		n.CreatedAt = fromMicros(created)
		list = append(list, &n)
	}
	return list, rows.Err()
}

// EscalateOverdue escalates every inquiry whose store deadline has passed
// and that is not escalated yet: it enters the operators' queue
// (InquiryFilter.Escalated), the thread gets a system event, the audit trail
// an entry, and inquiry_escalations a row that counts against the
// developer. The partial index inquiries_escalate holds only candidates, so
// a sweep costs what it escalates. A reply or resolution ends the wait and
// takes the inquiry out of the queue (endWait).
func (s *DeskService) EscalateOverdue(ctx context.Context) (int, error) {
	a, err := operatorFrom(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT id FROM inquiries WHERE escalate_at <= $1 AND escalated_at IS NULL ORDER BY escalate_at LIMIT 1000`, micros(tx.now))
		if err != nil {
			return fmt.Errorf("sqlstore: escalate: %w", err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("sqlstore: escalate: %w", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlstore: escalate: %w", err)
		}
		for _, id := range ids {
			in, err := tx.inquiryFor(ctx, a, id, true)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `UPDATE inquiries SET escalated_at = $2 WHERE id = $1`, id, micros(tx.now)); err != nil {
				return fmt.Errorf("sqlstore: escalate: %w", err)
			}
			if _, err := tx.exec(ctx, `INSERT INTO inquiry_escalations (inquiry_id, developer_id, at) VALUES ($1, $2, $3)`,
				id, in.DeveloperID, micros(tx.now)); err != nil {
				return fmt.Errorf("sqlstore: escalate: %w", err)
			}
			if err := tx.systemEvent(ctx, in, vocdesk.MessageEvent{Kind: vocdesk.EventEscalated}, "Escalated to the store: unanswered past the store's deadline"); err != nil {
				return err
			}
			if err := tx.auditInquiry(ctx, a, "inquiry.escalated", in, nil, map[string]any{"escalated_at": tx.now}); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, err
}

// FindEscalationCounts counts escalations per developer: open (in the queue
// now) and total (ever), most open first. Operators only.
func (s *DeskService) FindEscalationCounts(ctx context.Context) ([]*vocdesk.EscalationCount, error) {
	if _, err := operatorFrom(ctx); err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT d.id, d.slug, d.name,
		(SELECT COUNT(*) FROM inquiries i WHERE i.developer_id = d.id AND i.escalated_at IS NOT NULL),
		t.n,
		(SELECT COUNT(*) FROM store_interventions s WHERE s.developer_id = d.id AND s.kind = 'answer'),
		(SELECT COUNT(*) FROM store_interventions s WHERE s.developer_id = d.id AND s.kind = 'cancel')
		FROM (SELECT developer_id, COUNT(*) AS n FROM inquiry_escalations GROUP BY developer_id) t
		JOIN developers d ON d.id = t.developer_id`)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: escalation counts: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.EscalationCount
	for rows.Next() {
		var e vocdesk.EscalationCount
		if err := rows.Scan(&e.DeveloperID, &e.DeveloperSlug, &e.DeveloperName, &e.Open, &e.Total, &e.StoreAnswers, &e.StoreCancellations); err != nil {
			return nil, fmt.Errorf("sqlstore: escalation counts: %w", err)
		}
		list = append(list, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: escalation counts: %w", err)
	}
	sortEscalations(list)
	return list, nil
}

// sortEscalations orders most open first, then most ever, then by slug.
func sortEscalations(list []*vocdesk.EscalationCount) {
	slices.SortFunc(list, func(x, y *vocdesk.EscalationCount) int {
		if c := cmp.Compare(y.Open, x.Open); c != 0 {
			return c
		}
		if c := cmp.Compare(y.Total, x.Total); c != 0 {
			return c
		}
		return strings.Compare(x.DeveloperSlug, y.DeveloperSlug)
	})
}
