package ui_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// The survey page without a session: opening it changes nothing; its post
// records the rating and redirects (a reload posts nothing again); a bad
// post shows the form again; a reopened inquiry and a closed one say why
// nothing can be rated; a cross-site post is refused.
func TestSurveyPage(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m
		cust := uitest.As(m.CustomerActor(m.Minji))
		owner := uitest.As(m.MemberActor(m.Hoppin, m.HoppinOwner))
		var p *vocdesk.Purchase
		for _, q := range m.MinjiPurchases {
			if q.AppSlug == "hoppin-quest" {
				p = q
				break
			}
		}
		in := &vocdesk.Inquiry{TxID: p.TxID, Category: vocdesk.CategoryBug, Subject: "로그인이 안 돼요"}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(m.Svc.Inquiries.CreateInquiry(cust, in, &vocdesk.Message{Body: "비밀번호를 바꿨어요"}))
		setStatus := func(s vocdesk.InquiryStatus) {
			_, err := m.Svc.Inquiries.UpdateInquiry(owner, in.ID, vocdesk.InquiryUpdate{Status: &s})
			must(err)
		}
		setStatus(vocdesk.InquiryResolved)
		inv, err := m.Svc.Surveys.Invite(uitest.System(), in.ID)
		must(err)
		path := "/rate/" + inv.Token
		rating := func() int {
			got, err := m.Svc.Inquiries.FindInquiryByID(owner, in.ID)
			must(err)
			return got.Rating
		}

		anon := e.browser()
		r := anon.get(path + "?rating=2")
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, "How did we do?", "로그인이 안 돼요", `id="survey-star-2" required checked`, "Send rating")
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control %q", r.Header.Get("Cache-Control"))
		}
		if rating() != 0 {
			t.Fatal("opening the survey rated the inquiry")
		}
		wantStatus(t, anon.post(path, url.Values{"rating": {"9"}}), http.StatusUnprocessableEntity)
		r = anon.post(path, url.Values{"rating": {"2"}, "comment": {"느렸어요"}}, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
		if r.StatusCode < 400 || rating() != 0 {
			t.Fatalf("a cross-site post answers %d and rates %d", r.StatusCode, rating())
		}
		anon.get(path)
		wantRedirect(t, anon.post(path, url.Values{"rating": {"2"}, "comment": {"느렸어요"}}), path+"?done=1")
		if rating() != 2 {
			t.Fatalf("rating %d after the post", rating())
		}
		r = anon.get(path + "?done=1")
		wantContains(t, r, "Thank you! Your rating was recorded.", "Change rating", "느렸어요", "You can change your rating until")

		// Reopened: nothing to rate until it is resolved again.
		must(m.Svc.Inquiries.AddMessage(cust, in.ID, &vocdesk.Message{Body: "또 안 돼요"}))
		r = anon.get(path)
		wantContains(t, r, "The inquiry was reopened.")
		wantLacks(t, r, `id="survey-form"`)
		wantStatus(t, anon.post(path, url.Values{"rating": {"5"}}), http.StatusConflict)
		// Closed: final.
		setStatus(vocdesk.InquiryClosed)
		r = anon.get(path)
		wantContains(t, r, "The inquiry is closed, so the rating is final.", "Rated 2 of 5")
		wantLacks(t, r, `id="survey-form"`)
		if rating() != 2 {
			t.Fatal("a closed inquiry's rating changed")
		}
	})
}
