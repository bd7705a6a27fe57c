package ui_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// TestInboxEscapesCustomerText: a customer writes the subject and the body
// of an inquiry, so both are hostile until escaped. The inbox lists the
// subject and, when searching, a highlighted snippet of the body; neither
// may reach the page as markup. Without this test only the browser test
// (e2e) noticed an unescaped subject.
func TestInboxEscapesCustomerText(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m
		const subject = `<b id="subj">bold</b> <script>window.pwned=1</script>`
		in := &vocdesk.Inquiry{TxID: m.MinjiPurchases[0].TxID, Category: vocdesk.CategoryRefund, Subject: subject}
		// Hostile text on both sides of the word searched for: the snippet
		// is escaped before its first mark and after its last.
		body := &vocdesk.Message{Body: `<script>alert(3)</script> zebraword <img src=x onerror="alert(2)">`}
		if err := m.Svc.Inquiries.CreateInquiry(uitest.As(m.CustomerActor(m.Minji)), in, body); err != nil {
			t.Fatal(err)
		}
		owner := e.browser()
		owner.login("/developer/login", m.HoppinOwner.Email, "/console")

		r := owner.get("/console/inquiries")
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, `&lt;b id=&#34;subj&#34;&gt;bold&lt;/b&gt; &lt;script&gt;window.pwned=1&lt;/script&gt;`)
		wantLacks(t, r, `<b id="subj">`, `<script>window.pwned`)

		r = owner.get("/console/inquiries?" + url.Values{"q": {"zebraword"}}.Encode())
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, `<mark>`, `&lt;script&gt;alert(3)&lt;/script&gt;`, `&lt;img src=x`)
		wantLacks(t, r, `<b id="subj">`, `<script>window.pwned`, `<img src=x`, `<script>alert(3)`)

		cust := e.browser()
		cust.login("/login", m.Minji.Email, "/my")
		r = cust.get("/my/inquiries")
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, `&lt;script&gt;window.pwned=1&lt;/script&gt;`)
		wantLacks(t, r, `<b id="subj">`, `<script>window.pwned`)
	})
}
