package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// callJSON is POST /calls: the call-centre tools' way to log a call.
// consent is required, so that a tool cannot forget to ask.
type callJSON struct {
	Customer string `json:"customer"`
	App      string `json:"app"`
	TxID     string `json:"txid"`
	Category string `json:"category"`
	Subject  string `json:"subject"`
	Summary  string `json:"summary"`
	Consent  *bool  `json:"consent"`
}

// consentJSON is the consent a call recorded.
type consentJSON struct {
	Given bool   `json:"given"`
	At    string `json:"at"`
	By    string `json:"by"`
}

// callDetailJSON answers POST /calls: the inquiry as the store sees it, and
// the consent.
type callDetailJSON struct {
	inquiryDetailJSON
	Consent consentJSON `json:"consent"`
}

func decodeCall(w http.ResponseWriter, r *http.Request) (*vocdesk.Call, error) {
	var in callJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return nil, err
	}
	if in.Consent == nil {
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "consent is required: true when the caller agreed that the developer gets their payment ids and contacts, else false")
	}
	return &vocdesk.Call{Caller: in.Customer, AppSlug: in.App, TxID: in.TxID, Category: vocdesk.Category(in.Category),
		Subject: in.Subject, Summary: in.Summary, Consent: *in.Consent}, nil
}

// DecodeCall decodes POST /calls, for the fuzz targets in web_test.
func DecodeCall(r *http.Request) (*vocdesk.Call, error) { return decodeCall(nil, r) }

// createCall is POST /calls (operators): a phone inquiry for the app's
// developer, the summary its first message, with the caller's consent.
func (s *Server) createCall(w http.ResponseWriter, r *http.Request) error {
	if s.svc.Calls == nil || s.svc.Inquiries == nil {
		return errNotFound
	}
	call, err := decodeCall(w, r)
	if err != nil {
		return err
	}
	created, err := s.svc.Calls.LogCall(r.Context(), call)
	if err != nil {
		return err
	}
	in, msgs, err := s.svc.Inquiries.FindThread(r.Context(), created.ID)
	if err != nil {
		return err
	}
	c, err := s.svc.Calls.FindConsent(r.Context(), created.ID)
	if err != nil {
		return err
	}
	out := callDetailJSON{inquiryDetailJSON: inquiryDetailJSON{inquiryJSON: newInquiryJSON(in), Messages: newMessagesJSON(msgs)},
		Consent: consentJSON{Given: c.Given, At: timeJSON(c.At), By: c.ByName}}
	if out.CustomerPurchases, out.CustomerInquiries, err = s.customerPanel(r.Context(), in.CustomerID, in.DeveloperID, in.ID); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}
