package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// TestPurchaseSearchCancel holds the search page's bulk cancel to the rules
// of one request: another developer's purchase is refused as not found, a
// double submit sends nothing twice, nothing selected is an error on the
// page, and a viewer may not post at all.
func TestPurchaseSearchCancel(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newRefundEnv(t, db)
		m := e.m
		mine, theirs := m.MinjiPurchases[0], m.MinjiPurchases[2] // hoppin's, nimbus's
		agent := e.browser()
		agent.login("/developer/login", m.HoppinAgent.Email, "/console")

		r := agent.get("/console/purchases?q=" + url.QueryEscape(m.MinjiPhone))
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, mine.TxID, "Cancel selected")
		wantLacks(t, r, theirs.TxID)
		form := url.Values{"q": {m.MinjiPhone}, "txid": {mine.TxID, theirs.TxID}, "reason": {"other"}, "key": {formKey(t, r)}}
		r = agent.post("/console/purchases/cancel", form)
		wantStatus(t, r, http.StatusSeeOther)
		next := r.Header.Get("Location")
		if !strings.Contains(next, "sent="+mine.TxID) || !strings.Contains(next, "refused=not_found%3A"+theirs.TxID) {
			t.Fatalf("redirect %s", next)
		}
		// The same form again (a double submit, a reload) sends nothing new.
		wantStatus(t, agent.post("/console/purchases/cancel", form), http.StatusSeeOther)
		ctx := uitest.As(vocdesk.SystemActor())
		for _, p := range []*vocdesk.Purchase{mine, theirs} {
			rs, _, err := m.Svc.Cancellations.FindCancellations(ctx, vocdesk.CancellationFilter{TxID: p.TxID})
			if err != nil {
				t.Fatal(err)
			}
			want := map[*vocdesk.Purchase]int{mine: 1, theirs: 0}[p]
			if len(rs) != want {
				t.Errorf("%s has %d requests; want %d", p.TxID, len(rs), want)
			}
		}
		r = agent.get(next)
		wantContains(t, r, "Cancellation requests sent", "Awaiting approval", "No such purchase.")

		// A sent= naming another developer's purchase shows nothing of it.
		r = agent.get("/console/purchases?q=x&sent=" + theirs.TxID)
		wantContains(t, r, "No such purchase.")
		wantLacks(t, r, "Awaiting approval")

		r = agent.get("/console/purchases?q=" + url.QueryEscape(m.MinjiPhone))
		r = agent.post("/console/purchases/cancel", url.Values{"q": {m.MinjiPhone}, "reason": {"other"}, "key": {formKey(t, r)}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantContains(t, r, "Select at least one purchase")

		viewer := e.browser()
		viewer.login("/developer/login", m.HoppinViewer.Email, "/console")
		r = viewer.get("/console/purchases?q=" + url.QueryEscape(m.MinjiPhone))
		wantContains(t, r, "***-5678")
		wantLacks(t, r, "Cancel selected", "minji.kim@example.com")
		r = viewer.post("/console/purchases/cancel", url.Values{"q": {"x"}, "txid": {mine.TxID}, "reason": {"other"}, "key": {"k"}})
		wantStatus(t, r, http.StatusForbidden)
	})
}
