package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// TestAuditTrailPages: the back office searches the whole trail and reads
// an entry's change field by field; a developer's owner reads its own
// organisation's entries, never another developer's; an agent has no way in.
func TestAuditTrailPages(t *testing.T) {
	s := Start(t)
	m := s.M
	p := m.MinjiPurchases[0]
	in := &vocdesk.Inquiry{TxID: p.TxID, Category: vocdesk.CategoryRefund, Subject: "환불 부탁드려요"}
	if err := m.Svc.Inquiries.CreateInquiry(uitest.As(m.CustomerActor(m.Minji)), in, &vocdesk.Message{Body: "실수로 샀어요"}); err != nil {
		t.Fatal(err)
	}
	owner := uitest.As(m.MemberActor(m.Hoppin, m.HoppinOwner))
	st, tags := vocdesk.InquiryResolved, []string{"refund-check"}
	if _, err := m.Svc.Inquiries.UpdateInquiry(owner, in.ID, vocdesk.InquiryUpdate{Status: &st, AddTags: tags}); err != nil {
		t.Fatal(err)
	}
	if err := m.Svc.Desk.AddDeveloperNote(uitest.System(), &vocdesk.DeveloperNote{DeveloperSlug: m.Hoppin.Slug, Body: "store-internal: watch refunds"}); err != nil {
		t.Fatal(err)
	}

	// The back office: everything, searched by what and by who.
	s.LoginAs("/operator/login", m.Operator)
	s.ClickLink("Audit trail")
	s.WaitLocation("/operator/audit")
	s.WaitText("Audit trail", "inquiry.updated", "developer_note.added", "nimbus")
	s.Look("/operator/audit", "audit-operator")
	search := fmt.Sprintf("/operator/audit?action=inquiry&entity=inquiry:%d&q=resolved", in.ID)
	s.Visit(search)
	s.WaitText("inquiry.updated", "박지훈")
	s.NoText("inquiry.created", "developer_note.added")
	s.Click(`.audit-entry[data-action="inquiry.updated"] summary`)
	s.WaitText("status", "new", "resolved", "tags", "refund-check")
	s.Shot("audit-operator-diff")
	s.Look(search, "audit-operator-search")

	// A developer's owner: its own entries, without the store's note.
	dev := s.Another()
	dev.LoginAs("/developer/login", m.HoppinOwner)
	dev.ClickLink("Audit trail")
	dev.WaitLocation("/console/audit")
	dev.WaitText("inquiry.updated", "inquiry.created")
	dev.NoText("developer_note.added", "nimbus")
	dev.Look("/console/audit", "audit-developer")
	for _, q := range []string{"?developer=nimbus&actor=nimbus", "?q=watch+refunds", "?action=developer_note"} {
		dev.Visit("/console/audit" + q)
		dev.WaitText("No entries match.")
	}
	dev.Visit("/console/audit?q=" + url.QueryEscape("환불 부탁드려요"))
	dev.WaitText("inquiry.created")
	dev.NoText("inquiry.updated")

	// An agent sees no link, and the page refuses.
	agent := s.Another()
	agent.LoginAs("/developer/login", m.HoppinAgent)
	agent.NoText("Audit trail")
	t.Cleanup(func() { s.forgive("403 (Forbidden)") })
	agent.Visit("/console/audit")
	agent.WaitText("may not")
	if strings.Contains(agent.BodyText(), "inquiry.updated") {
		t.Error("an agent reads the audit trail")
	}
}
