package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestReviewPagesTenancy: the review pages answer across a tenant line
// exactly like for nothing, a customer who did not buy the app gets no form
// and a refused post, and a malformed form is refused.
func TestReviewPagesTenancy(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m
		as := func(a *vocdesk.Actor) context.Context { return vocdesk.NewContextWithActor(t.Context(), a) }
		// Jun bought Hoppin Quest and Nimbus Notes; Minji every app.
		rv := &vocdesk.Review{AppSlug: "hoppin-quest", Rating: 2, Body: "slow <script>alert(1)</script>"}
		if err := m.Svc.Reviews.CreateReview(as(&vocdesk.Actor{Realm: vocdesk.RealmCustomer, CustomerID: m.Jun.ID}), rv); err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(rv.ID, 10)

		// Nimbus's owner: Hoppin's review is not there, like one that does not exist.
		nimbus := e.browser()
		nimbus.login("/developer/login", m.NimbusOwner.Email, "/console")
		wantStatus(t, nimbus.get("/console/reviews/"+id), http.StatusNotFound)
		wantStatus(t, nimbus.get("/console/reviews/987654321"), http.StatusNotFound)
		wantLacks(t, nimbus.get("/console/reviews"), "slow")
		wantStatus(t, nimbus.post("/console/reviews/"+id+"/reply", url.Values{"body": {"not yours"}}), http.StatusNotFound)
		wantStatus(t, nimbus.post("/console/reviews/"+id+"/report", url.Values{"reason": {"not yours"}}), http.StatusNotFound)

		// Hoppin's viewer reads but may not answer.
		viewer := e.browser()
		viewer.login("/developer/login", m.HoppinViewer.Email, "/console")
		r := viewer.get("/console/reviews/" + id)
		wantStatus(t, r, http.StatusOK)
		wantLacks(t, r, `action="/console/reviews/`+id+`/reply"`, "<script>alert")
		wantStatus(t, viewer.post("/console/reviews/"+id+"/reply", url.Values{"body": {"hi"}}), http.StatusForbidden)

		// Jun never bought Hoppin Puzzle: no form, and a post is refused.
		jun := e.browser()
		jun.login("/login", m.Jun.Email, "/my")
		r = jun.get("/apps/hoppin-puzzle")
		wantStatus(t, r, http.StatusOK)
		wantLacks(t, r, `class="stack review-form"`)
		wantContains(t, r, "Only customers who bought this app can review it.")
		wantStatus(t, jun.post("/apps/hoppin-puzzle/review", url.Values{"rating": {"1"}, "back": {"app"}}), http.StatusUnprocessableEntity)
		wantStatus(t, jun.post("/apps/hoppin-quest/review", url.Values{"rating": {"6"}}), http.StatusBadRequest)
		wantStatus(t, jun.post("/apps/hoppin-quest/review", url.Values{"rating": {"3"}}), http.StatusConflict)
		// His own review: edit it, and no "helpful" of his own.
		r = jun.post("/apps/hoppin-quest/review", url.Values{"rating": {"3"}, "review": {id}, "body": {"better now"}, "back": {"app"}})
		wantRedirect(t, r, "/apps/hoppin-quest#my-review")
		wantStatus(t, jun.post("/apps/hoppin-quest/reviews/"+id+"/helpful", url.Values{}), http.StatusUnprocessableEntity)

		// Signed out: the public page, and nothing of the reviewer's contacts.
		anon := e.browser()
		r = anon.get("/apps/hoppin-quest")
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, "better now", "3.00", "Sign in to review")
		wantLacks(t, r, m.Jun.Email, "010-9876-5432")
		wantStatus(t, anon.get("/apps/no-such-app"), http.StatusNotFound)
		wantRedirect(t, anon.get("/console/reviews"), "/developer/login?next=%2Fconsole%2Freviews")
		wantRedirect(t, anon.get("/operator/reviews"), "/operator/login?next=%2Foperator%2Freviews")

		// A customer is no operator.
		wantStatus(t, jun.post("/operator/reviews/"+id+"/hide", url.Values{"reason": {"x"}}), http.StatusSeeOther)
		got, err := m.Svc.Reviews.FindReviewByID(as(vocdesk.SystemActor()), rv.ID)
		if err != nil || got.HiddenAt != nil {
			t.Fatalf("a customer hid a review: %+v %v", got, err)
		}
	})
}
