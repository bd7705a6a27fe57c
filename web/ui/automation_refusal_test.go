package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// TestAutomationRefusalsInKorean: a macro that fails on an inquiry (a tag
// too many), applied from its page or in bulk, and a rule the service
// refuses say why in the page's language, not in the API's English.
func TestAutomationRefusalsInKorean(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m
		s := seedInquiries(t, m)
		owner := uitest.As(m.MemberActor(m.Hoppin, m.HoppinOwner))
		var full []string
		for i := range 20 {
			full = append(full, fmt.Sprintf("full-%02d", i))
		}
		if _, err := m.Svc.Inquiries.UpdateInquiry(owner, s.minji.ID, vocdesk.InquiryUpdate{AddTags: full}); err != nil {
			t.Fatal(err)
		}
		mc := &vocdesk.Macro{Name: "태그 붙이기", Actions: vocdesk.MacroActions{AddTags: []string{"one-more"}}}
		if err := m.Svc.Automation.CreateMacro(owner, mc); err != nil {
			t.Fatal(err)
		}
		b := e.browser()
		b.lang = "ko"
		b.login("/developer/login", m.HoppinAgent.Email, "/console")
		page := fmt.Sprintf("/console/inquiries/%d", s.minji.ID)
		b.get(page)
		r := b.post(page+"/macro", url.Values{"macro": {fmt.Sprint(mc.ID)}})
		wantStatus(t, r, http.StatusSeeOther)
		r = b.get(page)
		wantContains(t, r, "매크로를 적용하지 못했습니다: 문의 하나에는 태그를 20개까지 붙일 수 있습니다.")
		wantLacks(t, r, "carries at most")

		b.get("/console/inquiries")
		r = b.post("/console/inquiries/bulk-macro", url.Values{"macro": {fmt.Sprint(mc.ID)}, "id": {fmt.Sprint(s.minji.ID)}, "back": {"/console/inquiries"}})
		wantStatus(t, r, http.StatusSeeOther)
		r = b.get("/console/inquiries")
		wantContains(t, r, fmt.Sprintf("매크로를 적용하지 못했습니다: #%d (문의 하나에는 태그를 20개까지 붙일 수 있습니다.)", s.minji.ID))
		wantLacks(t, r, "carries at most")

		// The owner's rule form: no event, and a name taken.
		o := e.browser()
		o.lang = "ko"
		o.login("/developer/login", m.HoppinOwner.Email, "/console")
		o.get("/console/settings/rules/new")
		r = o.post("/console/settings/rules", url.Values{"name": {"규칙"}, "priority": {"high"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantContains(t, r, "규칙을 저장하지 못했습니다: 규칙이 실행될 때(이벤트)를 하나 이상 고르세요.")
		wantLacks(t, r, "at least one event")
		r = o.post("/console/settings/rules", url.Values{"name": {"규칙"}, "event": {"created"}, "priority": {"high"}, "spend_amount": {"1.5"}, "spend_currency": {"KRW"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantContains(t, r, "KRW 금액에는 소수점을 쓸 수 없습니다: 1.5")
		o.get("/console/settings/automation")
		r = o.post("/console/settings/macros", url.Values{"name": {"태그 붙이기"}, "add_tags": {"x"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantContains(t, r, "매크로를 저장하지 못했습니다: “태그 붙이기” 이름의 매크로가 이미 있습니다.")

		// In English the words are English.
		b.lang = "en"
		b.get(page)
		b.post(page+"/macro", url.Values{"macro": {fmt.Sprint(mc.ID)}})
		wantContains(t, b.get(page), "The macro was not applied: An inquiry carries at most 20 tags.")
	})
}
