package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// TestKoNamesNotSlugs: where a person reads which app or developer a line
// is about, the page names it ("호핀 퀘스트", "Hoppin Games"), not by the
// slug a URL takes: the public app page's developer, the reports' latest
// comments, the social connectors and the reported reviews. Operators and
// developers keep the slug beside the name where they configure by it.
func TestKoNamesNotSlugs(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m
		owner := uitest.As(m.MemberActor(m.Hoppin, m.HoppinOwner))

		// The public app page, signed out: the developer by name.
		anon := e.browser()
		anon.lang = "ko"
		r := anon.get("/apps/hoppin-quest")
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, `<p class="eyebrow">앱 · Hoppin Games</p>`)
		wantLacks(t, r, `<span class="mono">hoppin</span>`)

		// A rated inquiry with a comment: the reports' latest comments.
		in := askHoppin(t, m, "보석 미지급")
		st := vocdesk.InquiryResolved
		if _, err := m.Svc.Inquiries.UpdateInquiry(owner, in.ID, vocdesk.InquiryUpdate{Status: &st}); err != nil {
			t.Fatal(err)
		}
		if err := m.Svc.Inquiries.RateInquiry(uitest.As(m.CustomerActor(m.Minji)), in.ID, 5, "빨리 해결해 주셨어요"); err != nil {
			t.Fatal(err)
		}
		b := koOwner(e)
		r = b.get("/console/reports")
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, "빨리 해결해 주셨어요", fmt.Sprintf("#%d · 호핀 퀘스트 · ", in.ID))
		wantLacks(t, r, "· hoppin-quest ·")

		// The social connectors: the app's name, its slug beneath.
		wantRedirect(t, b.post("/console/social", url.Values{"network": {"kakao"}, "name": {"호핀 채널"}, "app": {"hoppin-quest"}}),
			"/console/social#secret")
		r = b.get("/console/social")
		wantContains(t, r, `<td>호핀 퀘스트 <span class="row-meta mono">hoppin-quest</span></td>`)
		wantLacks(t, r, `<td class="mono">hoppin-quest</td>`)

		// A reported review in the store's queue.
		rv := &vocdesk.Review{AppSlug: "hoppin-quest", Rating: 1, Body: "광고 글"}
		if err := m.Svc.Reviews.CreateReview(uitest.As(m.CustomerActor(m.Minji)), rv); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Svc.Reviews.ReportReview(owner, rv.ID, "광고"); err != nil {
			t.Fatal(err)
		}
		op := e.browser()
		op.lang = "ko"
		op.login("/operator/login", m.Operator.Email, "/operator")
		r = op.get("/operator/reviews")
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, `<p class="row-meta"><strong>호핀 퀘스트</strong> <span class="mono">hoppin-quest</span> · `)
	})
}
