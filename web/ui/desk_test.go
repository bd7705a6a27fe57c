package ui_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"

	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// pngBytes is a 1x1 PNG, an attachment the store accepts.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00\x00\x00IEND\xaeB`\x82")

// deskSeed is what the desk's page tests start from: Minji asked hoppin
// about a purchase (with a screenshot), Jun asked nimbus.
type deskSeed struct {
	minji, jun *vocdesk.Inquiry
	shot       int64 // the screenshot's attachment id
}

func seedInquiries(t *testing.T, m *uitest.Marketplace) deskSeed {
	t.Helper()
	var s deskSeed
	s.minji = &vocdesk.Inquiry{TxID: m.MinjiPurchases[0].TxID, Category: vocdesk.CategoryRefund, Subject: "보석 환불 요청"}
	first := &vocdesk.Message{Body: "환불해 주세요 <script>alert(1)</script>", Attachments: []*vocdesk.Attachment{{Filename: "shot.png", Data: pngBytes}}}
	if err := m.Svc.Inquiries.CreateInquiry(uitest.As(m.CustomerActor(m.Minji)), s.minji, first); err != nil {
		t.Fatal(err)
	}
	s.shot = first.Attachments[0].ID
	s.jun = &vocdesk.Inquiry{TxID: m.JunPurchases[1].TxID, Category: vocdesk.CategoryNotReceived, Subject: "Pro not active"}
	if err := m.Svc.Inquiries.CreateInquiry(uitest.As(m.CustomerActor(m.Jun)), s.jun, &vocdesk.Message{Body: "I paid but Pro is not on."}); err != nil {
		t.Fatal(err)
	}
	// An internal note customers must never see.
	note := &vocdesk.Message{Body: "VIP customer, refund quickly", Internal: true}
	if err := m.Svc.Inquiries.AddMessage(uitest.As(m.MemberActor(m.Hoppin, m.HoppinOwner)), s.minji.ID, note); err != nil {
		t.Fatal(err)
	}
	return s
}

// sameNotFound checks that two answers are the same 404 page, ids aside.
func sameNotFound(t *testing.T, theirs, missing *response, theirPath, missingPath string) {
	t.Helper()
	wantStatus(t, theirs, http.StatusNotFound)
	wantStatus(t, missing, http.StatusNotFound)
	// The language links carry the page's own path; the rest must match.
	next := regexp.MustCompile(`next=[^"]*`)
	a := next.ReplaceAllString(strings.ReplaceAll(theirs.body, theirPath, "X"), "")
	b := next.ReplaceAllString(strings.ReplaceAll(missing.body, missingPath, "X"), "")
	if a != b {
		t.Error("another party's inquiry and a missing one answer differently")
	}
}

func TestDeskPages(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m
		s := seedInquiries(t, m)
		minjiID, junID := fmt.Sprint(s.minji.ID), fmt.Sprint(s.jun.ID)

		owner := e.browser()
		owner.login("/developer/login", m.HoppinOwner.Email, "/console")
		cust := e.browser()
		cust.login("/login", m.Minji.Email, "/my")

		t.Run("inbox lists the developer's inquiries only", func(t *testing.T) {
			r := owner.get("/console/inquiries")
			wantStatus(t, r, http.StatusOK)
			wantContains(t, r, "보석 환불 요청", `data-live="/console/inquiries/events"`, `name="id" value="`+minjiID+`"`)
			wantLacks(t, r, "Pro not active")
		})

		t.Run("inquiry page: purchase with TxID and TID, note, canned reply filled in", func(t *testing.T) {
			r := owner.get("/console/inquiries/" + minjiID)
			wantStatus(t, r, http.StatusOK)
			p := m.MinjiPurchases[0]
			wantContains(t, r, p.TxID, p.TID, "VIP customer", "msg-note", m.MinjiPhone,
				"&lt;script&gt;alert(1)&lt;/script&gt;", "Hello 김민지", "/attachments/"+fmt.Sprint(s.shot))
			wantLacks(t, r, "<script>alert(1)")
		})

		t.Run("another developer's inquiry is the same 404 as a missing one", func(t *testing.T) {
			sameNotFound(t, owner.get("/console/inquiries/"+junID), owner.get("/console/inquiries/999999"), "/console/inquiries/"+junID, "/console/inquiries/999999")
			r := owner.post("/console/inquiries/"+junID+"/reply", url.Values{"body": {"hi"}})
			wantStatus(t, r, http.StatusNotFound)
			wantStatus(t, owner.get("/attachments/"+fmt.Sprint(s.shot)), http.StatusOK)
		})

		t.Run("customer sees the thread, never a note", func(t *testing.T) {
			r := cust.get("/my/inquiries/" + minjiID)
			wantStatus(t, r, http.StatusOK)
			wantContains(t, r, "보석 환불 요청", "&lt;script&gt;", "shot.png")
			wantLacks(t, r, "VIP customer", m.MinjiPurchases[0].TID)
			r = cust.get("/my/inquiries")
			wantContains(t, r, "보석 환불 요청")
			wantLacks(t, r, "Pro not active")
		})

		t.Run("another customer's inquiry and attachment are not found", func(t *testing.T) {
			jun := e.browser()
			jun.login("/login", m.Jun.Email, "/my")
			sameNotFound(t, jun.get("/my/inquiries/"+minjiID), jun.get("/my/inquiries/999999"), "/my/inquiries/"+minjiID, "/my/inquiries/999999")
			wantStatus(t, jun.get("/attachments/"+fmt.Sprint(s.shot)), http.StatusNotFound)
			nimbus := e.browser()
			nimbus.login("/developer/login", m.NimbusOwner.Email, "/console")
			wantStatus(t, nimbus.get("/attachments/"+fmt.Sprint(s.shot)), http.StatusNotFound)
		})

		t.Run("attachment is a download that cannot be HTML", func(t *testing.T) {
			r := cust.get("/attachments/" + fmt.Sprint(s.shot))
			wantStatus(t, r, http.StatusOK)
			h := r.Header
			if h.Get("Content-Type") != "image/png" || h.Get("X-Content-Type-Options") != "nosniff" ||
				!strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
				t.Errorf("attachment headers: %v", h)
			}
		})

		t.Run("viewer: no forms, masked contacts", func(t *testing.T) {
			v := e.browser()
			v.login("/developer/login", m.HoppinViewer.Email, "/console")
			r := v.get("/console/inquiries/" + minjiID)
			wantStatus(t, r, http.StatusOK)
			wantLacks(t, r, m.Minji.Email, m.MinjiPhone, `action="/console/inquiries/`+minjiID, `id="reply-body"`)
			wantContains(t, r, "***", "보석 환불 요청")
			r = v.get("/console/inquiries")
			wantLacks(t, r, `id="bulk"`, `form="bulk"`)
			r = v.get("/console/settings")
			wantContains(t, r, "Admins and owners change these settings")
			wantLacks(t, r, `action="/console/settings/canned"`)
			// Even a hand-made post is refused by the service.
			wantStatus(t, v.post("/console/inquiries/"+minjiID+"/note", url.Values{"body": {"x"}}), http.StatusForbidden)
		})

		t.Run("ask form: errors inline, nothing typed lost", func(t *testing.T) {
			cust.get("/my/purchases/" + m.MinjiPurchases[1].TxID)
			r := cust.post("/my/inquiries", url.Values{"txid": {m.MinjiPurchases[1].TxID}, "category": {"refund"}, "subject": {""}, "body": {"typed <b>text</b>"}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			wantContains(t, r, "typed &lt;b&gt;text&lt;/b&gt;", `aria-invalid="true"`)
			r = cust.postFiles("/my/inquiries", url.Values{"txid": {m.MinjiPurchases[1].TxID}, "category": {"refund"}, "subject": {"HTML file"}, "body": {"see file"}},
				"page.html", []byte("<html><script>alert(1)</script></html>"))
			wantStatus(t, r, http.StatusUnprocessableEntity)
			wantContains(t, r, "not an accepted type", "see file")
			r = cust.postFiles("/my/inquiries", url.Values{"txid": {m.MinjiPurchases[1].TxID}, "category": {"refund"}, "subject": {"With screenshot"}, "body": {"see file"}},
				"s.png", pngBytes)
			wantStatus(t, r, http.StatusSeeOther)
		})

		t.Run("customer reply, solve and rate", func(t *testing.T) {
			owner.get("/console/inquiries/" + minjiID)
			wantStatus(t, owner.post("/console/inquiries/"+minjiID+"/reply", url.Values{"body": {"Refunded."}}), http.StatusSeeOther)
			r := cust.get("/my/inquiries")
			wantContains(t, r, "New answer")
			cust.get("/my/inquiries/" + minjiID)
			wantStatus(t, cust.post("/my/inquiries/"+minjiID+"/solve", url.Values{}), http.StatusSeeOther)
			wantStatus(t, cust.post("/my/inquiries/"+minjiID+"/rate", url.Values{"rating": {"4"}, "comment": {"good"}}), http.StatusSeeOther)
			wantContains(t, cust.get("/my/inquiries/"+minjiID), "Rated 4 of 5", "Resolved")
		})

		t.Run("bulk, saved views, filters", func(t *testing.T) {
			owner.get("/console/inquiries")
			r := owner.post("/console/inquiries/bulk", url.Values{"id": {minjiID, junID}, "op": {"tag"}, "tag": {"vip"}, "back": {"https://evil.example/"}})
			wantRedirect(t, r, "/console/inquiries")
			wantContains(t, owner.get("/console/inquiries?tag=vip"), "보석 환불 요청")
			r = owner.post("/console/inquiries/views", url.Values{"name": {"VIP"}, "query": {"tag=vip&bogus=1"}})
			wantStatus(t, r, http.StatusSeeOther)
			r = owner.get("/console/inquiries")
			wantContains(t, r, `href="/console/inquiries?tag=vip"`)
			r = owner.get("/console/inquiries?status=nope&sort=due&q=" + url.QueryEscape("환불"))
			wantStatus(t, r, http.StatusOK)
			wantContains(t, r, "<mark>환불</mark>")
		})

		t.Run("settings: canned replies and SLA", func(t *testing.T) {
			owner.get("/console/settings")
			r := owner.post("/console/settings/canned", url.Values{"name": {"Thanks"}, "locale": {"en"}, "body": {"Thanks {{customer.name}}"}})
			wantStatus(t, r, http.StatusSeeOther)
			// A misspelt placeholder is refused, named, and what was
			// written stays in the form; nothing is stored.
			r = owner.post("/console/settings/canned", url.Values{"name": {"Typo"}, "locale": {"en"}, "body": {"Dear {{bogus.field}},"}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			wantContains(t, r, "{{bogus.field}} is not a placeholder", "Dear {{bogus.field}},</textarea>", `value="Typo"`)
			wantLacks(t, owner.get("/console/settings"), "Typo")
			form := url.Values{"first_hours": {"2"}, "first_minutes": {"30"}, "next_hours": {"1"}, "next_minutes": {"0"}}
			for d := 0; d < 7; d++ {
				form.Set(fmt.Sprintf("open_%d", d), "09:00")
				form.Set(fmt.Sprintf("close_%d", d), "18:00")
			}
			form.Set("closed_0", "1")
			wantStatus(t, owner.post("/console/settings/sla", form), http.StatusSeeOther)
			wantContains(t, owner.get("/console/settings"), "Thanks", `value="30"`)
		})

		t.Run("operator: every inquiry, escalations, notes", func(t *testing.T) {
			op := e.browser()
			op.login("/operator/login", m.Operator.Email, "/operator")
			r := op.get("/operator/inquiries")
			wantContains(t, r, "보석 환불 요청", "Pro not active")
			wantLacks(t, r, `id="bulk"`)
			wantContains(t, op.get("/operator/inquiries/"+junID), "Pro not active", m.JunPurchases[1].TID)
			r = op.get("/operator/escalations")
			wantContains(t, r, "Escalation queue", "Hoppin Games")
			wantStatus(t, op.post("/operator/developers/hoppin/notes", url.Values{"body": {"Slow answers in March"}}), http.StatusSeeOther)
			wantContains(t, op.get("/operator/escalations"), "Slow answers in March")
			wantStatus(t, op.post("/operator/escalations/run", url.Values{}), http.StatusSeeOther)
		})
	})
}

// TestDeskCSRF posts every form of the desk without its token: each is
// refused before it does anything.
func TestDeskCSRF(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m
		s := seedInquiries(t, m)
		id := fmt.Sprint(s.minji.ID)
		people := map[string]*browser{}
		for realm, acc := range map[string]uitest.Account{"/login": m.Minji, "/developer/login": m.HoppinOwner, "/operator/login": m.Operator} {
			b := e.browser()
			b.login(realm, acc.Email, map[string]string{"/login": "/my", "/developer/login": "/console", "/operator/login": "/operator"}[realm])
			people[realm] = b
		}
		posts := []struct{ who, path string }{
			{"/login", "/my/inquiries"},
			{"/login", "/my/inquiries/" + id + "/messages"},
			{"/login", "/my/inquiries/" + id + "/solve"},
			{"/login", "/my/inquiries/" + id + "/rate"},
			{"/developer/login", "/console/inquiries/bulk"},
			{"/developer/login", "/console/inquiries/views"},
			{"/developer/login", "/console/inquiries/views/1/delete"},
			{"/developer/login", "/console/inquiries/" + id + "/reply"},
			{"/developer/login", "/console/inquiries/" + id + "/note"},
			{"/developer/login", "/console/inquiries/" + id + "/update"},
			{"/developer/login", "/console/settings/canned"},
			{"/developer/login", "/console/settings/canned/1"},
			{"/developer/login", "/console/settings/canned/1/delete"},
			{"/developer/login", "/console/settings/sla"},
			{"/developer/login", "/console/webhook"},
			{"/developer/login", "/console/webhook/deliveries/1/redeliver"},
			{"/operator/login", "/operator/escalations/run"},
			{"/operator/login", "/operator/developers/hoppin/notes"},
			{"/operator/login", "/operator/inquiries/" + id + "/reply"},
			{"/operator/login", "/operator/inquiries/" + id + "/cancel"},
			{"/developer/login", "/console/purchases/cancel"},
			{"/developer/login", "/console/cancellation-batches"},
			{"/developer/login", "/console/cancellation-batches/1/submit"},
		}
		for _, p := range posts {
			b := people[p.who]
			r := b.post(p.path, url.Values{"csrf": {"forged"}, "body": {"x"}, "status": {"closed"}})
			if r.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s without the token: %d, want 403", p.path, r.StatusCode)
			}
			r = b.postFiles(p.path, url.Values{"csrf": {"forged"}, "body": {"x"}}, "s.png", pngBytes)
			if r.StatusCode != http.StatusForbidden {
				t.Errorf("multipart POST %s without the token: %d, want 403", p.path, r.StatusCode)
			}
		}
		// Nothing changed.
		in, err := m.Svc.Inquiries.FindInquiryByID(uitest.As(m.CustomerActor(m.Minji)), s.minji.ID)
		if err != nil || in.Status != vocdesk.InquiryNew {
			t.Errorf("inquiry after forged posts: %v %v", in, err)
		}
	})
}

// postFiles posts a multipart form with one file, as a browser does.
func (b *browser) postFiles(path string, form url.Values, filename string, data []byte) *response {
	b.e.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.lastCSRF)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", form.Get("csrf"))
	for k, vs := range form {
		if k == "csrf" {
			continue
		}
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("files", filename)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, b.e.srv.URL+path, &buf)
	if err != nil {
		b.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.e.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}
