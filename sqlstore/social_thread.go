package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/vocdesk/vocdesk"
)

// FindSocialThread implements vocdesk.SocialService: the desk's side reads
// where a social inquiry's conversation is. Another developer's inquiry is
// ENOTFOUND (inquiryFor); customers, and inquiries of other channels, get
// nil.
func (s *SocialService) FindSocialThread(ctx context.Context, inquiryID int64) (*vocdesk.SocialThread, error) {
	return deskSideRead(ctx, s.db, inquiryID, func(tx *Tx) (*vocdesk.SocialThread, error) {
		t := &vocdesk.SocialThread{InquiryID: inquiryID}
		err := tx.queryRow(ctx, `SELECT c.network, c.name, t.handle, t.url
			FROM social_threads t JOIN social_connectors c ON c.id = t.connector_id WHERE t.inquiry_id = $1`, inquiryID).
			Scan(&t.Network, &t.Connector, &t.Handle, &t.URL)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		} else if err != nil {
			return nil, fmt.Errorf("sqlstore: social thread: %w", err)
		}
		return t, nil
	})
}
