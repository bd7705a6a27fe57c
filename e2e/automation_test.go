package e2e

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// hoppinPurchases are Minji's purchases of hoppin's apps.
func hoppinPurchases(m *uitest.Marketplace) []*vocdesk.Purchase {
	var out []*vocdesk.Purchase
	for _, p := range m.MinjiPurchases {
		if strings.HasPrefix(p.AppSlug, "hoppin") && p.Currency == "KRW" {
			out = append(out, p)
		}
	}
	return out
}

// askHoppinAbout creates Minji's inquiry about one of her hoppin purchases, as
// she would on My Page.
func askHoppinAbout(t *testing.T, m *uitest.Marketplace, p *vocdesk.Purchase, subject string) *vocdesk.Inquiry {
	t.Helper()
	in := &vocdesk.Inquiry{TxID: p.TxID, Category: vocdesk.CategoryRefund, Subject: subject}
	if err := m.Svc.Inquiries.CreateInquiry(uitest.As(m.CustomerActor(m.Minji)), in, &vocdesk.Message{Body: subject + " — 확인 부탁드립니다."}); err != nil {
		t.Fatal(err)
	}
	return in
}

// An owner writes a macro in the settings, and an agent applies it to
// three inquiries at once from the inbox: two get the reply, the note, the
// tag and the status; the third, which already carries the most tags an
// inquiry may, gets nothing, and the flash names it.
func TestMacroInBulkFromInbox(t *testing.T) {
	s := Start(t)
	m := s.M
	ps := hoppinPurchases(m)
	ins := []*vocdesk.Inquiry{askHoppinAbout(t, m, ps[0], "환불 요청 1"), askHoppinAbout(t, m, ps[1], "환불 요청 2"), askHoppinAbout(t, m, ps[2], "환불 요청 3")}
	var full []string
	for i := range 20 {
		full = append(full, fmt.Sprintf("full-%02d", i))
	}
	owner := uitest.As(m.MemberActor(m.Hoppin, m.HoppinOwner))
	if _, err := m.Svc.Inquiries.UpdateInquiry(owner, ins[2].ID, vocdesk.InquiryUpdate{AddTags: full}); err != nil {
		t.Fatal(err)
	}

	s.LoginAs("/developer/login", m.HoppinOwner)
	s.Visit("/console/settings")
	s.ClickLink("Macros and rules")
	s.WaitLocation("/console/settings/automation")
	canned, err := m.Svc.Desk.FindCannedReplies(owner, "ko")
	if err != nil || len(canned) == 0 {
		t.Fatalf("canned replies: %v", err)
	}
	s.Do(
		chromedp.SetValue(chromedp.ID("mn-new"), "환불 완료"),
		chromedp.SetValue(chromedp.ID("mc-new"), strconv.FormatInt(canned[0].ID, 10)),
		chromedp.SetValue(chromedp.ID("mnote-new"), "일괄 환불 처리"),
		chromedp.SetValue(chromedp.ID("mat-new"), "refund-done"),
		chromedp.SetValue(chromedp.ID("mst-new"), "resolved"),
	)
	s.Click(`form[action="/console/settings/macros"] button[type="submit"]`)
	s.WaitText("Macro “환불 완료” saved.")
	s.Look("/console/settings/automation", "automation-macros")

	macros, err := m.Svc.Automation.FindMacros(owner)
	if err != nil || len(macros) != 1 {
		t.Fatalf("macros %v, %v", macros, err)
	}
	s.logout()
	s.LoginAs("/developer/login", m.HoppinAgent)
	s.Visit("/lang/en?next=/console/inquiries")
	for _, in := range ins {
		s.Click(fmt.Sprintf(`input[name="id"][value="%d"]`, in.ID))
	}
	s.Do(chromedp.SetValue(chromedp.ID("bulk-macro"), strconv.FormatInt(macros[0].ID, 10)))
	s.Click("#bulk-macro-apply")
	s.WaitText("Macro applied to 2 inquiries, not to 1", fmt.Sprintf("#%d (An inquiry carries at most 20 tags.)", ins[2].ID))
	s.Axe()
	s.Shot("inbox-bulk-macro-en")

	agent := uitest.As(m.MemberActor(m.Hoppin, m.HoppinAgent))
	for i, in := range ins {
		got, msgs, err := m.Svc.Inquiries.FindThread(agent, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		var replied, noted bool
		for _, msg := range msgs {
			replied = replied || (msg.Author == vocdesk.AuthorDeveloper && strings.Contains(msg.Body, in.TxID) && msg.AuthorName == m.HoppinAgent.Name)
			noted = noted || (msg.Internal && msg.Body == "일괄 환불 처리")
		}
		applied := got.Status == vocdesk.InquiryResolved && slices.Contains(got.Tags, "refund-done") && replied && noted
		if want := i < 2; applied != want {
			t.Errorf("inquiry %d: applied %t, want %t (status %s, tags %v, reply %t, note %t)", i, applied, want, got.Status, got.Tags, replied, noted)
		}
		if i == 2 && (replied || noted || got.Status != vocdesk.InquiryNew) {
			t.Errorf("the failed inquiry was half changed: status %s reply %t note %t", got.Status, replied, noted)
		}
	}
	s.Look("/console/inquiries", "inbox-with-macros")
	s.Look(fmt.Sprintf("/console/inquiries/%d", ins[0].ID), "inquiry-macro")
}

// Two agents are in and one is away (the owner too): a rule that assigns
// in turn hands three new inquiries to the two who are in, alternately.
// The rule is written in its form, and its dry run shows what it would do
// to the inquiries before it existed, writing nothing.
func TestRuleAssignsRoundRobin(t *testing.T) {
	s := Start(t)
	m := s.M
	sys := uitest.As(vocdesk.SystemActor())
	bora := &vocdesk.Member{Email: "bora@hoppin.test", Name: "Bora Agent", Role: vocdesk.RoleAgent}
	cody := &vocdesk.Member{Email: "cody@hoppin.test", Name: "Cody Away", Role: vocdesk.RoleAgent}
	for _, mb := range []*vocdesk.Member{bora, cody} {
		if err := m.Svc.Developers.CreateMember(sys, "hoppin", mb, ""); err != nil {
			t.Fatal(err)
		}
	}
	ps := hoppinPurchases(m)
	before := askHoppinAbout(t, m, ps[3], "결제 문의 (규칙 전)")

	s.LoginAs("/developer/login", m.HoppinOwner)
	s.Visit("/lang/en?next=/console/settings/automation")
	// The owner steps away, and sets Cody away.
	for _, id := range []int64{m.HoppinOwner.ID, cody.ID} {
		s.Click(fmt.Sprintf(`form[action="/console/settings/availability/%d"] button`, id))
		// Away, the row offers to set the member in again.
		s.Do(chromedp.WaitReady(fmt.Sprintf(`#member-%d input[name="availability"][value="in"]`, id)))
	}
	s.ClickLink("New rule")
	s.WaitLocation("/console/settings/rules/new")
	s.Do(
		chromedp.SetValue(chromedp.ID("rn"), "Everyone in turn"),
		chromedp.SetValue(chromedp.ID("ra"), "rr"),
		chromedp.SetValue(chromedp.ID("rpr"), "high"),
	)
	s.Click("#try-rule")
	s.WaitText("The rule would act on 1 of the last 1 inquiries. Nothing was changed.", "Assign in turn: Alex Agent")
	s.Axe()
	s.Shot("rule-dryrun-unsaved-en")
	if got, _ := m.Svc.Inquiries.FindInquiryByID(sys, before.ID); got.AssigneeID != 0 {
		t.Fatalf("the dry run assigned the inquiry to %d", got.AssigneeID)
	}
	s.Visit("/console/settings/rules/new")
	s.Do(
		chromedp.SetValue(chromedp.ID("rn"), "Everyone in turn"),
		chromedp.SetValue(chromedp.ID("ra"), "rr"),
		chromedp.SetValue(chromedp.ID("rpr"), "high"),
	)
	s.Click(`#rule-form button[type="submit"]:not([formaction])`)
	s.WaitText("Rule “Everyone in turn” saved.")

	var got []string
	var first *vocdesk.Inquiry
	for i := range 3 {
		in := askHoppinAbout(t, m, ps[4+i], fmt.Sprintf("새 문의 %d", i+1))
		if first == nil {
			first = in
		}
		got = append(got, in.AssigneeName)
		if p, err := m.Svc.Automation.FindPriority(sys, in.ID); err != nil || p != vocdesk.PriorityHigh {
			t.Errorf("inquiry %d priority %q, %v", i, p, err)
		}
	}
	if want := []string{"Alex Agent", "Bora Agent", "Alex Agent"}; !slices.Equal(got, want) {
		t.Fatalf("assignees %v, want %v", got, want)
	}
	s.Visit("/lang/en?next=/console/inquiries")
	s.WaitText("새 문의 1", "새 문의 2", "새 문의 3", "Bora Agent", "Alex Agent")

	// The rule set the priority; an agent changes it by hand.
	s.Visit(fmt.Sprintf("/console/inquiries/%d", first.ID))
	s.Do(chromedp.SetValue(chromedp.ID("priority"), "urgent"))
	s.Click(`form[action$="/priority"] button[type="submit"]`)
	s.WaitText("Changes saved.")
	if p, err := m.Svc.Automation.FindPriority(sys, first.ID); err != nil || p != vocdesk.PriorityUrgent {
		t.Errorf("priority after the form: %q, %v", p, err)
	}

	rules, err := m.Svc.Automation.FindRules(uitest.As(m.MemberActor(m.Hoppin, m.HoppinOwner)))
	if err != nil || len(rules) != 1 {
		t.Fatalf("rules %v, %v", rules, err)
	}
	dry := fmt.Sprintf("/console/settings/rules/%d/dry-run", rules[0].ID)
	s.Visit(dry)
	// Four inquiries now, tried oldest first: the turn goes on from Alex,
	// who had the last, so the oldest goes to Bora and the newest to Alex.
	s.WaitText("The rule would act on 4 of the last 4 inquiries", "Assign in turn: Alex Agent")
	s.Look(dry, "rule-dryrun")
	s.Look(fmt.Sprintf("/console/settings/rules/%d", rules[0].ID), "rule-form")
	s.Look("/console/settings/automation", "automation-team")
}
