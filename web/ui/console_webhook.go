package ui

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
)

// viewConsoleWebhook is the console's webhook page: the endpoint, its form
// and the delivery log.
const viewConsoleWebhook view = "console_webhook"

// webhookPageSize is the number of deliveries on one page of the log.
const webhookPageSize = 25

// webhookRoutes adds the webhook page to mux. It answers 404 when the server
// runs without webhooks (no WebhookService). Roles are the service's to
// check: setting the endpoint needs an admin, redelivering an agent.
func (h *handler) webhookRoutes(mux *pageMux) {
	on := h.svc.Webhooks != nil
	dev := func(fn http.HandlerFunc) http.Handler { return h.require(realmDeveloper, h.ifService(on, fn)) }

	mux.Handle("GET /console/webhook", dev(h.consoleWebhook))
	mux.Handle("POST /console/webhook", dev(h.webhookSave))
	mux.Handle("POST /console/webhook/deliveries/{id}/redeliver", dev(h.webhookRedeliver))
	mux.Handle("POST /console/webhook/test", dev(h.webhookTest))
}

// webhookData is the page. Secret is set only on the page a save redirects
// to, from the save's one-time flash (flash.go): it is never read back from
// the database.
type webhookData struct {
	Endpoint *vocdesk.WebhookEndpoint // nil when none is set
	URL      string                   // the form's value: as typed, or the endpoint's
	Secret   string
	ErrorKey string

	Status      string // the log's status filter, "" for all
	Statuses    []string
	Invalid     bool // part of the log's query was left out
	Deliveries  []*vocdesk.WebhookDelivery
	NextURL     string
	FirstURL    string
	Redelivered int64 // the delivery just queued again, for the notice
	TestedID    int64 // the test event just sent (?tested=N)
	Tested      *vocdesk.WebhookDelivery
}

// StatusURL is the log filtered by status s ("" for all).
func (d *webhookData) StatusURL(s string) string { return webhookLogURL(s, "") }

func webhookLogURL(status, cursor string) string {
	v := url.Values{}
	if status != "" {
		v.Set("status", status)
	}
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	u := "/console/webhook"
	if len(v) > 0 {
		u += "?" + v.Encode()
	}
	return u + "#log"
}

// consoleWebhook shows the endpoint and the log. ?redelivered=N is the
// notice after a redelivery.
func (h *handler) consoleWebhook(w http.ResponseWriter, r *http.Request) {
	d := &webhookData{}
	d.Redelivered, _ = strconv.ParseInt(r.URL.Query().Get("redelivered"), 10, 64)
	if f := h.takeFlash(w, r); f != nil {
		d.Secret = f.Secret
	}
	d.TestedID, _ = strconv.ParseInt(r.URL.Query().Get("tested"), 10, 64)
	h.showWebhook(w, r, d, http.StatusOK)
}

// showWebhook fills in the endpoint and the log and renders the page. The
// log's filter comes from the query, so the answer to a post shows the
// first page of the whole log.
func (h *handler) showWebhook(w http.ResponseWriter, r *http.Request, d *webhookData, status int) {
	ctx := r.Context()
	svc := h.svc.Webhooks
	ep, err := svc.Webhook(ctx)
	switch {
	case err == nil:
		d.Endpoint = ep
	case vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND:
		h.fail(w, r, err)
		return
	}
	if d.URL == "" && d.Endpoint != nil {
		d.URL = d.Endpoint.URL
	}

	d.Statuses = []string{vocdesk.DeliveryPending, vocdesk.DeliveryDelivered, vocdesk.DeliveryFailed}
	f := vocdesk.WebhookDeliveryFilter{Limit: webhookPageSize}
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		if s := q.Get("status"); s != "" {
			if s == vocdesk.DeliveryPending || s == vocdesk.DeliveryDelivered || s == vocdesk.DeliveryFailed {
				d.Status, f.Status = s, s
			} else {
				d.Invalid = true
			}
		}
		if c := q.Get("cursor"); c != "" {
			if validCursor(c) {
				f.Cursor = c
			} else {
				d.Invalid = true
			}
		}
	}
	list, next, err := svc.FindWebhookDeliveries(ctx, f)
	if vocdesk.ErrorCode(err) == vocdesk.EINVALID && f.Cursor != "" {
		// A cursor this server did not give out (edited, or from an older
		// version): show the newest page and say that part was left out.
		f.Cursor, d.Invalid = "", true
		list, next, err = svc.FindWebhookDeliveries(ctx, f)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Deliveries = list
	for _, dl := range list {
		if d.TestedID != 0 && dl.ID == d.TestedID && dl.Type == vocdesk.EventWebhookTest {
			d.Tested = dl
		}
	}
	if next != "" {
		d.NextURL = webhookLogURL(d.Status, next)
	}
	if f.Cursor != "" {
		d.FirstURL = webhookLogURL(d.Status, "")
	}
	h.render(w, r, status, viewConsoleWebhook, "webhook.title", d)
}

// webhookSave sets the endpoint and redirects to the page (post, redirect,
// get), which shows a new signing secret once: it rides in the sealed
// one-time flash, never in the URL, and a reload shows it no more. A refused
// URL shows the form again with what was typed.
func (h *handler) webhookSave(w http.ResponseWriter, r *http.Request) {
	raw := strings.TrimSpace(r.PostForm.Get("url"))
	if err := h.checkWebhookURL(r.Context(), raw); err != nil {
		h.showWebhook(w, r, &webhookData{URL: raw, ErrorKey: "harden.webhook_private"}, http.StatusUnprocessableEntity)
		return
	}
	ep, err := h.svc.Webhooks.SetWebhook(r.Context(), raw, r.PostForm.Get("rotate") != "")
	if err != nil {
		if vocdesk.ErrorCode(err) == vocdesk.EINVALID {
			h.showWebhook(w, r, &webhookData{URL: raw, ErrorKey: "webhook.err.url"}, http.StatusUnprocessableEntity)
			return
		}
		h.fail(w, r, err)
		return
	}
	to := "/console/webhook"
	if ep.Secret != "" {
		to += "#secret"
	}
	h.redirect(w, r, to, flash{Key: "flash.webhook_saved", Secret: ep.Secret})
}

// webhookRedeliver queues a delivery again and returns to the log. Another
// developer's delivery is not found, as a missing one is.
func (h *handler) webhookRedeliver(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r)
		return
	}
	if _, err := h.svc.Webhooks.Redeliver(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	s := strconv.FormatInt(id, 10)
	http.Redirect(w, r, "/console/webhook?redelivered="+s+"#d"+s, http.StatusSeeOther)
}

// DeliveryStatus names a delivery's state in the page's language.
func (p *page) DeliveryStatus(s string) string { return p.T("webhook.status." + s) }

// Millis is an attempt's duration: "123 ms".
func (p *page) Millis(d time.Duration) string { return p.T("webhook.ms", d.Milliseconds()) }

// PrettyJSON indents a delivery's body for reading; a body that is not JSON
// is shown as it is.
func (p *page) PrettyJSON(b []byte) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		return string(b)
	}
	return buf.String()
}
