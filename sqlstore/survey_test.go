package sqlstore_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// surveyJobs claims the survey jobs due now and returns their inquiries.
func (f *deskFixture) surveyJobs(t *testing.T) []int64 {
	t.Helper()
	jobs, err := f.jobs.Claim(asOperator(), []string{vocdesk.JobSendSurvey}, 100, time.Minute)
	must(t, err)
	var ids []int64
	for _, j := range jobs {
		var p struct {
			InquiryID int64 `json:"inquiry_id"`
		}
		must(t, json.Unmarshal(j.Payload, &p))
		ids = append(ids, p.InquiryID)
		must(t, f.jobs.Complete(asOperator(), j))
	}
	return ids
}

// The customer is asked once: the desk's first resolution enqueues the
// survey mail, a second resolution after the customer reopened does not;
// the link's token rates the inquiry without a session, and the trail
// names the customer and the link.
func TestSurveyAskedOnce(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		sv := sqlstore.NewSurveyService(db)
		audit := sqlstore.NewAuditService(db)
		in := f.ask(t, f.custA, "TXA1", "", "보석이 안 들어왔어요", "어제 샀어요")
		must(t, f.inq.AddMessage(f.asAgentA, in.ID, &vocdesk.Message{Body: "넣어 드렸습니다"}))
		if _, err := sv.Invite(asOperator(), in.ID); vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
			t.Fatalf("an open inquiry's invite: %v", err)
		}
		_, err := f.inq.UpdateInquiry(f.asAgentA, in.ID, vocdesk.InquiryUpdate{Status: status(vocdesk.InquiryResolved)})
		must(t, err)
		if got := f.surveyJobs(t); len(got) != 1 || got[0] != in.ID {
			t.Fatalf("survey jobs after the first resolution: %v", got)
		}
		// Reopened by the customer and resolved again: not asked again.
		must(t, f.inq.AddMessage(f.asCust, in.ID, &vocdesk.Message{Body: "또 없어졌어요"}))
		_, err = f.inq.UpdateInquiry(f.asAgentA, in.ID, vocdesk.InquiryUpdate{Status: status(vocdesk.InquiryResolved)})
		must(t, err)
		if got := f.surveyJobs(t); len(got) != 0 {
			t.Fatalf("survey jobs after the second resolution: %v", got)
		}

		// Only the system makes invites.
		_, err = sv.Invite(f.asCust, in.ID)
		wantCode(t, err, vocdesk.ENOTFOUND)
		inv, err := sv.Invite(asOperator(), in.ID)
		must(t, err)
		if inv.To != "minji.kim@example.com" || inv.AppName != "App A" || !inv.Expires.Equal(f.now.Add(vocdesk.SurveyTokenTTL)) {
			t.Fatalf("invite %+v", inv)
		}
		// The customer's own page lists it as waiting for a rating.
		if list, err := sv.FindUnrated(f.asCust, 5); err != nil || len(list) != 1 || list[0].ID != in.ID {
			t.Fatalf("unrated: %v, %v", list, err)
		}
		if list, err := sv.FindUnrated(asCustomer(f.custB), 5); err != nil || len(list) != 0 {
			t.Fatalf("another customer's unrated: %v, %v", list, err)
		}

		// The link: its page, then the rating, without any actor.
		page, err := sv.FindSurvey(t.Context(), inv.Token)
		must(t, err)
		if page.InquiryID != in.ID || page.Subject != "보석이 안 들어왔어요" || page.Rating != 0 || page.Open != nil {
			t.Fatalf("survey page %+v", page)
		}
		bad := []string{"", "x", inv.Token[:len(inv.Token)-1] + "A", strings.ToUpper(inv.Token)}
		for _, tok := range bad {
			if tok == inv.Token {
				continue
			}
			_, err := sv.FindSurvey(t.Context(), tok)
			wantCode(t, err, vocdesk.ENOTFOUND)
			_, err = sv.RateBySurvey(t.Context(), tok, 1, "")
			wantCode(t, err, vocdesk.ENOTFOUND)
		}
		_, err = sv.RateBySurvey(t.Context(), inv.Token, 6, "")
		wantCode(t, err, vocdesk.EINVALID)
		got, err := sv.RateBySurvey(t.Context(), inv.Token, 2, "  느렸어요 ")
		must(t, err)
		if got.Rating != 2 || got.Comment != "느렸어요" || got.RatedAt == nil || !got.RatedAt.Equal(f.now) {
			t.Fatalf("rated %+v", got)
		}
		if r := f.reload(t, f.asAgentA, in.ID); r.Rating != 2 || r.RatingComment != "느렸어요" {
			t.Fatalf("the developer sees rating %d %q", r.Rating, r.RatingComment)
		}
		if list, _ := sv.FindUnrated(f.asCust, 5); len(list) != 0 {
			t.Fatalf("a rated inquiry is still waiting: %v", list)
		}
		if _, err := sv.Invite(asOperator(), in.ID); vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
			t.Fatalf("a rated inquiry's invite: %v", err)
		}

		// Changed within the window: the first rating's time stays.
		f.now = f.now.Add(6 * 24 * time.Hour)
		got, err = sv.RateBySurvey(t.Context(), inv.Token, 4, "다시 생각해 보니 괜찮아요")
		must(t, err)
		if got.Rating != 4 || !got.RatedAt.Equal(wed) || !got.ChangeUntil.Equal(wed.Add(vocdesk.RatingChangeWindow)) {
			t.Fatalf("changed %+v", got)
		}
		// After the window the rating is final, by link and on My Page.
		f.now = wed.Add(vocdesk.RatingChangeWindow + time.Minute)
		_, err = sv.RateBySurvey(t.Context(), inv.Token, 5, "")
		wantCode(t, err, vocdesk.ECONFLICT)
		wantCode(t, f.inq.RateInquiry(f.asCust, in.ID, 5, ""), vocdesk.ECONFLICT)
		if page, err := sv.FindSurvey(t.Context(), inv.Token); err != nil || vocdesk.ErrorCode(page.Open) != vocdesk.ECONFLICT {
			t.Fatalf("a final rating's page: %+v, %v", page, err)
		}
		// The link expires.
		f.now = wed.Add(vocdesk.SurveyTokenTTL + time.Second)
		_, err = sv.FindSurvey(t.Context(), inv.Token)
		wantCode(t, err, vocdesk.ENOTFOUND)

		// The trail: the customer rated by the link, then changed it.
		list, _, err := audit.FindAudit(asOperator(), vocdesk.AuditFilter{Action: "inquiry.rated"})
		must(t, err)
		if len(list) != 2 {
			t.Fatalf("%d rating entries", len(list))
		}
		last, first := list[0], list[1]
		if first.ActorRealm != vocdesk.RealmCustomer || first.ActorID != f.custA.ID || first.Before != "" ||
			!strings.Contains(first.After, `"via":"survey_link"`) || !strings.Contains(last.Before, `"rating":2`) || !strings.Contains(last.After, `"rating":4`) {
			t.Fatalf("audit entries %+v %+v", first, last)
		}
	})
}

// A customer who resolves their own inquiry is asked on the page, not by
// mail; a contact without a store account is asked by mail; a closed
// inquiry's rating is final at once.
func TestSurveyWhoIsAsked(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		sv := sqlstore.NewSurveyService(db)
		own := f.ask(t, f.custA, "TXA2", "", "해결했어요", "제가 해결했어요")
		_, err := f.inq.UpdateInquiry(f.asCust, own.ID, vocdesk.InquiryUpdate{Status: status(vocdesk.InquiryResolved)})
		must(t, err)
		if got := f.surveyJobs(t); len(got) != 0 {
			t.Fatalf("the customer's own resolution mails a survey: %v", got)
		}
		// ... and the desk resolving it again later asks nothing either.
		must(t, f.inq.AddMessage(f.asCust, own.ID, &vocdesk.Message{Body: "아니네요"}))
		_, err = f.inq.UpdateInquiry(f.asAgentA, own.ID, vocdesk.InquiryUpdate{Status: status(vocdesk.InquiryResolved)})
		must(t, err)
		if got := f.surveyJobs(t); len(got) != 0 {
			t.Fatalf("asked twice: %v", got)
		}

		guest := &vocdesk.Inquiry{AppSlug: "app-a", CustomerName: "Guest", ContactEmail: "guest@example.com",
			Channel: vocdesk.ChannelEmail, Category: vocdesk.CategoryOther, Subject: "mail"}
		must(t, f.inq.CreateInquiry(asOperator(), guest, &vocdesk.Message{Body: "hello"}))
		_, err = f.inq.UpdateInquiry(f.asAgentA, guest.ID, vocdesk.InquiryUpdate{Status: status(vocdesk.InquiryResolved)})
		must(t, err)
		if got := f.surveyJobs(t); len(got) != 1 || got[0] != guest.ID {
			t.Fatalf("the guest's survey: %v", got)
		}
		inv, err := sv.Invite(asOperator(), guest.ID)
		must(t, err)
		_, err = sv.RateBySurvey(t.Context(), inv.Token, 5, "")
		must(t, err)
		entries, _, err := sqlstore.NewAuditService(db).FindAudit(asOperator(), vocdesk.AuditFilter{Action: "inquiry.rated", Entity: "inquiry:" + strconv.FormatInt(guest.ID, 10)})
		must(t, err)
		if len(entries) != 1 || entries[0].ActorRealm != vocdesk.RealmCustomer || entries[0].ActorID != 0 || entries[0].ActorName != "Guest" {
			t.Fatalf("the guest's rating entry: %+v", entries)
		}

		// Closed: a first rating is still taken, a change is not.
		_, err = f.inq.UpdateInquiry(f.asAgentA, guest.ID, vocdesk.InquiryUpdate{Status: status(vocdesk.InquiryClosed)})
		must(t, err)
		_, err = sv.RateBySurvey(t.Context(), inv.Token, 4, "")
		wantCode(t, err, vocdesk.ECONFLICT)
		_, err = f.inq.UpdateInquiry(f.asAgentA, own.ID, vocdesk.InquiryUpdate{Status: status(vocdesk.InquiryClosed)})
		must(t, err)
		must(t, f.inq.RateInquiry(f.asCust, own.ID, 3, ""))
		wantCode(t, f.inq.RateInquiry(f.asCust, own.ID, 4, ""), vocdesk.ECONFLICT)
	})
}

// The server key is made once and shared by every process on the database.
func TestServerKey(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		a, err := db.ServerKey(t.Context(), "k")
		must(t, err)
		b, err := db.ServerKey(t.Context(), "k")
		must(t, err)
		c, err := db.ServerKey(t.Context(), "other")
		must(t, err)
		if len(a) != 32 || string(a) != string(b) || string(a) == string(c) {
			t.Fatalf("keys %x %x %x", a, b, c)
		}
	})
}
