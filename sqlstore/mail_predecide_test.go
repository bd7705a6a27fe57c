package sqlstore_test

import (
	"context"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/mail"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestMailDecidedAheadRaced: the intake decides a message before its
// storing transaction (on SQLite, outside the single writer). When another
// copy of the same Message-ID is stored in between, the decision made
// ahead ("a new inquiry") is stale: the message must be decided again on
// what the storing transaction sees, a duplicate, and no second inquiry
// made. On PostgreSQL nothing is decided ahead, and the answer is the same.
func TestMailDecidedAheadRaced(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		svc := sqlstore.NewMailService(db)
		sys := vocdesk.NewContextWithActor(context.Background(), vocdesk.SystemActor())
		raw := msg("minji.kim@example.com", "환불 요청", "race@example.com", "", "결제한 젬이 안 들어왔어요 TXA1")
		env := mail.Envelope{From: "minji.kim@example.com", Recipient: "dev-a@desk.test", Domain: domain}

		var first *vocdesk.MailMessage
		in, decide := mail.Prepare([]byte(raw), env)
		rec, err := sqlstore.ReceiveMailRacedForTest(sys, db, in, decide, func() {
			first = deliver(t, svc, "dev-a@desk.test", "minji.kim@example.com", raw)
		})
		must(t, err)
		if first.Outcome != vocdesk.MailInquiry {
			t.Fatalf("the copy stored in between: %+v", first)
		}
		if rec.Outcome != vocdesk.MailDuplicate || rec.InquiryID != first.InquiryID {
			t.Fatalf("the message decided ahead as new and stored after its copy: %+v, want a duplicate of inquiry %d", rec, first.InquiryID)
		}
		list, _, err := f.inq.FindInquiries(f.asAgentA, vocdesk.InquiryFilter{})
		must(t, err)
		if len(list) != 1 {
			t.Fatalf("%d inquiries from one Message-ID, want 1", len(list))
		}
		// (The unique index on Message-IDs would also have caught that
		// one; a thread has no such backstop.)

		// A follow-up decided ahead while the mail it refers to was not in
		// yet (a new inquiry, then) joins that mail's inquiry once it is.
		orig := msg("minji.kim@example.com", "결제 문의", "orig@example.com", "", "TXA2 결제 확인 부탁드립니다")
		follow := msg("minji.kim@example.com", "Re: 결제 문의", "follow@example.com", "References: <orig@example.com>\r\n", "추가로 영수증 첨부합니다")
		in, decide = mail.Prepare([]byte(follow), env)
		var origRec *vocdesk.MailMessage
		rec, err = sqlstore.ReceiveMailRacedForTest(sys, db, in, decide, func() {
			origRec = deliver(t, svc, "dev-a@desk.test", "minji.kim@example.com", orig)
		})
		must(t, err)
		if rec.Outcome != vocdesk.MailReply || rec.InquiryID != origRec.InquiryID {
			t.Fatalf("the follow-up decided before its first mail was stored: %+v, want a reply in inquiry %d", rec, origRec.InquiryID)
		}

		// Undisturbed, the decision made ahead is the one carried out, and
		// the search document rendered ahead is the inquiry's.
		in, decide = mail.Prepare([]byte(msg("minji.kim@example.com", "아이템 미지급", "calm@example.com", "", "보석 상자가 지급되지 않았습니다")), env)
		rec, err = sqlstore.ReceiveMailRacedForTest(sys, db, in, decide, func() {})
		must(t, err)
		if rec.Outcome != vocdesk.MailInquiry {
			t.Fatalf("undisturbed: %+v", rec)
		}
		for _, q := range []string{"보석", "지급되지", "미지급"} {
			hits, _, err := f.inq.SearchInquiries(f.asAgentA, vocdesk.InquiryFilter{Q: q})
			must(t, err)
			if len(hits) != 1 || hits[0].Inquiry.ID != rec.InquiryID {
				t.Fatalf("search %q: %d hits, want inquiry %d", q, len(hits), rec.InquiryID)
			}
		}
	})
}
