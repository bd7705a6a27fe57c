package sqlstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/mail"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

const domain = "desk.test"

// deliver runs the intake as the SMTP listener does: parse, then store and
// decide in one transaction.
func deliver(t *testing.T, svc vocdesk.MailService, rcpt, envFrom, raw string) *vocdesk.MailMessage {
	t.Helper()
	in, decide := mail.Prepare([]byte(raw), mail.Envelope{From: envFrom, Recipient: rcpt, Domain: domain})
	rec, err := svc.ReceiveMail(vocdesk.NewContextWithActor(context.Background(), vocdesk.SystemActor()), in, decide)
	if err != nil {
		t.Fatalf("ReceiveMail: %v", err)
	}
	return rec
}

func msg(from, subject, msgID, extra, body string) string {
	return fmt.Sprintf("From: %s\r\nTo: dev-a@desk.test\r\nSubject: %s\r\nMessage-ID: <%s>\r\n%s\r\n%s\r\n", from, subject, msgID, extra, body)
}

// TestMailIntake follows one customer's mail through the store: a new
// mail starts an inquiry linked to the customer and the TxID they quote; a
// reply to the desk's address joins it; the same reply from a stranger
// starts a new inquiry; a repeated Message-ID is one message; machine mail
// and unreadable mail are logged and kept, never filed.
func TestMailIntake(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		svc := sqlstore.NewMailService(db)
		sys := vocdesk.NewContextWithActor(context.Background(), vocdesk.SystemActor())

		ok, err := svc.DeveloperReceives(sys, "dev-a")
		if err != nil || !ok {
			t.Fatalf("dev-a receives: %v %v", ok, err)
		}
		if ok, _ := svc.DeveloperReceives(sys, "nobody"); ok {
			t.Fatal("an unknown slug receives mail")
		}

		first := msg("김민지 <Minji.Kim@example.com>", "=?UTF-8?B?7ZmY67aI?= TXA2", "m1@example.com", "", "TXA2 아이템이 안 들어왔어요")
		rec := deliver(t, svc, "dev-a@desk.test", "minji.kim@example.com", first)
		if rec.Outcome != vocdesk.MailInquiry || rec.InquiryID == 0 {
			t.Fatalf("first mail: %+v", rec)
		}
		in := f.reload(t, f.asAgentA, rec.InquiryID)
		if in.Channel != vocdesk.ChannelEmail || in.CustomerID != f.custA.ID || in.TxID != "TXA2" || in.Subject != "환불 TXA2" || in.DeveloperID != f.devA.ID {
			t.Fatalf("inquiry %+v", in)
		}

		// The customer answers the desk's mail: reply address and In-Reply-To.
		reply := msg("minji.kim@example.com", "Re: 환불", "m2@example.com",
			fmt.Sprintf("In-Reply-To: <%s>\r\n", mail.MessageID(in.ID, 1, domain)), "아직이에요")
		rec = deliver(t, svc, mail.ReplyAddress("dev-a", in.ID, domain), "minji.kim@example.com", reply)
		if rec.Outcome != vocdesk.MailReply || rec.InquiryID != in.ID {
			t.Fatalf("the customer's reply: %+v", rec)
		}
		_, msgs, err := f.inq.FindThread(f.asAgentA, in.ID)
		must(t, err)
		if len(msgs) != 2 || msgs[1].Body != "아직이에요" || msgs[1].Author != vocdesk.AuthorCustomer || msgs[1].AuthorID != f.custA.ID {
			t.Fatalf("thread %+v", msgs)
		}

		// A reply to their own first mail (References only) joins too.
		own := msg("minji.kim@example.com", "Re: 환불", "m3@example.com", "References: <m1@example.com>\r\n", "추가로 말씀드리면")
		if rec = deliver(t, svc, "dev-a@desk.test", "minji.kim@example.com", own); rec.Outcome != vocdesk.MailReply || rec.InquiryID != in.ID {
			t.Fatalf("reply by References: %+v", rec)
		}

		// The same headers and reply address from a stranger: a new inquiry.
		stranger := msg("bob@example.com", "Re: 환불", "m4@example.com",
			fmt.Sprintf("In-Reply-To: <%s>\r\nReferences: <m1@example.com>\r\n", mail.MessageID(in.ID, 1, domain)), "TXA2 is mine too")
		rec = deliver(t, svc, mail.ReplyAddress("dev-a", in.ID, domain), "bob@example.com", stranger)
		if rec.Outcome != vocdesk.MailInquiry || rec.InquiryID == in.ID {
			t.Fatalf("a stranger's reply joins: %+v", rec)
		}
		if other := f.reload(t, f.asAgentA, rec.InquiryID); other.TxID != "" || other.CustomerID != f.custB.ID {
			t.Fatalf("the stranger's inquiry takes the customer's TxID: %+v", other)
		}

		// The same Message-ID again, and machine mail.
		if rec = deliver(t, svc, "dev-a@desk.test", "minji.kim@example.com", reply); rec.Outcome != vocdesk.MailDuplicate || rec.InquiryID != in.ID {
			t.Fatalf("duplicate: %+v", rec)
		}
		auto := msg("minji.kim@example.com", "Out of office", "m5@example.com", "Auto-Submitted: auto-replied\r\n", "away")
		if rec = deliver(t, svc, "dev-a@desk.test", "", auto); rec.Outcome != vocdesk.MailAutoReply || rec.InquiryID != 0 {
			t.Fatalf("auto-reply: %+v", rec)
		}
		garbage := "\x00\x01 not a mail at all"
		rec = deliver(t, svc, "dev-a@desk.test", "x@example.com", garbage)
		if rec.Outcome != vocdesk.MailUnparsed || rec.Problem == "" {
			t.Fatalf("unreadable: %+v", rec)
		}
		got, raw, err := svc.FindMailRaw(f.asAgentA, rec.ID)
		must(t, err)
		if !bytes.Equal(raw, []byte(garbage)) || got.Outcome != vocdesk.MailUnparsed {
			t.Fatalf("raw %q", raw)
		}
		_, _, _ = f.inq.FindThread(f.asAgentA, in.ID)
		thread, err := f.inq.FindMessages(f.asAgentA, in.ID)
		must(t, err)
		if len(thread) != 3 {
			t.Fatalf("the duplicate or the auto-reply reached the thread: %d messages", len(thread))
		}

		// The log: newest first, filtered, paged; developer B sees none of
		// it and cannot read A's raw mail; customers see nothing.
		list, _, err := svc.FindMailMessages(f.asAgentA, vocdesk.MailFilter{})
		must(t, err)
		if len(list) != 7 || list[0].Outcome != vocdesk.MailUnparsed || list[6].Outcome != vocdesk.MailInquiry {
			t.Fatalf("log %d entries", len(list))
		}
		page, next, err := svc.FindMailMessages(f.asAgentA, vocdesk.MailFilter{Limit: 4})
		must(t, err)
		rest, _, err := svc.FindMailMessages(f.asAgentA, vocdesk.MailFilter{Limit: 4, Cursor: next})
		must(t, err)
		if len(page) != 4 || len(rest) != 3 || rest[0].ID >= page[3].ID {
			t.Fatalf("pages %d + %d", len(page), len(rest))
		}
		replies, _, err := svc.FindMailMessages(f.asAgentA, vocdesk.MailFilter{Outcome: vocdesk.MailReply})
		must(t, err)
		if len(replies) != 2 {
			t.Fatalf("%d replies; want 2", len(replies))
		}
		asB := f.as(f.devB, f.agentB)
		if bl, _, err := svc.FindMailMessages(asB, vocdesk.MailFilter{}); err != nil || len(bl) != 0 {
			t.Fatalf("developer B sees %d of A's mail (%v)", len(bl), err)
		}
		_, _, err = svc.FindMailRaw(asB, rec.ID)
		wantCode(t, err, vocdesk.ENOTFOUND)
		asViewer := f.as(f.devA, f.viewerA)
		_, _, err = svc.FindMailRaw(asViewer, rec.ID)
		wantCode(t, err, vocdesk.EFORBIDDEN)
		masked, _, err := svc.FindMailMessages(asViewer, vocdesk.MailFilter{Outcome: vocdesk.MailInquiry})
		must(t, err)
		if len(masked) != 2 || masked[1].From == "minji.kim@example.com" || masked[1].From == "" {
			t.Fatalf("a viewer sees the sender %+v", masked)
		}
		if cl, _, err := svc.FindMailMessages(f.asCust, vocdesk.MailFilter{}); err != nil || len(cl) != 0 {
			t.Fatalf("a customer sees the mail log: %d (%v)", len(cl), err)
		}
		all, _, err := svc.FindMailMessages(asOperator(), vocdesk.MailFilter{Developer: "dev-b"})
		must(t, err)
		if len(all) != 0 {
			t.Fatalf("operator's dev-b filter: %d", len(all))
		}
	})
}

// TestMailRefusedKeptUnparsed: when the desk refuses what the rules ask
// (here an inquiry without a subject), the message is still stored, as
// unparsed with the reason.
func TestMailRefusedKeptUnparsed(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		svc := sqlstore.NewMailService(db)
		sys := vocdesk.NewContextWithActor(context.Background(), vocdesk.SystemActor())
		in := &vocdesk.InboundMail{DeveloperSlug: "dev-a", Recipient: "dev-a@desk.test", From: "x@example.com", Raw: []byte("raw")}
		rec, err := svc.ReceiveMail(sys, in, func(mf *vocdesk.MailFacts) *vocdesk.MailDecision {
			return &vocdesk.MailDecision{Outcome: vocdesk.MailInquiry, Message: &vocdesk.Message{Body: "hi"},
				Inquiry: &vocdesk.Inquiry{AppID: f.appA.ID, Channel: vocdesk.ChannelEmail, Category: vocdesk.CategoryOther}}
		})
		must(t, err)
		if rec.Outcome != vocdesk.MailUnparsed || rec.InquiryID != 0 || rec.Problem == "" {
			t.Fatalf("refused inquiry: %+v", rec)
		}
		if _, raw, err := svc.FindMailRaw(asOperator(), rec.ID); err != nil || string(raw) != "raw" {
			t.Fatalf("raw %q %v", raw, err)
		}
	})
}

// TestMailDeliveries: an answer to an email inquiry is queued as mail that
// names the customer's messages for threading, and its delivery state
// moves with the job's attempts (a stale attempt's report changes
// nothing); only the desk's side sees it.
func TestMailDeliveries(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		svc := sqlstore.NewMailService(db)
		sys := vocdesk.NewContextWithActor(context.Background(), vocdesk.SystemActor())
		rec := deliver(t, svc, "dev-a@desk.test", "minji.kim@example.com", msg("minji.kim@example.com", "환불", "m1@example.com", "", "TXA1 환불해 주세요"))
		rec2 := deliver(t, svc, mail.ReplyAddress("dev-a", rec.InquiryID, domain), "minji.kim@example.com",
			msg("minji.kim@example.com", "Re: 환불", "m2@example.com", "In-Reply-To: <m1@example.com>\r\n", "빨리요"))
		if rec2.Outcome != vocdesk.MailReply {
			t.Fatalf("reply: %+v", rec2)
		}
		answer := &vocdesk.Message{Body: "처리했습니다"}
		must(t, f.inq.AddMessage(f.asAgentA, rec.InquiryID, answer))

		jobs, err := f.jobs.Claim(sys, []string{vocdesk.JobSendMail}, 10, time.Minute)
		must(t, err)
		if len(jobs) != 1 {
			t.Fatalf("%d mail jobs", len(jobs))
		}
		var m vocdesk.Mail
		must(t, json.Unmarshal(jobs[0].Payload, &m))
		if m.InquiryID != rec.InquiryID || m.MessageRef != answer.ID || m.DeveloperSlug != "dev-a" || m.To != "minji.kim@example.com" ||
			strings.Join(m.References, " ") != "m1@example.com m2@example.com" || m.Notice {
			t.Fatalf("mail %+v", m)
		}

		state := func(ctx context.Context) *vocdesk.MailDelivery {
			t.Helper()
			ds, err := svc.FindDeliveries(ctx, rec.InquiryID)
			must(t, err)
			return ds[answer.ID]
		}
		if d := state(f.asAgentA); d == nil || d.State != vocdesk.MailQueued {
			t.Fatalf("queued: %+v", d)
		}
		must(t, svc.RecordDelivery(sys, &vocdesk.MailDelivery{MessageRef: answer.ID, State: vocdesk.MailRetrying, Attempts: 1, LastError: "451 busy"}))
		must(t, svc.RecordDelivery(sys, &vocdesk.MailDelivery{MessageRef: answer.ID, State: vocdesk.MailSent, Attempts: 2, MessageID: "x@desk.test"}))
		must(t, svc.RecordDelivery(sys, &vocdesk.MailDelivery{MessageRef: answer.ID, State: vocdesk.MailRetrying, Attempts: 1, LastError: "late"}))
		if d := state(f.asAgentA); d.State != vocdesk.MailSent || d.Attempts != 2 || d.MessageID != "x@desk.test" {
			t.Fatalf("after the attempts: %+v", d)
		}
		if d := state(f.as(f.devB, f.agentB)); d != nil {
			t.Error("developer B sees A's delivery")
		}
		if d := state(f.asCust); d != nil {
			t.Error("the customer sees the delivery state")
		}
		if d := state(f.as(f.devA, f.viewerA)); d == nil || d.To == "minji.kim@example.com" {
			t.Errorf("a viewer's delivery %+v: want the address masked", d)
		}
	})
}
