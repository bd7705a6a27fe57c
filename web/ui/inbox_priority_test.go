package ui_test

import (
	"net/http"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// TestInboxPriority: the inbox's rows show a priority that is not normal,
// in the page's language, and its filter bar keeps one priority's rows
// (a plain GET form); a priority that is none is marked, not obeyed.
func TestInboxPriority(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m
		s := seedInquiries(t, m)
		calm := &vocdesk.Inquiry{TxID: m.MinjiPurchases[0].TxID, Category: vocdesk.CategoryOther, Subject: "차분한 문의"}
		if err := m.Svc.Inquiries.CreateInquiry(uitest.As(m.CustomerActor(m.Minji)), calm, &vocdesk.Message{Body: "궁금합니다"}); err != nil {
			t.Fatal(err)
		}
		if err := m.Svc.Automation.SetPriority(uitest.As(m.MemberActor(m.Hoppin, m.HoppinOwner)), s.minji.ID, vocdesk.PriorityUrgent); err != nil {
			t.Fatal(err)
		}
		owner := e.browser()
		owner.login("/developer/login", m.HoppinOwner.Email, "/console")

		owner.lang = "ko"
		r := owner.get("/console/inquiries")
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, "보석 환불 요청", "차분한 문의", `<span class="badge prio prio-urgent"><span class="sr-only">우선순위: </span>긴급</span>`,
			`<select id="f-priority" name="priority">`)
		wantLacks(t, r, "prio-normal")

		r = owner.get("/console/inquiries?priority=urgent")
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, "보석 환불 요청", `<option value="urgent" selected>긴급</option>`)
		wantLacks(t, r, "차분한 문의")
		r = owner.get("/console/inquiries?priority=normal")
		wantContains(t, r, "차분한 문의")
		wantLacks(t, r, "보석 환불 요청")

		owner.lang = "en"
		r = owner.get("/console/inquiries?priority=urgent")
		wantContains(t, r, `<span class="sr-only">Priority: </span>Urgent</span>`, `<option value="urgent" selected>Urgent</option>`)
		wantLacks(t, r, "차분한 문의")
		// The status tabs keep the filter.
		wantContains(t, r, `?priority=urgent&amp;status=new`)

		r = owner.get("/console/inquiries?priority=asap")
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, `<select id="f-priority" name="priority" aria-invalid="true">`, "보석 환불 요청", "차분한 문의")
	})
}
