package e2e

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// An agent narrows the inbox to the urgent inquiries with the filter bar
// (a plain form), in Korean and in English: only the urgent one is listed,
// with its badge; the high one shows its badge in the full list.
func TestInboxByPriority(t *testing.T) {
	s := Start(t)
	m := s.M
	ps := hoppinPurchases(m)
	urgent := askHoppinAbout(t, m, ps[0], "결제가 두 번 됐어요")
	high := askHoppinAbout(t, m, ps[1], "아이템이 안 들어와요")
	calm := askHoppinAbout(t, m, ps[2], "환불 문의드립니다")
	agent := uitest.As(m.MemberActor(m.Hoppin, m.HoppinAgent))
	for in, p := range map[*vocdesk.Inquiry]vocdesk.Priority{urgent: vocdesk.PriorityUrgent, high: vocdesk.PriorityHigh} {
		if err := m.Svc.Automation.SetPriority(agent, in.ID, p); err != nil {
			t.Fatal(err)
		}
	}

	s.LoginAs("/developer/login", m.HoppinAgent)
	s.Visit("/lang/ko?next=/console/inquiries")
	s.WaitText(urgent.Subject, high.Subject, calm.Subject, "긴급", "높음")
	s.Do(chromedp.SetValue(chromedp.ID("f-priority"), "urgent"))
	s.Click(`form.filter-card button[type="submit"]`)
	s.WaitLocation("/console/inquiries?") // the form sends its empty fields too
	s.WaitText(urgent.Subject, "긴급")
	s.NoText(high.Subject, calm.Subject)
	s.Shot("inbox-urgent-ko")

	s.Visit("/lang/en?next=" + "/console/inquiries%3Fpriority%3Durgent")
	s.WaitText(urgent.Subject, "Urgent")
	s.NoText(high.Subject, calm.Subject)
	s.Shot("inbox-urgent-en")
	s.Look("/console/inquiries", "inbox-priorities")
}

// A macro that cannot be applied (the inquiry carries the most tags it
// may) says why in Korean, on the inquiry's page and from the inbox.
func TestMacroRefusalInKorean(t *testing.T) {
	s := Start(t)
	m := s.M
	ps := hoppinPurchases(m)
	in := askHoppinAbout(t, m, ps[0], "태그가 가득한 문의")
	owner := uitest.As(m.MemberActor(m.Hoppin, m.HoppinOwner))
	var full []string
	for i := range 20 {
		full = append(full, fmt.Sprintf("full-%02d", i))
	}
	if _, err := m.Svc.Inquiries.UpdateInquiry(owner, in.ID, vocdesk.InquiryUpdate{AddTags: full}); err != nil {
		t.Fatal(err)
	}
	mc := &vocdesk.Macro{Name: "VIP 표시", Actions: vocdesk.MacroActions{AddTags: []string{"vip"}}}
	if err := m.Svc.Automation.CreateMacro(owner, mc); err != nil {
		t.Fatal(err)
	}

	s.LoginAs("/developer/login", m.HoppinAgent)
	page := fmt.Sprintf("/console/inquiries/%d", in.ID)
	s.Visit("/lang/ko?next=" + page)
	s.Do(chromedp.SetValue(chromedp.ID("macro-pick"), strconv.FormatInt(mc.ID, 10)))
	s.Click(`form[action$="/macro"] button[type="submit"]`)
	s.WaitText("매크로를 적용하지 못했습니다: 문의 하나에는 태그를 20개까지 붙일 수 있습니다.")
	s.NoText("carries at most")
	s.Axe()
	s.Shot("macro-refused-ko")

	s.Visit("/console/inquiries")
	s.Click(fmt.Sprintf(`input[name="id"][value="%d"]`, in.ID))
	s.Do(chromedp.SetValue(chromedp.ID("bulk-macro"), strconv.FormatInt(mc.ID, 10)))
	s.Click("#bulk-macro-apply")
	s.WaitText(fmt.Sprintf("매크로를 적용하지 못했습니다: #%d (문의 하나에는 태그를 20개까지 붙일 수 있습니다.)", in.ID))
	s.NoText("carries at most")
	s.Axe()
	s.Shot("bulk-macro-refused-ko")
}
