package ui

import (
	"net/http"
	"strconv"
	"time"

	"github.com/vocdesk/vocdesk"
)

// webhookTestWait is how long "send a test event" waits for the first
// attempt's result before showing the page: the worker takes a new job at
// once, and a receiver answers in well under a second, so most people see
// the result without reloading; a slow one is left to the log.
const webhookTestWait = 4 * time.Second

// webhookTest sends a webhook.test event through the usual delivery path,
// waits a little for its first attempt, and redirects to the page, which
// shows the outcome (post, redirect, get).
func (h *handler) webhookTest(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d, err := h.svc.Webhooks.SendTestEvent(ctx)
	if err != nil {
		if vocdesk.ErrorCode(err) == vocdesk.EUNPROCESSABLE {
			h.showWebhook(w, r, &webhookData{ErrorKey: "webhook.test_no_endpoint"}, http.StatusUnprocessableEntity)
			return
		}
		h.fail(w, r, err)
		return
	}
	deadline := time.Now().Add(h.testWait)
	for time.Now().Before(deadline) {
		if got := h.findDelivery(r, d.ID); got != nil && (got.Attempts > 0 || got.Status != vocdesk.DeliveryPending) {
			break
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(150 * time.Millisecond):
		}
	}
	s := strconv.FormatInt(d.ID, 10)
	// To the notice first: it says the outcome and links the log's line.
	http.Redirect(w, r, "/console/webhook?tested="+s+"#test-result", http.StatusSeeOther)
}

// findDelivery looks for a delivery among the newest: a test event just
// sent is one of them.
func (h *handler) findDelivery(r *http.Request, id int64) *vocdesk.WebhookDelivery {
	list, _, err := h.svc.Webhooks.FindWebhookDeliveries(r.Context(), vocdesk.WebhookDeliveryFilter{Limit: webhookPageSize})
	if err != nil {
		return nil
	}
	for _, d := range list {
		if d.ID == id {
			return d
		}
	}
	return nil
}

// TestOutcome names a test delivery's state for the notice: "delivered",
// "refused" (an attempt failed; it is retried) or "queued".
func (d *webhookData) TestOutcome() string {
	switch t := d.Tested; {
	case t == nil:
		return ""
	case t.Status == vocdesk.DeliveryDelivered:
		return "delivered"
	case t.Attempts > 0 || t.Status == vocdesk.DeliveryFailed:
		return "refused"
	}
	return "queued"
}
