package ui

import (
	"context"

	"github.com/vocdesk/vocdesk"
)

// addChannelState adds what the phone and social channels say about an
// inquiry: each answer's delivery to the social connector (to the desk's
// side), and the caller's consent (to the store, which recorded it).
func (h *handler) addChannelState(ctx context.Context, a *vocdesk.Actor, in *vocdesk.Inquiry, d *inquiryData) error {
	if h.svc.Social != nil && in.Channel == vocdesk.ChannelSocial {
		ds, err := h.svc.Social.FindReplyDeliveries(ctx, in.ID)
		if err != nil {
			return err
		}
		for _, m := range d.Messages {
			m.Social = ds[m.ID]
		}
		if d.Social, err = h.svc.Social.FindSocialThread(ctx, in.ID); err != nil {
			return err
		}
	}
	if h.svc.Calls != nil && a.IsOperator() && in.Channel == vocdesk.ChannelPhone {
		c, err := h.svc.Calls.FindConsent(ctx, in.ID)
		switch {
		case err == nil:
			d.Consent = c
		case vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND:
			return err
		}
	}
	return nil
}
