package ui_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// The tests here read pages as a Korean member does: what the server
// itself stored or named in English (a status code, an audit action, a
// mail job's error) is shown in Korean, with the code beside it only where
// a search takes the code.

// koOwner is hoppin's owner signed in with a Korean browser.
func koOwner(e *env) *browser {
	b := e.browser()
	b.lang = "ko-KR,ko;q=0.9"
	b.login("/developer/login", e.m.HoppinOwner.Email, "/console")
	return b
}

// askHoppin files Minji's inquiry about her newest purchase (hoppin's).
func askHoppin(t *testing.T, m *uitest.Marketplace, subject string) *vocdesk.Inquiry {
	t.Helper()
	in := &vocdesk.Inquiry{TxID: m.MinjiPurchases[0].TxID, Category: vocdesk.CategoryNotReceived, Subject: subject}
	if err := m.Svc.Inquiries.CreateInquiry(uitest.As(m.CustomerActor(m.Minji)), in, &vocdesk.Message{Body: "보석이 안 들어왔어요"}); err != nil {
		t.Fatal(err)
	}
	return in
}

// A purchase's page lists its inquiries by status and type in words, each
// linking to the inquiry, not by their codes ("resolved", "not_received").
func TestKoPurchaseInquiries(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m
		in := askHoppin(t, m, "보석 미지급")
		st := vocdesk.InquiryResolved
		if _, err := m.Svc.Inquiries.UpdateInquiry(uitest.As(m.MemberActor(m.Hoppin, m.HoppinOwner)), in.ID, vocdesk.InquiryUpdate{Status: &st}); err != nil {
			t.Fatal(err)
		}
		b := koOwner(e)
		r := b.get("/console/purchases/" + m.MinjiPurchases[0].TxID)
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, fmt.Sprintf(`href="/console/inquiries/%d">#%d 보석 미지급</a>`, in.ID, in.ID), "· 해결됨 · 아이템 미지급")
		wantLacks(t, r, "· resolved", "not_received</span>")
	})
}
