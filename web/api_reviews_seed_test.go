package web_test

import (
	"github.com/vocdesk/vocdesk"
)

// seedReview stores tn's customer's review of tn's app, as the customer,
// and returns its id. Like everything of alpha's, its text holds the name.
func (e *env) seedReview(tn tenant) int64 {
	t := e.t
	t.Helper()
	ctx := vocdesk.NewContextWithActor(e.t.Context(), &vocdesk.Actor{Realm: vocdesk.RealmCustomer, CustomerID: tn.customerID, Name: "Customer"})
	r := &vocdesk.Review{AppSlug: tn.app, Rating: 2, Body: "the " + tn.slug + " gems never arrived"}
	if err := e.svc.Reviews.CreateReview(ctx, r); err != nil {
		t.Fatalf("seed review: %v", err)
	}
	return r.ID
}
