package web

import "net/http"

// sendTestEvent is POST /webhook/test: a webhook.test event to the
// developer's endpoint, signed and sent like every event; the answer is the
// queued delivery, whose result the delivery log shows.
func (s *Server) sendTestEvent(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.webhookService()
	if err != nil {
		return err
	}
	if r.ContentLength > 0 {
		// Nothing to send: a body is a caller's mistake worth hearing of.
		var none struct{}
		if err := decodeJSON(w, r, &none); err != nil {
			return err
		}
	}
	d, err := svc.SendTestEvent(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newDeliveryJSON(d))
	return nil
}
