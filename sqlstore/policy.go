package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/vocdesk/vocdesk"
)

// policyJSON is the stored form of the refund policy: one row of JSON, so
// operators can change the rules without a migration.
type policyJSON struct {
	AutoApprove []struct {
		Currency   string `json:"currency"`
		MaxAmount  int64  `json:"max_amount"`
		WithinDays int    `json:"within_days"`
	} `json:"auto_approve"`
	Methods []struct {
		Method   string `json:"method"`
		Window   string `json:"window"`
		TimeZone string `json:"time_zone"`
		After    string `json:"after_window"`
	} `json:"methods"`
}

// refundPolicy reads the store's policy, or the default before an operator
// has set one.
func (tx *Tx) refundPolicy(ctx context.Context) (*vocdesk.RefundPolicy, error) {
	var body string
	var updated int64
	err := tx.queryRow(ctx, `SELECT policy, updated_at FROM refund_policy WHERE id = 1`).Scan(&body, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return vocdesk.DefaultRefundPolicy(), nil
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: refund policy: %w", err)
	}
	var pj policyJSON
	if err := json.Unmarshal([]byte(body), &pj); err != nil {
		return nil, fmt.Errorf("sqlstore: refund policy: %w", err)
	}
	p := &vocdesk.RefundPolicy{AutoApprove: []vocdesk.AutoApproveRule{}, Methods: []vocdesk.MethodRule{}, UpdatedAt: fromMicros(updated)}
	for _, r := range pj.AutoApprove {
		p.AutoApprove = append(p.AutoApprove, vocdesk.AutoApproveRule{Currency: r.Currency, MaxAmount: r.MaxAmount, WithinDays: r.WithinDays})
	}
	for _, m := range pj.Methods {
		p.Methods = append(p.Methods, vocdesk.MethodRule{Method: vocdesk.Method(m.Method), Window: m.Window, TimeZone: m.TimeZone, After: vocdesk.RefundMethod(m.After)})
	}
	return p, nil
}

// FindRefundPolicy implements vocdesk.CancellationService. Operators only.
func (s *CancellationService) FindRefundPolicy(ctx context.Context) (*vocdesk.RefundPolicy, error) {
	if _, err := operatorFrom(ctx); err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return tx.refundPolicy(ctx)
}

// UpdateRefundPolicy implements vocdesk.CancellationService: it replaces
// the policy, audited with the policy before and after. Operators only.
func (s *CancellationService) UpdateRefundPolicy(ctx context.Context, p *vocdesk.RefundPolicy) error {
	a, err := operatorFrom(ctx)
	if err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	var pj policyJSON
	for _, r := range p.AutoApprove {
		pj.AutoApprove = append(pj.AutoApprove, struct {
			Currency   string `json:"currency"`
			MaxAmount  int64  `json:"max_amount"`
			WithinDays int    `json:"within_days"`
		}{r.Currency, r.MaxAmount, r.WithinDays})
	}
	for _, m := range p.Methods {
		pj.Methods = append(pj.Methods, struct {
			Method   string `json:"method"`
			Window   string `json:"window"`
			TimeZone string `json:"time_zone"`
			After    string `json:"after_window"`
		}{string(m.Method), m.Window, m.TimeZone, string(m.After)})
	}
	body, err := json.Marshal(pj)
	if err != nil {
		return fmt.Errorf("sqlstore: refund policy: %w", err)
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		old, err := tx.refundPolicy(ctx)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO refund_policy (id, policy, updated_at) VALUES (1, $1, $2)
			ON CONFLICT (id) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at`, string(body), micros(tx.now)); err != nil {
			return fmt.Errorf("sqlstore: update refund policy: %w", err)
		}
		p.UpdatedAt = tx.now
		return tx.audit(ctx, a, change{action: "refund_policy.updated", entity: "refund_policy", entityID: 1, before: old, after: pj})
	})
}
