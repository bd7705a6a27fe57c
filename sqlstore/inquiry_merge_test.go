package sqlstore_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/mail"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// snapshot is everything of an inquiry a merge touches and an undo must
// put back: the inquiry as pages read it, its thread's messages (id,
// author, body, attachments' ids) and its tags.
type snapshot struct {
	In   vocdesk.Inquiry
	Msgs []string
}

func snap(t *testing.T, f *deskFixture, id int64) snapshot {
	t.Helper()
	in, msgs, err := f.inq.FindThread(f.asAgentA, id)
	must(t, err)
	s := snapshot{In: *in}
	for _, m := range msgs {
		line := m.Body + "|" + string(m.Author)
		for _, a := range m.Attachments {
			line += "|file" + a.Filename
		}
		s.Msgs = append(s.Msgs, line)
	}
	return s
}

func TestInquiryMerge(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		merges := sqlstore.NewMergeService(db)
		// The survivor: older, answered; the merged one: newer, waiting,
		// with a tag, a note and a screenshot.
		sv := f.ask(t, f.custA, "TXA1", "", "환불 요청", "첫 문의")
		f.now = f.now.Add(time.Minute)
		must(t, f.inq.AddMessage(f.asAgentA, sv.ID, &vocdesk.Message{Body: "확인하겠습니다"}))
		f.now = f.now.Add(time.Minute)
		m := f.ask(t, f.custA, "TXA2", "", "또 문의", "두 번째 문의")
		f.now = f.now.Add(time.Minute)
		must(t, f.inq.AddMessage(f.asCust, m.ID, &vocdesk.Message{Body: "사진 첨부", Attachments: []*vocdesk.Attachment{{Filename: "shot.png", Data: pngBytes()}}}))
		must(t, f.inq.AddMessage(f.asAgentA, m.ID, &vocdesk.Message{Body: "내부 메모", Internal: true}))
		_, err := f.inq.UpdateInquiry(f.asAgentA, m.ID, vocdesk.InquiryUpdate{AddTags: []string{"vip"}})
		must(t, err)
		f.now = f.now.Add(time.Minute)
		beforeS, beforeM := snap(t, f, sv.ID), snap(t, f, m.ID)

		g, err := merges.MergeInquiry(f.asAgentA, m.ID, sv.ID)
		must(t, err)
		if g.SurvivorID != sv.ID || g.MergedID != m.ID || !g.UndoUntil.Equal(f.now.Add(vocdesk.MergeUndoWindow)) {
			t.Fatalf("merge = %+v", g)
		}
		afterS := snap(t, f, sv.ID)
		// Every message of both, then the merge's event.
		if len(afterS.Msgs) != len(beforeS.Msgs)+len(beforeM.Msgs)+1 {
			t.Fatalf("survivor's thread after the merge:\n%q\nbefore: %q + %q", afterS.Msgs, beforeS.Msgs, beforeM.Msgs)
		}
		gotOrder := afterS.Msgs[:len(afterS.Msgs)-1]
		all := append(slices.Clone(beforeS.Msgs), beforeM.Msgs...)
		if !sameSet(gotOrder, all) {
			t.Errorf("survivor's thread %q, want the messages of both %q", gotOrder, all)
		}
		if !slices.Contains(afterS.In.Tags, "vip") || afterS.In.Status != vocdesk.InquiryOpen || afterS.In.WaitingSince == nil {
			t.Errorf("survivor after merge: tags %v, status %s, waiting %v", afterS.In.Tags, afterS.In.Status, afterS.In.WaitingSince)
		}
		// In time order: the customer's first words, the answer, the
		// second inquiry's, by their time.
		_, msgs, err := f.inq.FindThread(f.asAgentA, sv.ID)
		must(t, err)
		for k := 1; k < len(msgs); k++ {
			if msgs[k].CreatedAt.Before(msgs[k-1].CreatedAt) {
				t.Errorf("thread out of time order at %d: %v after %v", k, msgs[k].CreatedAt, msgs[k-1].CreatedAt)
			}
		}
		if ev := msgs[len(msgs)-1].Event; ev == nil || ev.Kind != vocdesk.EventMerged {
			t.Errorf("last message %+v, want the merged event", msgs[len(msgs)-1])
		}
		mm, mmsgs, err := f.inq.FindThread(f.asCust, m.ID)
		must(t, err)
		if mm.Status != vocdesk.InquiryClosed || len(mmsgs) != 1 || mmsgs[0].Event == nil || mmsgs[0].Event.Kind != vocdesk.EventMergedInto {
			t.Errorf("merged inquiry for its customer: %s, %d messages %+v", mm.Status, len(mmsgs), mmsgs)
		}
		out, _, err := merges.FindMerges(f.asCust, m.ID)
		must(t, err)
		if out == nil || out.SurvivorID != sv.ID {
			t.Errorf("customer's pointer: %+v", out)
		}
		// Search finds the merged words in the survivor.
		hits, _, err := f.inq.SearchInquiries(f.asAgentA, vocdesk.InquiryFilter{Q: "사진"})
		must(t, err)
		if len(hits) != 1 || hits[0].Inquiry.ID != sv.ID {
			t.Errorf("search after merge: %d hits", len(hits))
		}
		// A reply to the merged inquiry (its mail, a page left open)
		// lands in the survivor; then the undo is refused: it would lose it.
		f.now = f.now.Add(time.Minute)
		reply := &vocdesk.Message{Body: "추가 질문"}
		must(t, f.inq.AddMessage(f.asCust, m.ID, reply))
		if reply.InquiryID != sv.ID {
			t.Errorf("reply to the merged inquiry landed in %d, want %d", reply.InquiryID, sv.ID)
		}
		if err := merges.UndoMerge(f.asAgentA, m.ID); vocdesk.ErrorCode(err) != vocdesk.ECONFLICT {
			t.Errorf("undo after a reply: %v, want conflict", err)
		}
	})
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// An undo within the window puts both inquiries back exactly: the same
// inquiries, threads, tags and inbox counts as before the merge.
func TestInquiryMergeUndo(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		merges := sqlstore.NewMergeService(db)
		sv := f.ask(t, f.custA, "", "app-a", "일반 문의", "첫 문의")
		f.now = f.now.Add(time.Minute)
		must(t, f.inq.AddMessage(f.asAgentA, sv.ID, &vocdesk.Message{Body: "답변"}))
		_, err := f.inq.UpdateInquiry(f.asAgentA, sv.ID, vocdesk.InquiryUpdate{Status: status(vocdesk.InquiryResolved), AddTags: []string{"a"}})
		must(t, err)
		f.now = f.now.Add(time.Minute)
		m := f.ask(t, f.custA, "TXA2", "", "환불", "환불해 주세요")
		must(t, f.inq.AddMessage(f.asCust, m.ID, &vocdesk.Message{Body: "첨부", Attachments: []*vocdesk.Attachment{{Filename: "a.png", Data: pngBytes()}}}))
		_, err = f.inq.UpdateInquiry(f.asAgentA, m.ID, vocdesk.InquiryUpdate{AddTags: []string{"b"}, AssigneeID: &f.agentA.ID})
		must(t, err)
		f.now = f.now.Add(time.Minute)
		beforeS, beforeM := snap(t, f, sv.ID), snap(t, f, m.ID)
		counts, err := f.inq.CountInquiries(f.asAgentA, vocdesk.InquiryFilter{})
		must(t, err)
		// The reports' figures come back too (inquiry_stats).
		reports := sqlstore.NewReportService(db)
		days := vocdesk.ReportFilter{From: f.now.Add(-48 * time.Hour), To: f.now.Add(48 * time.Hour)}
		report, err := reports.InquiryReport(f.asAgentA, days)
		must(t, err)

		_, err = merges.MergeInquiry(f.asAgentA, m.ID, sv.ID)
		must(t, err)
		if s := snap(t, f, sv.ID); s.In.PurchaseID != f.pA2.ID || s.In.Status != vocdesk.InquiryOpen {
			t.Errorf("survivor without a purchase takes the merged one's: %d, status %s", s.In.PurchaseID, s.In.Status)
		}
		merged, err := reports.InquiryReport(f.asAgentA, days)
		must(t, err)
		if reflect.DeepEqual(merged, report) {
			t.Errorf("the merge (one inquiry closed) left the report as it was: %+v", merged)
		}
		f.now = f.now.Add(vocdesk.MergeUndoWindow - time.Second)
		must(t, merges.UndoMerge(f.asAgentA, m.ID))
		if undone, err := reports.InquiryReport(f.asAgentA, days); err != nil || !reflect.DeepEqual(undone, report) {
			t.Errorf("report after undo %+v (%v), want %+v", undone, err, report)
		}
		afterS, afterM := snap(t, f, sv.ID), snap(t, f, m.ID)
		if !reflect.DeepEqual(afterS, beforeS) {
			t.Errorf("survivor after undo:\n%+v\nwant\n%+v", afterS, beforeS)
		}
		if !reflect.DeepEqual(afterM, beforeM) {
			t.Errorf("merged after undo:\n%+v\nwant\n%+v", afterM, beforeM)
		}
		counts2, err := f.inq.CountInquiries(f.asAgentA, vocdesk.InquiryFilter{})
		must(t, err)
		if !reflect.DeepEqual(counts, counts2) {
			t.Errorf("counts after undo %v, want %v", counts2, counts)
		}
		// The tag filter reads inquiry_tags, not the row's copy.
		tagged, _, err := f.inq.FindInquiries(f.asAgentA, vocdesk.InquiryFilter{Tag: "b"})
		must(t, err)
		if len(tagged) != 1 || tagged[0].ID != m.ID {
			t.Errorf("tag b after undo: %d inquiries", len(tagged))
		}
		if out, in, err := merges.FindMerges(f.asAgentA, m.ID); err != nil || out != nil || len(in) != 0 {
			t.Errorf("merges after undo: %+v %+v %v", out, in, err)
		}
		if err := merges.UndoMerge(f.asAgentA, m.ID); vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
			t.Errorf("second undo: %v", err)
		}
		// Merged again, the window passes: no undo.
		_, err = merges.MergeInquiry(f.asAgentA, m.ID, sv.ID)
		must(t, err)
		f.now = f.now.Add(vocdesk.MergeUndoWindow)
		if err := merges.UndoMerge(f.asAgentA, m.ID); vocdesk.ErrorCode(err) != vocdesk.EUNPROCESSABLE {
			t.Errorf("undo after the window: %v", err)
		}
		// Audited: the merges and the undo, on both inquiries.
		var n int
		must(t, db.RawForTest().QueryRowContext(context.Background(),
			`SELECT COUNT(*) FROM audit_log WHERE action IN ('inquiry.merged', 'inquiry.merged_in', 'inquiry.merge_undone')`).Scan(&n))
		if n != 6 {
			t.Errorf("%d audit entries for two merges and an undo, want 6", n)
		}
	})
}

// Merging answers like nothing exists across customers and developers, is
// forbidden to viewers, and refuses an inquiry merged already.
func TestInquiryMergeRefused(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		merges := sqlstore.NewMergeService(db)
		a1 := f.ask(t, f.custA, "TXA1", "", "a1", "b")
		a2 := f.ask(t, f.custA, "TXA2", "", "a2", "b")
		b1 := f.ask(t, f.custB, "TXB1", "", "b1", "b")
		// Customer B asking developer A: the same developer, another customer.
		other := f.ask(t, f.custB, "", "app-a", "b-asks-a", "b")
		asAgentB := f.as(f.devB, f.agentB)
		for name, c := range map[string]struct {
			ctx      context.Context
			id, into int64
			code     string
		}{
			"another customer":     {f.asAgentA, a1.ID, other.ID, vocdesk.ENOTFOUND},
			"another developer":    {f.asAgentA, a1.ID, b1.ID, vocdesk.ENOTFOUND},
			"from another's side":  {asAgentB, b1.ID, a1.ID, vocdesk.ENOTFOUND},
			"missing":              {f.asAgentA, a1.ID, 987654, vocdesk.ENOTFOUND},
			"viewer":               {f.as(f.devA, f.viewerA), a1.ID, a2.ID, vocdesk.EFORBIDDEN},
			"customer":             {f.asCust, a1.ID, a2.ID, vocdesk.ENOTFOUND},
			"into itself":          {f.asAgentA, a1.ID, a1.ID, vocdesk.EINVALID},
			"operators only watch": {asOperator(), a1.ID, a2.ID, vocdesk.EFORBIDDEN},
		} {
			_, err := merges.MergeInquiry(c.ctx, c.id, c.into)
			if code := vocdesk.ErrorCode(err); code != c.code {
				t.Errorf("%s: %v, want %s", name, err, c.code)
			}
		}
		_, err := merges.MergeInquiry(f.asAgentA, a1.ID, a2.ID)
		must(t, err)
		if _, err := merges.MergeInquiry(f.asAgentA, a2.ID, a1.ID); vocdesk.ErrorCode(err) != vocdesk.ECONFLICT {
			t.Errorf("merging into a merged inquiry: %v", err)
		}
		if err := merges.UndoMerge(asAgentB, a1.ID); vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
			t.Errorf("another developer's undo: %v", err)
		}
		if _, _, err := merges.FindMerges(asAgentB, a1.ID); vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
			t.Errorf("another developer's merges: %v", err)
		}
		list, err := merges.MergeCandidates(f.asAgentA, a2.ID)
		must(t, err)
		if len(list) != 0 {
			t.Errorf("candidates of a2 (a1 is merged, b's are another customer's): %d", len(list))
		}
	})
}

// An email contact's inquiries join the store account with its address:
// the store's for operators, the developer's own for its agents, and only
// towards an account the developer knows.
func TestContactMerge(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		merges := sqlstore.NewMergeService(db)
		mail := func(app, email string) *vocdesk.Inquiry {
			in := &vocdesk.Inquiry{AppSlug: app, CustomerName: "Guest", ContactEmail: email,
				Channel: vocdesk.ChannelEmail, Category: vocdesk.CategoryOther, Subject: "mail " + email}
			must(t, f.inq.CreateInquiry(asOperator(), in, &vocdesk.Message{Body: "hello"}))
			return in
		}
		a1 := mail("app-a", "Minji.Kim@example.com")
		a2 := mail("app-a", "minji.kim@example.com")
		b1 := mail("app-b", "minji.kim@example.com")
		toB := mail("app-a", "b@example.com") // customer B's address; B never dealt with developer A... yet
		if _, err := merges.MergeContact(f.asAgentA, toB.ID); vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
			t.Errorf("linking to an account the developer does not know: %v", err)
		}
		if _, err := merges.MergeContact(f.as(f.devB, f.agentB), a1.ID); vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
			t.Errorf("another developer's contact: %v", err)
		}
		got, err := merges.MergeContact(f.asAgentA, a1.ID)
		must(t, err)
		if got.CustomerID != f.custA.ID || !slices.Equal(got.InquiryIDs, []int64{a1.ID, a2.ID}) {
			t.Errorf("developer's contact merge: %+v", got)
		}
		// The customer sees them on My Page now; developer B's stays.
		mine, _, err := f.inq.FindInquiries(f.asCust, vocdesk.InquiryFilter{})
		must(t, err)
		if len(mine) != 2 {
			t.Errorf("customer sees %d inquiries, want 2", len(mine))
		}
		if _, err := merges.MergeContact(f.asAgentA, a1.ID); vocdesk.ErrorCode(err) != vocdesk.EUNPROCESSABLE {
			t.Errorf("again: %v", err)
		}
		got, err = merges.MergeContact(asOperator(), b1.ID)
		must(t, err)
		if !slices.Equal(got.InquiryIDs, []int64{b1.ID}) {
			t.Errorf("operator's contact merge: %+v", got)
		}
		if hits, _, err := f.inq.SearchInquiries(f.asCust, vocdesk.InquiryFilter{Q: "hello"}); err != nil || len(hits) != 3 {
			t.Errorf("customer's search after linking: %d hits, %v", len(hits), err)
		}
	})
}

// A customer's email reply to a merged inquiry (its reply address, or
// In-Reply-To an answer of it) lands in the survivor.
func TestMergedMailLandsInSurvivor(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		svc := sqlstore.NewMailService(db)
		merges := sqlstore.NewMergeService(db)
		sv := f.ask(t, f.custA, "TXA1", "", "환불", "첫 문의")
		m := f.ask(t, f.custA, "TXA2", "", "또 문의", "두 번째")
		_, err := merges.MergeInquiry(f.asAgentA, m.ID, sv.ID)
		must(t, err)
		for k, c := range []struct{ rcpt, extra string }{
			{mail.ReplyAddress("dev-a", m.ID, domain), ""},
			{"dev-a@desk.test", fmt.Sprintf("In-Reply-To: <inquiry-%d@%s>\r\n", m.ID, domain)},
		} {
			raw := msg("김민지 <minji.kim@example.com>", "Re: 또 문의", fmt.Sprintf("merged-%d@example.com", k), c.extra, "메일로 답장합니다")
			rec := deliver(t, svc, c.rcpt, "minji.kim@example.com", raw)
			if rec.Outcome != vocdesk.MailReply || rec.InquiryID != sv.ID {
				t.Errorf("reply %d to the merged inquiry: %+v, want a reply in %d", k, rec, sv.ID)
			}
		}
		_, msgs, err := f.inq.FindThread(f.asAgentA, sv.ID)
		must(t, err)
		n := 0
		for _, x := range msgs {
			if strings.Contains(x.Body, "메일로 답장합니다") {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d mailed replies in the survivor, want 2", n)
		}
	})
}
