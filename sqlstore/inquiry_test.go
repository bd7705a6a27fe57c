package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

func TestInquiryWorkflow(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		in := f.ask(t, f.custA, "TXA1", "", "환불 요청합니다", "젬을 잘못 샀어요. 환불요청 드립니다.")
		if in.Status != vocdesk.InquiryNew || in.DeveloperID != f.devA.ID || in.AppSlug != "app-a" || in.PurchaseID != f.pA1.ID {
			t.Fatalf("created %+v: want new, developer A, app-a, purchase A1 (derived from the txid)", in)
		}
		if in.Channel != vocdesk.ChannelStore || !in.UnreadByDeveloper || in.UnreadByCustomer {
			t.Fatalf("channel %s, unread dev %v cust %v", in.Channel, in.UnreadByDeveloper, in.UnreadByCustomer)
		}
		// Wednesday 10:00 + 8 business hours (the default first response).
		if in.WaitingSince == nil || in.DueAt == nil || !in.DueAt.Equal(time.Date(2026, 3, 4, 18, 0, 0, 0, vocdesk.Seoul)) {
			t.Fatalf("due %v, want Wednesday 18:00 KST", in.DueAt)
		}

		// An internal note changes nothing and never reaches the customer.
		f.now = f.now.Add(10 * time.Minute)
		must(t, f.inq.AddMessage(f.asAgentA, in.ID, &vocdesk.Message{Body: "결제 로그 확인 필요", Internal: true}))
		got := f.reload(t, f.asAgentA, in.ID)
		if got.Status != vocdesk.InquiryNew || got.UnreadByCustomer || got.DueAt == nil {
			t.Fatalf("after a note: %+v", got)
		}

		// A reply waits on the customer, stops the clock, marks it unread
		// for the customer and mails them.
		f.now = f.now.Add(time.Hour)
		reply := &vocdesk.Message{Body: "확인 후 환불 처리해 드리겠습니다."}
		must(t, f.inq.AddMessage(f.asAgentA, in.ID, reply))
		got = f.reload(t, f.asAgentA, in.ID)
		if got.Status != vocdesk.InquiryWaitingOnCustomer || !got.UnreadByCustomer || got.DueAt != nil || got.WaitingSince != nil {
			t.Fatalf("after a reply: status %s unread %v due %v", got.Status, got.UnreadByCustomer, got.DueAt)
		}
		if got.FirstResponseAt == nil || !got.FirstResponseAt.Equal(f.now) {
			t.Fatalf("first response at %v, want %v", got.FirstResponseAt, f.now)
		}
		if reply.Author != vocdesk.AuthorDeveloper || reply.AuthorName != "에이전트 A" {
			t.Fatalf("reply author %s %q", reply.Author, reply.AuthorName)
		}
		jobs, err := f.jobs.Claim(asOperator(), []string{vocdesk.JobSendMail}, 10, time.Minute)
		must(t, err)
		if len(jobs) != 1 {
			t.Fatalf("claimed %d mail jobs, want 1 (the reply; not the note)", len(jobs))
		}
		var mail vocdesk.Mail
		must(t, json.Unmarshal(jobs[0].Payload, &mail))
		must(t, f.jobs.Complete(asOperator(), jobs[0]))
		if mail.To != "minji.kim@example.com" || mail.Text == "" || mail.InReplyTo == "" || mail.Subject != "[App A] Re: 환불 요청합니다" {
			t.Fatalf("mail %+v", mail)
		}

		// The customer reads it: their marker clears.
		must(t, f.inq.MarkRead(f.asCust, in.ID))
		if got = f.reload(t, f.asCust, in.ID); got.UnreadByCustomer {
			t.Fatal("MarkRead left the customer's marker")
		}
		must(t, f.inq.MarkRead(f.asAgentA, in.ID))
		if got = f.reload(t, f.asAgentA, in.ID); got.UnreadByDeveloper {
			t.Fatal("MarkRead left the developer's marker")
		}

		// The customer answers: open again, the next-response clock runs.
		f.now = f.now.Add(time.Hour)
		must(t, f.inq.AddMessage(f.asCust, in.ID, &vocdesk.Message{Body: "네 감사합니다"}))
		got = f.reload(t, f.asAgentA, in.ID)
		if got.Status != vocdesk.InquiryOpen || !got.UnreadByDeveloper || got.WaitingSince == nil || !got.WaitingSince.Equal(f.now) {
			t.Fatalf("after the customer's answer: %s, unread %v, waiting %v", got.Status, got.UnreadByDeveloper, got.WaitingSince)
		}
		if want := f.now.Add(4 * time.Hour); !got.DueAt.Equal(want) { // next response: 4 business hours
			t.Fatalf("next response due %v, want %v", got.DueAt, want)
		}

		// The developer resolves; the customer is mailed; a resolved one
		// reopens on a customer's message, as does a closed one.
		res, err := f.inq.UpdateInquiry(f.asAgentA, in.ID, vocdesk.InquiryUpdate{Status: status(vocdesk.InquiryResolved)})
		must(t, err)
		if res.Status != vocdesk.InquiryResolved || res.DueAt != nil {
			t.Fatalf("resolved: %+v", res)
		}
		// The first resolution's mail is the satisfaction survey (survey.go).
		jobs, _ = f.jobs.Claim(asOperator(), []string{vocdesk.JobSendMail, vocdesk.JobSendSurvey}, 10, time.Minute)
		if len(jobs) != 1 || jobs[0].Kind != vocdesk.JobSendSurvey {
			t.Fatalf("resolving mailed %d times, want once (the survey)", len(jobs))
		}
		must(t, f.inq.AddMessage(f.asCust, in.ID, &vocdesk.Message{Body: "아직 안 들어왔어요"}))
		if got = f.reload(t, f.asCust, in.ID); got.Status != vocdesk.InquiryOpen {
			t.Fatalf("a customer's message on a resolved inquiry: %s, want open", got.Status)
		}
		_, err = f.inq.UpdateInquiry(f.asAgentA, in.ID, vocdesk.InquiryUpdate{Status: status(vocdesk.InquiryClosed)})
		must(t, err)
		must(t, f.inq.AddMessage(f.asCust, in.ID, &vocdesk.Message{Body: "다시 문의합니다"}))
		if got = f.reload(t, f.asCust, in.ID); got.Status != vocdesk.InquiryOpen {
			t.Fatalf("a customer's message on a closed inquiry: %s, want open", got.Status)
		}

		// The thread: a system event for each status change, for the
		// developer only, as the note is: the customer reads the messages.
		devThread, err := f.inq.FindMessages(f.asAgentA, in.ID)
		must(t, err)
		custThread, err := f.inq.FindMessages(f.asCust, in.ID)
		must(t, err)
		systems := 0
		for _, m := range devThread {
			if m.Author == vocdesk.AuthorSystem {
				systems++
			}
		}
		if systems != 2 {
			t.Fatalf("%d system events, want 2 (resolved, closed)", systems)
		}
		if len(devThread) != len(custThread)+1+systems {
			t.Fatalf("developer sees %d messages, customer %d: want the note and the events fewer", len(devThread), len(custThread))
		}
		for _, m := range custThread {
			if m.Internal || m.Body == "결제 로그 확인 필요" || m.Author == vocdesk.AuthorSystem {
				t.Fatalf("the customer got %q", m.Body)
			}
		}

		// Counts follow every move.
		counts, err := f.inq.CountInquiries(f.asAgentA, vocdesk.InquiryFilter{})
		must(t, err)
		if counts[vocdesk.InquiryOpen] != 1 || counts[vocdesk.InquiryNew] != 0 || counts[vocdesk.InquiryResolved] != 0 {
			t.Fatalf("counts %v, want one open", counts)
		}

		// Each change is in the audit trail.
		var n int
		must(t, db.RawForTest().QueryRow(db.RebindForTest(`SELECT COUNT(*) FROM audit_log WHERE entity = 'inquiry' AND entity_id = $1`),
			fmt.Sprint(in.ID)).Scan(&n))
		if n < 8 {
			t.Fatalf("%d audit entries for the inquiry, want one per change (>= 8)", n)
		}
	})
}

func TestInquiryCustomerRules(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		asB := asCustomer(f.custB)
		// Another customer's txid answers like a missing one.
		err := f.inq.CreateInquiry(asB, &vocdesk.Inquiry{TxID: "TXA1", Category: vocdesk.CategoryRefund, Subject: "x"}, &vocdesk.Message{Body: "x"})
		wantCode(t, err, vocdesk.ENOTFOUND)
		err = f.inq.CreateInquiry(asB, &vocdesk.Inquiry{TxID: "NOPE", Category: vocdesk.CategoryRefund, Subject: "x"}, &vocdesk.Message{Body: "x"})
		wantCode(t, err, vocdesk.ENOTFOUND)
		// A general inquiry about any app.
		gen := f.ask(t, f.custB, "", "app-a", "How do I restore purchases?", "I changed phones.")
		if gen.DeveloperID != f.devA.ID || gen.PurchaseID != 0 {
			t.Fatalf("general inquiry %+v", gen)
		}
		// Channel rules.
		err = f.inq.CreateInquiry(asB, &vocdesk.Inquiry{AppSlug: "app-a", Channel: vocdesk.ChannelPhone, Category: vocdesk.CategoryOther, Subject: "x"}, &vocdesk.Message{Body: "x"})
		wantCode(t, err, vocdesk.EINVALID)
		// txid and app must agree.
		err = f.inq.CreateInquiry(f.asCust, &vocdesk.Inquiry{TxID: "TXA1", AppSlug: "app-b", Category: vocdesk.CategoryRefund, Subject: "x"}, &vocdesk.Message{Body: "x"})
		wantCode(t, err, vocdesk.EINVALID)

		// Ratings: only when resolved, only by the customer, 1-5.
		in := f.ask(t, f.custA, "TXA2", "", "Not received", "The gems never arrived.")
		wantCode(t, f.inq.RateInquiry(f.asCust, in.ID, 5, "great"), vocdesk.EUNPROCESSABLE)
		// The customer marks it solved; assigning is not theirs to do.
		_, err = f.inq.UpdateInquiry(f.asCust, in.ID, vocdesk.InquiryUpdate{AssigneeID: &f.agentA.ID})
		wantCode(t, err, vocdesk.EFORBIDDEN)
		_, err = f.inq.UpdateInquiry(f.asCust, in.ID, vocdesk.InquiryUpdate{Status: status(vocdesk.InquiryResolved)})
		must(t, err)
		wantCode(t, f.inq.RateInquiry(f.asCust, in.ID, 6, ""), vocdesk.EINVALID)
		wantCode(t, f.inq.RateInquiry(f.asCust, in.ID, 0, ""), vocdesk.EINVALID)
		wantCode(t, f.inq.RateInquiry(f.asAgentA, in.ID, 5, ""), vocdesk.EFORBIDDEN)
		wantCode(t, f.inq.RateInquiry(asB, in.ID, 1, ""), vocdesk.ENOTFOUND)
		must(t, f.inq.RateInquiry(f.asCust, in.ID, 4, "빨리 해결됐어요"))
		if got := f.reload(t, f.asAgentA, in.ID); got.Rating != 4 || got.RatingComment != "빨리 해결됐어요" {
			t.Fatalf("rating %d %q", got.Rating, got.RatingComment)
		}
		// Customers cannot write notes.
		wantCode(t, f.inq.AddMessage(f.asCust, in.ID, &vocdesk.Message{Body: "x", Internal: true}), vocdesk.EINVALID)
	})
}

func TestInquiryTenancy(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		png := pngBytes()
		in := &vocdesk.Inquiry{TxID: "TXA1", Category: vocdesk.CategoryRefund, Subject: "환불"}
		first := &vocdesk.Message{Body: "스크린샷 첨부", Attachments: []*vocdesk.Attachment{{Filename: "shot.png", Data: png}}}
		must(t, f.inq.CreateInquiry(f.asCust, in, first))
		att := first.Attachments[0].ID

		asDevB := f.as(f.devB, f.agentB)
		asCustB := asCustomer(f.custB)
		for name, c := range map[string]context.Context{"developer B": asDevB, "customer B": asCustB} {
			_, err := f.inq.FindInquiryByID(c, in.ID)
			wantCode(t, err, vocdesk.ENOTFOUND)
			_, err = f.inq.FindMessages(c, in.ID)
			wantCode(t, err, vocdesk.ENOTFOUND)
			_, err = f.inq.FindAttachment(c, att)
			wantCode(t, err, vocdesk.ENOTFOUND)
			wantCode(t, f.inq.AddMessage(c, in.ID, &vocdesk.Message{Body: "hi"}), vocdesk.ENOTFOUND)
			wantCode(t, f.inq.MarkRead(c, in.ID), vocdesk.ENOTFOUND)
			_, err = f.inq.UpdateInquiry(c, in.ID, vocdesk.InquiryUpdate{Status: status(vocdesk.InquiryClosed)})
			wantCode(t, err, vocdesk.ENOTFOUND)
			list, _, err := f.inq.FindInquiries(c, vocdesk.InquiryFilter{})
			must(t, err)
			if len(list) != 0 {
				t.Fatalf("%s lists %d of A's inquiries", name, len(list))
			}
			hits, _, err := f.inq.SearchInquiries(c, vocdesk.InquiryFilter{Q: "환불"})
			must(t, err)
			if len(hits) != 0 {
				t.Fatalf("%s finds %d of A's inquiries by search", name, len(hits))
			}
			counts, err := f.inq.CountInquiries(c, vocdesk.InquiryFilter{})
			must(t, err)
			if counts[vocdesk.InquiryNew] != 0 {
				t.Fatalf("%s counts A's inquiries: %v", name, counts)
			}
		}
		n, err := f.inq.BulkUpdateInquiries(asDevB, []int64{in.ID}, vocdesk.InquiryUpdate{Status: status(vocdesk.InquiryClosed)})
		if err != nil || n != 0 {
			t.Fatalf("developer B bulk-closed %d of A's inquiries (%v)", n, err)
		}

		// The parties see it; operators read it but do not answer for the developer.
		got, err := f.inq.FindAttachment(f.asCust, att)
		must(t, err)
		if got.ContentType != "image/png" || len(got.Data) != len(png) {
			t.Fatalf("attachment %s %d bytes", got.ContentType, len(got.Data))
		}
		_, err = f.inq.FindInquiryByID(asOperator(), in.ID)
		must(t, err)
		_, err = f.inq.UpdateInquiry(asOperator(), in.ID, vocdesk.InquiryUpdate{Status: status(vocdesk.InquiryClosed)})
		wantCode(t, err, vocdesk.EFORBIDDEN)

		// Viewers read with masked contacts and may not answer.
		asViewer := f.as(f.devA, f.viewerA)
		v, err := f.inq.FindInquiryByID(asViewer, in.ID)
		must(t, err)
		if v.ContactEmail != "m***@example.com" || v.ContactPhone != "***-5678" {
			t.Fatalf("viewer sees contacts %q %q", v.ContactEmail, v.ContactPhone)
		}
		list, _, err := f.inq.FindInquiries(asViewer, vocdesk.InquiryFilter{})
		must(t, err)
		if len(list) != 1 || list[0].ContactEmail != "m***@example.com" {
			t.Fatalf("viewer's list %+v", list)
		}
		if a, _ := f.inq.FindInquiryByID(f.asAgentA, in.ID); a.ContactEmail != "minji.kim@example.com" {
			t.Fatalf("agent sees %q", a.ContactEmail)
		}
		wantCode(t, f.inq.AddMessage(asViewer, in.ID, &vocdesk.Message{Body: "x"}), vocdesk.EFORBIDDEN)

		// A developer may see a customer who asked it something, and no other.
		must(t, f.inq.CreateInquiry(asCustB, &vocdesk.Inquiry{AppSlug: "app-a", Category: vocdesk.CategoryOther, Subject: "q"}, &vocdesk.Message{Body: "q"}))
		if _, err := f.customers.FindCustomerByID(f.asAgentA, f.custB.ID); err != nil {
			t.Fatalf("developer A cannot see customer B who asked it: %v", err)
		}
		_, err = f.customers.FindCustomerByID(asDevB, f.custA.ID)
		wantCode(t, err, vocdesk.ENOTFOUND)

		// Operators log phone inquiries for a customer, and operator messages.
		ph := &vocdesk.Inquiry{TxID: "TXB1", Channel: vocdesk.ChannelPhone, Category: vocdesk.CategoryPayment, Subject: "전화 문의"}
		must(t, f.inq.CreateInquiry(asOperator(), ph, &vocdesk.Message{Body: "결제가 두 번 됐다고 하심"}))
		if ph.CustomerID != f.custB.ID || ph.DeveloperID != f.devB.ID {
			t.Fatalf("phone inquiry %+v", ph)
		}
		must(t, f.inq.AddMessage(asOperator(), ph.ID, &vocdesk.Message{Body: "개발사에 전달했습니다"}))
		// Developers create on the api channel for their own apps only.
		err = f.inq.CreateInquiry(asDevB, &vocdesk.Inquiry{TxID: "TXA1", Channel: vocdesk.ChannelAPI, Category: vocdesk.CategoryOther, Subject: "x"}, &vocdesk.Message{Body: "x"})
		wantCode(t, err, vocdesk.ENOTFOUND)
		must(t, f.inq.CreateInquiry(asDevB, &vocdesk.Inquiry{TxID: "TXB1", Channel: vocdesk.ChannelAPI, Category: vocdesk.CategoryOther, Subject: "x"}, &vocdesk.Message{Body: "x"}))
	})
}

func TestInquiryAssignAndTags(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		in := f.ask(t, f.custA, "TXA1", "", "s", "b")
		got, err := f.inq.UpdateInquiry(f.asAgentA, in.ID, vocdesk.InquiryUpdate{AssigneeID: &f.agentA.ID, AddTags: []string{"VIP ", "refund"}})
		must(t, err)
		if got.AssigneeID != f.agentA.ID || got.AssigneeName != "에이전트 A" || len(got.Tags) != 2 || got.Tags[1] != "vip" {
			t.Fatalf("updated %+v", got)
		}
		// The inbox's pages join the assignee and app names in each of
		// their shapes (inboxShapeOf).
		for _, flt := range []vocdesk.InquiryFilter{{}, {Tag: "vip"}, {Status: []vocdesk.InquiryStatus{vocdesk.InquiryNew, vocdesk.InquiryOpen}}} {
			list, _, err := f.inq.FindInquiries(f.asAgentA, flt)
			must(t, err)
			if len(list) != 1 || list[0].AssigneeName != "에이전트 A" || list[0].AppName == "" || list[0].DeveloperSlug != "dev-a" {
				t.Fatalf("inbox %+v: %+v", flt, list)
			}
		}
		// A member of another developer cannot be assigned.
		_, err = f.inq.UpdateInquiry(f.asAgentA, in.ID, vocdesk.InquiryUpdate{AssigneeID: &f.agentB.ID})
		wantCode(t, err, vocdesk.EINVALID)
		got, err = f.inq.UpdateInquiry(f.asAgentA, in.ID, vocdesk.InquiryUpdate{RemoveTags: []string{"vip"}})
		must(t, err)
		if len(got.Tags) != 1 || got.Tags[0] != "refund" {
			t.Fatalf("tags %v", got.Tags)
		}
		tags, err := f.desk.FindTags(f.asAgentA)
		must(t, err)
		if len(tags) != 1 || tags[0].Tag != "refund" || tags[0].Count != 1 {
			t.Fatalf("tags %+v", tags)
		}
		msgs, _ := f.inq.FindMessages(f.asAgentA, in.ID)
		if last := msgs[len(msgs)-1]; last.Author != vocdesk.AuthorSystem {
			t.Fatalf("assignment left no system event: %+v", last)
		}
		// Bulk: close several at once.
		in2 := f.ask(t, f.custA, "TXA2", "", "s2", "b2")
		n, err := f.inq.BulkUpdateInquiries(f.asAgentA, []int64{in.ID, in2.ID, 99999}, vocdesk.InquiryUpdate{Status: status(vocdesk.InquiryClosed)})
		if err != nil || n != 2 {
			t.Fatalf("bulk closed %d, %v; want 2", n, err)
		}
	})
}

// FindThread reads the inquiry and its thread in one go, in the actor's
// scope: notes only for the developer, contacts masked for viewers, and
// another developer's inquiry answers like one that does not exist.
func TestFindThread(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		in := f.ask(t, f.custA, "TXA1", "", "환불", "환불해 주세요")
		must(t, f.inq.AddMessage(f.asAgentA, in.ID, &vocdesk.Message{Body: "note", Internal: true}))
		must(t, f.inq.AddMessage(f.asAgentA, in.ID, &vocdesk.Message{Body: "answer"}))

		got, msgs, err := f.inq.FindThread(f.asAgentA, in.ID)
		must(t, err)
		if got.ID != in.ID || len(msgs) != 3 || !msgs[1].Internal || got.ContactEmail != "minji.kim@example.com" {
			t.Fatalf("agent: inquiry %d (%s), %d messages", got.ID, got.ContactEmail, len(msgs))
		}
		_, msgs, err = f.inq.FindThread(f.asCust, in.ID)
		must(t, err)
		if len(msgs) != 2 || msgs[0].Internal || msgs[1].Internal {
			t.Fatalf("customer: %d messages, notes among them", len(msgs))
		}
		got, _, err = f.inq.FindThread(f.as(f.devA, f.viewerA), in.ID)
		must(t, err)
		if got.ContactEmail == "minji.kim@example.com" {
			t.Fatalf("viewer sees %s unmasked", got.ContactEmail)
		}
		_, _, err = f.inq.FindThread(f.as(f.devB, f.agentB), in.ID)
		wantCode(t, err, vocdesk.ENOTFOUND)
		_, _, err = f.inq.FindThread(f.asAgentA, in.ID+1000)
		wantCode(t, err, vocdesk.ENOTFOUND)
	})
}
