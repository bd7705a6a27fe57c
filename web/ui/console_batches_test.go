package ui_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// postFile posts a file to the upload form as a browser does.
func (b *browser) postFile(path, key, name string, content []byte) *response {
	b.e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf", b.lastCSRF)
	_ = w.WriteField("key", key)
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write(content)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", b.e.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

// TestConsoleBatches: the upload is one batch however often the form is
// sent, a refused file says why and stores nothing, another developer's
// batch is not found on any of its pages, and a viewer may not upload.
func TestConsoleBatches(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newRefundEnv(t, db)
		m := e.m
		agent := e.browser()
		agent.login("/developer/login", m.HoppinAgent.Email, "/console")
		r := agent.get("/console/cancellation-batches")
		wantContains(t, r, "Upload a file", "template.xlsx")
		key := formKey(t, r)
		file := []byte("txid,amount,reason\n" + m.MinjiPurchases[0].TxID + ",,\n" + m.MinjiPurchases[2].TxID + ",,\n")

		r = agent.postFile("/console/cancellation-batches", "bad-"+key, "x.xlsx", []byte("PK\x03\x04junk"))
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantContains(t, r, "The file was not read:", "not a readable .xlsx")

		r = agent.postFile("/console/cancellation-batches", key, "outage.csv", file)
		wantStatus(t, r, http.StatusSeeOther)
		page := r.Header.Get("Location")
		if again := agent.postFile("/console/cancellation-batches", key, "outage.csv", file); again.Header.Get("Location") != page {
			t.Fatalf("the same form twice: %s then %s", page, again.Header.Get("Location"))
		}
		r = agent.get(page)
		wantContains(t, r, "Not sent yet", "2 rows: 1 accepted, 1 rejected", "No purchase of your apps has this TxID.")
		wantStatus(t, agent.post(page+"/submit", url.Values{}), http.StatusSeeOther)
		r = agent.get(page)
		wantContains(t, r, "Done: 1 cancellation requests sent, 1 rows rejected.")
		r = agent.get(page + "/results.csv")
		if !strings.Contains(r.body, ","+m.MinjiPurchases[0].TxID+",1200,KRW,customer_request,accepted,") {
			t.Errorf("results:\n%s", r.body)
		}
		for _, p := range []string{"/template.xlsx", "/template.csv"} {
			wantStatus(t, agent.get("/console/cancellation-batches"+p), http.StatusOK)
		}

		other := e.browser()
		other.login("/developer/login", m.NimbusOwner.Email, "/console")
		for _, p := range []string{page, page + "/progress", page + "/results.csv"} {
			wantStatus(t, other.get(p), http.StatusNotFound)
		}
		other.get("/console/cancellation-batches")
		wantStatus(t, other.post(page+"/submit", url.Values{}), http.StatusNotFound)

		viewer := e.browser()
		viewer.login("/developer/login", m.HoppinViewer.Email, "/console")
		r = viewer.get("/console/cancellation-batches")
		wantLacks(t, r, `id="batch-form"`)
		wantStatus(t, viewer.postFile("/console/cancellation-batches", "v-1", "x.csv", file), http.StatusForbidden)
	})
}
