package web

import (
	"encoding/json"
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// webhookJSON is a developer's endpoint with its signing secret.
type webhookJSON struct {
	URL       string `json:"url"`
	Secret    string `json:"secret"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

// deliveryJSON is one entry of the delivery log. payload is the exact JSON
// that was (or will be) sent.
type deliveryJSON struct {
	ID             int64           `json:"id"`
	EventID        string          `json:"event_id"`
	Type           string          `json:"type"`
	Status         string          `json:"status"`
	Attempts       int             `json:"attempts"`
	LastStatusCode int             `json:"last_status_code"`
	LastError      string          `json:"last_error"`
	CreatedAt      string          `json:"created_at"`
	DeliveredAt    *string         `json:"delivered_at"`
	Payload        json.RawMessage `json:"payload"`
	Log            []attemptJSON   `json:"log"`
}

type attemptJSON struct {
	At         string `json:"at"`
	StatusCode int    `json:"status_code"`
	Error      string `json:"error"`
	DurationMS int64  `json:"duration_ms"`
}

func newDeliveryJSON(d *vocdesk.WebhookDelivery) deliveryJSON {
	out := deliveryJSON{ID: d.ID, EventID: d.EventID, Type: d.Type, Status: d.Status, Attempts: d.Attempts,
		LastStatusCode: d.LastStatusCode, LastError: d.LastError, CreatedAt: timeJSON(d.CreatedAt),
		DeliveredAt: timePtrJSON(d.DeliveredAt), Payload: json.RawMessage(d.Body), Log: []attemptJSON{}}
	for _, a := range d.Log {
		out.Log = append(out.Log, attemptJSON{timeJSON(a.At), a.StatusCode, a.Error, a.Duration.Milliseconds()})
	}
	return out
}

func (s *Server) webhookService() (vocdesk.WebhookService, error) {
	if s.svc.Webhooks == nil {
		return nil, errNotFound
	}
	return s.svc.Webhooks, nil
}

// putWebhook sets where the developer's server takes deliveries. The
// secret stays when only the URL changes, unless rotate_secret is set.
func (s *Server) putWebhook(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.webhookService()
	if err != nil {
		return err
	}
	var body struct {
		URL          string `json:"url"`
		RotateSecret bool   `json:"rotate_secret"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	if err := requireFields("url", body.URL); err != nil {
		return err
	}
	if err := s.checkWebhookURL(r.Context(), body.URL); err != nil {
		return err
	}
	ep, err := svc.SetWebhook(r.Context(), body.URL, body.RotateSecret)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, webhookJSON{URL: ep.URL, Secret: ep.Secret, CreatedAt: timeJSON(ep.CreatedAt), UpdatedAt: timeJSON(ep.UpdatedAt)})
	return nil
}

func (s *Server) listDeliveries(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.webhookService()
	if err != nil {
		return err
	}
	f := vocdesk.WebhookDeliveryFilter{Status: r.URL.Query().Get("status"), Cursor: r.URL.Query().Get("cursor")}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	list, next, err := svc.FindWebhookDeliveries(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, next, newDeliveryJSON))
	return nil
}

func (s *Server) redeliver(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.webhookService()
	if err != nil {
		return err
	}
	id, err := parseID("webhook delivery", r.PathValue("id"))
	if err != nil {
		return err
	}
	d, err := svc.Redeliver(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newDeliveryJSON(d))
	return nil
}
