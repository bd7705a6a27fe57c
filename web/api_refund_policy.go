package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// refundPolicyJSON is the store's refund policy as operators edit it. Each
// max_amount is a decimal string in its rule's currency.
type refundPolicyJSON struct {
	AutoApprove []autoApproveJSON `json:"auto_approve"`
	Methods     []methodRuleJSON  `json:"methods"`
	UpdatedAt   *string           `json:"updated_at,omitempty"`
}

type autoApproveJSON struct {
	Currency   string `json:"currency"`
	MaxAmount  string `json:"max_amount"`
	WithinDays int    `json:"within_days"`
}

type methodRuleJSON struct {
	Method      string `json:"method"`
	Window      string `json:"window"`
	TimeZone    string `json:"time_zone"`
	AfterWindow string `json:"after_window"`
}

func newRefundPolicyJSON(p *vocdesk.RefundPolicy) refundPolicyJSON {
	out := refundPolicyJSON{AutoApprove: []autoApproveJSON{}, Methods: []methodRuleJSON{}}
	for _, r := range p.AutoApprove {
		out.AutoApprove = append(out.AutoApprove, autoApproveJSON{r.Currency, vocdesk.FormatAmount(r.MaxAmount, r.Currency), r.WithinDays})
	}
	for _, m := range p.Methods {
		out.Methods = append(out.Methods, methodRuleJSON{string(m.Method), m.Window, m.TimeZone, string(m.After)})
	}
	if !p.UpdatedAt.IsZero() {
		out.UpdatedAt = timePtrJSON(&p.UpdatedAt)
	}
	return out
}

func (s *Server) getRefundPolicy(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.cancellations()
	if err != nil {
		return err
	}
	p, err := svc.FindRefundPolicy(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newRefundPolicyJSON(p))
	return nil
}

// putRefundPolicy replaces the whole policy: what is not sent is gone.
func (s *Server) putRefundPolicy(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.cancellations()
	if err != nil {
		return err
	}
	var body refundPolicyJSON
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	if body.AutoApprove == nil || body.Methods == nil {
		return vocdesk.Errorf(vocdesk.EINVALID, "auto_approve and methods are required (send [] for none)")
	}
	p := &vocdesk.RefundPolicy{}
	for _, a := range body.AutoApprove {
		if a.Currency == "" || a.MaxAmount == "" {
			return vocdesk.Errorf(vocdesk.EINVALID, "auto_approve: currency and max_amount are required")
		}
		amount, err := vocdesk.ParseAmount(a.MaxAmount, a.Currency)
		if err != nil {
			return err
		}
		p.AutoApprove = append(p.AutoApprove, vocdesk.AutoApproveRule{Currency: a.Currency, MaxAmount: amount, WithinDays: a.WithinDays})
	}
	for _, m := range body.Methods {
		p.Methods = append(p.Methods, vocdesk.MethodRule{Method: vocdesk.Method(m.Method), Window: m.Window, TimeZone: m.TimeZone,
			After: vocdesk.RefundMethod(m.AfterWindow)})
	}
	if err := svc.UpdateRefundPolicy(r.Context(), p); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newRefundPolicyJSON(p))
	return nil
}
