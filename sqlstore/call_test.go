package sqlstore_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// asAgent is an operator of the call centre, signed in.
func asAgent() context.Context {
	return vocdesk.NewContextWithActor(context.Background(), &vocdesk.Actor{Realm: vocdesk.RealmOperator, OperatorID: 7, Name: "상담원 이"})
}

// TestCallConsent: a call without the caller's consent reaches the
// developer without the caller's account, purchase, TxID and contacts, on
// every read (one, thread, list, filters by customer and txid, the
// customer's visibility, mail deliveries, webhooks); with consent as any
// inquiry. The customer and the store see everything either way.
func TestCallConsent(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		calls := sqlstore.NewCallService(db)
		hooks := sqlstore.NewWebhookService(db)
		_, err := hooks.SetWebhook(f.as(f.devA, f.adminA), "https://hooks.example/a", false)
		must(t, err)

		// The caller is found by phone digits, masked, with their purchases.
		c, ps, err := calls.FindCaller(asAgent(), "01012345678")
		must(t, err)
		if c.ID != f.custA.ID || c.Phone != "***-5678" || strings.Contains(c.Email, "minji.kim") || len(ps) != 2 {
			t.Fatalf("caller %+v with %d purchases", c, len(ps))
		}
		_, _, err = calls.FindCaller(f.asAgentA, "01012345678")
		wantCode(t, err, vocdesk.ENOTFOUND)
		_, _, err = calls.FindCaller(asAgent(), "nobody@example.com")
		wantCode(t, err, vocdesk.ENOTFOUND)

		no, err := calls.LogCall(asAgent(), &vocdesk.Call{Caller: "010 1234 5678", TxID: "TXA1", Category: vocdesk.CategoryNotReceived,
			Summary: "보석이 안 들어왔다고 하심\n결제는 확인됨", Consent: false})
		must(t, err)
		yes, err := calls.LogCall(asAgent(), &vocdesk.Call{Caller: "Minji.Kim@example.com", TxID: "TXA2", Category: vocdesk.CategoryPayment,
			Summary: "두 번 결제", Consent: true})
		must(t, err)
		if no.Subject != "보석이 안 들어왔다고 하심" || no.Channel != vocdesk.ChannelPhone || no.CustomerID != f.custA.ID {
			t.Fatalf("logged %+v", no)
		}

		// The developer's reads.
		hidden := func(in *vocdesk.Inquiry) bool {
			return in.CustomerID == 0 && in.PurchaseID == 0 && in.TxID == "" && in.ContactEmail == "" && in.ContactPhone == ""
		}
		got := f.reload(t, f.asAgentA, no.ID)
		if !hidden(got) || got.CustomerName != "김민지" {
			t.Fatalf("developer reads the call without consent as %+v", got)
		}
		if got := f.reload(t, f.asAgentA, yes.ID); got.TxID != "TXA2" || got.CustomerID != f.custA.ID || got.ContactEmail == "" {
			t.Fatalf("developer reads the call with consent as %+v", got)
		}
		in, msgs, err := f.inq.FindThread(f.asAgentA, no.ID)
		must(t, err)
		if !hidden(in) || len(msgs) != 1 || msgs[0].Author != vocdesk.AuthorOperator || msgs[0].AuthorName != "상담원 이" {
			t.Fatalf("thread %+v %+v", in, msgs)
		}
		list, _, err := f.inq.FindInquiries(f.asAgentA, vocdesk.InquiryFilter{})
		must(t, err)
		for _, in := range list {
			if in.ID == no.ID && !hidden(in) {
				t.Fatalf("inbox shows %+v", in)
			}
		}
		for _, flt := range []vocdesk.InquiryFilter{{CustomerID: f.custA.ID}, {TxID: "TXA1"}} {
			list, _, err := f.inq.FindInquiries(f.asAgentA, flt)
			must(t, err)
			for _, in := range list {
				if in.ID == no.ID {
					t.Fatalf("filter %+v finds the call without consent", flt)
				}
			}
		}
		// The store sees all, and so does the customer on My Page.
		if got := f.reload(t, asOperator(), no.ID); got.TxID != "TXA1" || got.ContactPhone == "" {
			t.Fatalf("operator reads %+v", got)
		}
		if got := f.reload(t, f.asCust, no.ID); got.TxID != "TXA1" {
			t.Fatalf("customer reads %+v", got)
		}
		consent, err := calls.FindConsent(asAgent(), no.ID)
		must(t, err)
		if consent.Given || consent.ByName != "상담원 이" || consent.ByID != 7 || consent.At.IsZero() {
			t.Fatalf("consent %+v", consent)
		}
		_, err = calls.FindConsent(f.asAgentA, no.ID)
		wantCode(t, err, vocdesk.ENOTFOUND)

		// The developer answers: the customer is mailed, and the thread's
		// delivery shows the developer no address.
		must(t, f.inq.AddMessage(f.asAgentA, no.ID, &vocdesk.Message{Body: "확인 후 재지급했습니다"}))
		dels, err := sqlstore.NewMailService(db).FindDeliveries(f.asAgentA, no.ID)
		must(t, err)
		if len(dels) != 1 {
			t.Fatalf("deliveries %+v", dels)
		}
		for _, d := range dels {
			if d.To != "" {
				t.Fatalf("the developer sees the caller's address %q", d.To)
			}
		}
		dels, err = sqlstore.NewMailService(db).FindDeliveries(asOperator(), no.ID)
		must(t, err)
		for _, d := range dels {
			if d.To != "minji.kim@example.com" {
				t.Fatalf("the answer is mailed to %q", d.To)
			}
		}

		// Webhooks: inquiry.created and inquiry.replied without the TxID.
		ds, _, err := hooks.FindWebhookDeliveries(f.as(f.devA, f.adminA), vocdesk.WebhookDeliveryFilter{})
		must(t, err)
		var sawNo, sawYes int
		for _, d := range ds {
			body := string(d.Body)
			switch {
			case strings.Contains(body, `"inquiry_id":`+itoa(no.ID)):
				sawNo++
				if strings.Contains(body, "TXA1") || strings.Contains(body, "txid") {
					t.Fatalf("webhook of the call without consent: %s", body)
				}
			case strings.Contains(body, `"inquiry_id":`+itoa(yes.ID)):
				sawYes++
				if !strings.Contains(body, `"txid":"TXA2"`) {
					t.Fatalf("webhook of the call with consent: %s", body)
				}
			}
		}
		if sawNo != 2 || sawYes != 1 {
			t.Fatalf("webhooks: %d of the call without consent, %d with", sawNo, sawYes)
		}

		// Bad calls.
		for _, bad := range []*vocdesk.Call{
			{Caller: "", AppSlug: "app-a", Category: vocdesk.CategoryOther, Summary: "x"},
			{Caller: "not a number", AppSlug: "app-a", Category: vocdesk.CategoryOther, Summary: "x"},
			{Caller: "010-1234-5678", AppSlug: "app-a", Category: "fax", Summary: "x"},
			{Caller: "010-1234-5678", Category: vocdesk.CategoryOther, Summary: "x"},
			{Caller: "010-1234-5678", AppSlug: "app-a", Category: vocdesk.CategoryOther, Summary: " "},
			{Caller: "stranger@example.com", TxID: "TXA1", Category: vocdesk.CategoryOther, Summary: "x"},
			{Caller: "bob@example.com", TxID: "TXA1", Category: vocdesk.CategoryOther, Summary: "x"},
		} {
			_, err := calls.LogCall(asAgent(), bad)
			wantCode(t, err, vocdesk.EINVALID)
		}
		_, err = calls.LogCall(f.asAgentA, &vocdesk.Call{Caller: "010-1234-5678", AppSlug: "app-a", Category: vocdesk.CategoryOther, Summary: "x"})
		wantCode(t, err, vocdesk.ENOTFOUND)
		// A caller without an account is kept as the contact.
		anon, err := calls.LogCall(asAgent(), &vocdesk.Call{Caller: "02-555-0199", AppSlug: "app-a", Category: vocdesk.CategoryOther,
			Summary: "문의", Consent: true})
		must(t, err)
		if got := f.reload(t, f.asAgentA, anon.ID); got.CustomerID != 0 || got.ContactPhone != "02-555-0199" {
			t.Fatalf("anonymous call %+v", got)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
