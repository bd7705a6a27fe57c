package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vocdesk/vocdesk"
)

// The remembered column map is stored as JSON, not as "field=column": a
// column name may hold "," or "=" when it came from the console's form.
func columnsJSON(m vocdesk.ColumnMap) string {
	if len(m) == 0 {
		return ""
	}
	b, _ := json.Marshal(m) // a map of strings always marshals
	return string(b)
}

func parseColumnsJSON(s string) vocdesk.ColumnMap {
	m := vocdesk.ColumnMap{}
	if s != "" {
		_ = json.Unmarshal([]byte(s), &m) // written by columnsJSON only
	}
	return m
}

// ReconSettings returns the caller's settings, defaults when none are
// stored.
func (s *ReconciliationService) ReconSettings(ctx context.Context) (*vocdesk.ReconSettings, error) {
	a, err := developerFrom(ctx, vocdesk.RoleViewer)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return tx.reconSettings(ctx, a.DeveloperID)
}

func (tx *Tx) reconSettings(ctx context.Context, devID int64) (*vocdesk.ReconSettings, error) {
	var cols string
	var continuous int
	var deadline int64
	err := tx.queryRow(ctx, `SELECT columns, continuous, deadline_us FROM recon_settings WHERE developer_id = $1`, devID).
		Scan(&cols, &continuous, &deadline)
	if errors.Is(err, sql.ErrNoRows) {
		return &vocdesk.ReconSettings{Columns: vocdesk.ColumnMap{}, DeliveryDeadline: vocdesk.DefaultDeliveryDeadline}, nil
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: recon settings: %w", err)
	}
	return &vocdesk.ReconSettings{Columns: parseColumnsJSON(cols), Continuous: continuous == 1,
		DeliveryDeadline: time.Duration(deadline) * time.Microsecond}, nil
}

// ensureSettings creates the developer's settings row with defaults.
func (tx *Tx) ensureSettings(ctx context.Context, devID int64) error {
	_, err := tx.exec(ctx, `INSERT INTO recon_settings (developer_id, updated_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
		devID, micros(tx.now))
	if err != nil {
		return fmt.Errorf("sqlstore: recon settings: %w", err)
	}
	return nil
}

// startWatch turns continuous mode on with a developer's first pushed
// delivery, watching purchases paid from now on: flagging the whole
// history of a developer who just started pushing would bury the few real
// misses under every purchase ever made.
func (tx *Tx) startWatch(ctx context.Context, devID int64) error {
	if err := tx.ensureSettings(ctx, devID); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `UPDATE recon_settings SET continuous = 1, watch_since = $2, swept_until = $2, updated_at = $2
		WHERE developer_id = $1 AND watch_since IS NULL`, devID, micros(tx.now))
	if err != nil {
		return fmt.Errorf("sqlstore: start watch: %w", err)
	}
	return nil
}

// SetReconSettings changes the caller's settings: owners and admins (and
// API keys, which act as admins).
func (s *ReconciliationService) SetReconSettings(ctx context.Context, set *vocdesk.ReconSettings) error {
	a, err := developerFrom(ctx, vocdesk.RoleAdmin)
	if err != nil {
		return err
	}
	if set.DeliveryDeadline < time.Minute || set.DeliveryDeadline > 30*24*time.Hour {
		return vocdesk.Errorf(vocdesk.EINVALID, "delivery_deadline must be from 1 minute to 30 days")
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		before, err := tx.reconSettings(ctx, a.DeveloperID)
		if err != nil {
			return err
		}
		if err := tx.ensureSettings(ctx, a.DeveloperID); err != nil {
			return err
		}
		on := 0
		if set.Continuous {
			on = 1
		}
		// Turning the watch on starts it now, for the same reason as
		// startWatch; turning it off forgets where it was.
		_, err = tx.exec(ctx, `UPDATE recon_settings SET columns = $2, continuous = $3, deadline_us = $4, updated_at = $5,
			watch_since = CASE WHEN $3 = 1 THEN COALESCE(watch_since, $5) ELSE NULL END,
			swept_until = CASE WHEN $3 = 1 THEN COALESCE(swept_until, $5) ELSE NULL END
			WHERE developer_id = $1`,
			a.DeveloperID, columnsJSON(set.Columns), on, set.DeliveryDeadline.Microseconds(), micros(tx.now))
		if err != nil {
			return fmt.Errorf("sqlstore: set recon settings: %w", err)
		}
		return tx.audit(ctx, a, change{action: "recon_settings.changed", entity: "developer", entityID: a.DeveloperID,
			developerID: a.DeveloperID, before: before, after: set})
	})
}

// rememberColumns stores the mapping an upload used, so the next upload
// starts from it.
func (tx *Tx) rememberColumns(ctx context.Context, devID int64, m vocdesk.ColumnMap) error {
	if err := tx.ensureSettings(ctx, devID); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `UPDATE recon_settings SET columns = $2, updated_at = $3 WHERE developer_id = $1`,
		devID, columnsJSON(m), micros(tx.now))
	if err != nil {
		return fmt.Errorf("sqlstore: remember columns: %w", err)
	}
	return nil
}
