package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// ReportService implements vocdesk.ReportService on inquiry_stats, the
// refund ledger, purchases and reconciliations.
type ReportService struct {
	db *DB
	// direct reads every figure from inquiry_stats itself, never from the
	// daily counters (inquiry_days): the tests compare the two.
	direct bool
}

// NewReportService returns the reports on db.
func NewReportService(db *DB) vocdesk.ReportService { return &ReportService{db: db} }

// reportScope is who and what a report counts: developer 0 is the whole
// store (operators only), app 0 every app.
type reportScope struct {
	developerID, appID int64
}

// scope resolves a report's filter for the actor: a developer reads its
// own (a slug naming another developer, or another's app, is not found,
// exactly like one that does not exist); an operator the store or one
// developer; customers nothing.
func (tx *Tx) reportScope(ctx context.Context, a *vocdesk.Actor, f vocdesk.ReportFilter) (reportScope, error) {
	var s reportScope
	switch {
	case a.IsDeveloper():
		s.developerID = a.DeveloperID
		if f.DeveloperSlug != "" {
			id, err := tx.targetDeveloper(ctx, a, f.DeveloperSlug)
			if err != nil {
				return s, err
			}
			s.developerID = id
		}
	case a.IsOperator():
		if f.DeveloperSlug != "" {
			id, err := tx.targetDeveloper(ctx, a, f.DeveloperSlug)
			if err != nil {
				return s, err
			}
			s.developerID = id
		}
	default:
		return s, vocdesk.NotFound("report")
	}
	if f.AppSlug != "" {
		var c conds
		c.add("a.slug = ?", f.AppSlug)
		if s.developerID != 0 {
			c.add(idIs("a.developer_id"), s.developerID)
		}
		scopeApps(&c, a, "a")
		err := tx.queryRow(ctx, `SELECT a.id FROM apps a`+c.where(), c.args...).Scan(&s.appID)
		if errors.Is(err, sql.ErrNoRows) {
			return s, vocdesk.NotFound("app")
		} else if err != nil {
			return s, fmt.Errorf("sqlstore: report app: %w", err)
		}
	}
	return s, nil
}

// where adds the scope's conditions on a table with developer_id and
// app_id columns under alias t (app: the app column's name, "" when the
// table has none and the caller joins purchases instead).
func (s reportScope) where(c *conds, dev, app string) {
	if s.developerID != 0 {
		c.add(idIs(dev), s.developerID)
	}
	if s.appID != 0 && app != "" {
		c.add(idIs(app), s.appID)
	}
}

// beginReport opens a read transaction for a report and resolves its scope.
func (r *ReportService) beginReport(ctx context.Context, f vocdesk.ReportFilter) (*Tx, reportScope, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, reportScope{}, err
	}
	if err := f.Validate(); err != nil {
		return nil, reportScope{}, err
	}
	tx, err := r.db.beginRead(ctx)
	if err != nil {
		return nil, reportScope{}, err
	}
	s, err := tx.reportScope(ctx, a, f)
	if err != nil {
		tx.Rollback()
		return nil, reportScope{}, err
	}
	return tx, s, nil
}

// appNames maps app ids to slugs and names, in one query.
func (tx *Tx) appNames(ctx context.Context, ids map[int64]bool) (map[int64][2]string, error) {
	out := make(map[int64][2]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var c conds
	list := make([]string, 0, len(ids))
	for id := range ids {
		list = append(list, c.next(id))
	}
	rows, err := tx.query(ctx, `SELECT id, slug, name FROM apps WHERE id IN (`+strings.Join(list, ", ")+`)`, c.args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: report apps: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var slug, name string
		if err := rows.Scan(&id, &slug, &name); err != nil {
			return nil, fmt.Errorf("sqlstore: report apps: %w", err)
		}
		out[id] = [2]string{slug, name}
	}
	return out, rows.Err()
}
