package sqlstore

import (
	"context"
	"fmt"

	"github.com/vocdesk/vocdesk"
)

// The store's hand: an operator answering a customer in the store's name,
// or cancelling a purchase on the store's initiative (a request with source
// operator, approved at once; cancellationChanged tells the developer by
// webhook and the inquiry's thread). Each counts against the developer.

// storeAnswered handles an operator's answer to a customer. On an escalated
// inquiry it is the answer the customer was waiting for, given in the
// developer's place: the inquiry waits on the customer now, leaves the
// escalation queue, and the answer counts against the developer. On any
// other inquiry an operator's message is only a message.
func (tx *Tx) storeAnswered(ctx context.Context, in *vocdesk.Inquiry, m *vocdesk.Message) error {
	if in.EscalatedAt == nil {
		return nil
	}
	if err := tx.moveStatus(ctx, in, vocdesk.InquiryWaitingOnCustomer); err != nil {
		return err
	}
	if err := tx.endWait(ctx, in); err != nil {
		return err
	}
	return tx.storeIntervened(ctx, in.DeveloperID, in.ID, "answer", m.ID)
}

func (tx *Tx) storeIntervened(ctx context.Context, developerID, inquiryID int64, kind string, ref int64) error {
	var inquiry any
	if inquiryID != 0 {
		inquiry = inquiryID
	}
	_, err := tx.exec(ctx, `INSERT INTO store_interventions (developer_id, inquiry_id, kind, ref_id, at) VALUES ($1, $2, $3, $4, $5)`,
		developerID, inquiry, kind, ref, micros(tx.now))
	if err != nil {
		return fmt.Errorf("sqlstore: store intervention: %w", err)
	}
	return nil
}
