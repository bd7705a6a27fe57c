package e2e

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vocdesk/vocdesk"
)

// lookReviews opens path in Korean and in English (through the language
// switcher), runs axe on each and saves a screenshot of each, named name-ko
// and name-en, to be looked at. The page ends in English.
func (s *Suite) lookReviews(path, name string) {
	s.T.Helper()
	for _, lang := range []string{"ko", "en"} {
		s.Visit("/lang/" + lang + "?next=" + url.QueryEscape(path))
		s.WaitLocation(strings.SplitN(path, "#", 2)[0])
		s.Axe()
		s.Shot(name + "-" + lang)
	}
}

// TestReviewFlow is issue 20's acceptance: Minji, who bought Hoppin Quest,
// reviews it with 1 star from her purchase; Hoppin's agent sees the review,
// opens her purchase and replies officially; the public app page shows the
// reply; Jun, who never bought Hoppin Puzzle, cannot review it; Hoppin
// reports Jun's spam review of Hoppin Quest and the store hides it, and the
// average changes. TestReviewPages looks at the pages with axe.
func TestReviewFlow(t *testing.T) {
	s := Start(t)
	m := s.M
	// Jun's review of Hoppin Quest, which he bought: 5 stars and spam.
	jun := vocdesk.NewContextWithActor(t.Context(), &vocdesk.Actor{Realm: vocdesk.RealmCustomer, CustomerID: m.Jun.ID, Name: m.Jun.Name})
	spam := &vocdesk.Review{AppSlug: "hoppin-quest", Rating: 5, Body: "Free gems at cheap-gems.example, best game"}
	if err := m.Svc.Reviews.CreateReview(jun, spam); err != nil {
		t.Fatal(err)
	}
	var bought *vocdesk.Purchase
	for _, p := range m.MinjiPurchases {
		if p.AppSlug == "hoppin-quest" {
			bought = p
			break
		}
	}

	// Minji reviews it from her purchase on My Page: 1 star.
	s.LoginAs("/login", m.Minji)
	s.Visit("/lang/en?next=" + url.QueryEscape("/my/purchases/"+bought.TxID))
	s.WaitText("Your review", "Post review")
	s.Do(chromedp.Click(chromedp.CSS(`label[for="rv-star-1"]`)),
		chromedp.SetValue(chromedp.ID("rv-body"), "I paid and got nothing. 결제했는데 아이템이 안 들어왔어요 <b>x</b>"))
	s.Click(`.review-form button[type="submit"]`)
	s.WaitLocation("/my/purchases/" + bought.TxID)
	s.WaitText("Verified purchase", "I paid and got nothing", "<b>x</b>", "Update review")

	// Hoppin's agent: the inbox, the review, Minji's purchase beside it.
	dev := s.Another()
	dev.LoginAs("/developer/login", m.HoppinAgent)
	dev.Visit("/lang/en?next=/console/reviews%3Frating%3D1%26replied%3Dno")
	dev.WaitText("Reviews", "I paid and got nothing", "Not replied")
	dev.Do(chromedp.Click(chromedp.Search(`//a[contains(., "I paid and got nothing")]`)))
	dev.WaitLocation("/console/reviews/")
	review := dev.Location()
	dev.WaitText("The reviewer's purchases", bought.TxID, "The reviewer's inquiries")
	dev.Do(chromedp.Click(chromedp.Search(`//a[normalize-space(.)="` + bought.TxID + `"]`)))
	dev.WaitLocation("/console/purchases/" + bought.TxID)
	dev.WaitText(bought.TID)
	dev.Visit(review)
	dev.Do(chromedp.SetValue(chromedp.ID("reply-body"), "Sorry! We re-sent your gems for "+bought.TxID+"."))
	dev.Click(`form[action$="/reply"] button[type="submit"]`)
	dev.WaitLocation(review)
	dev.WaitText("Official reply from the developer", "We re-sent your gems", "Update reply")

	// The public page, signed out: the reply under the review, 3.00 of two.
	pub := s.Another()
	pub.Visit("/lang/en?next=/apps/hoppin-quest")
	pub.WaitText("3.00", "Reviews: 2", "We re-sent your gems", "Verified purchase", "Sign in to review")
	pub.NoText(m.Minji.Email, m.MinjiPhone)

	// Jun never bought Hoppin Puzzle: no form, and the page says why.
	juns := s.Another()
	juns.LoginAs("/login", m.Jun)
	juns.Visit("/lang/en?next=/apps/hoppin-puzzle")
	juns.WaitText("Only customers who bought this app can review it.")
	if n := Eval[int](juns, `document.querySelectorAll("form.review-form").length`); n != 0 {
		t.Errorf("Jun sees %d review forms on an app he never bought", n)
	}

	// Hoppin reports Jun's spam; the store hides it with a reason.
	dev.Visit("/console/reviews?q=cheap-gems")
	dev.Do(chromedp.Click(chromedp.Search(`//a[contains(., "cheap-gems")]`)))
	dev.WaitLocation("/console/reviews/")
	dev.Do(chromedp.SetValue(chromedp.ID("report-reason"), "Spam: advertises another site"))
	dev.Click(`form[action$="/report"] button[type="submit"]`)
	dev.WaitText("Reported. The store will look at this review.")

	op := s.Another()
	op.LoginAs("/operator/login", m.Operator)
	op.Visit("/lang/en?next=/operator/reviews")
	op.WaitText("Spam: advertises another site", "cheap-gems")
	op.Do(chromedp.SetValue(chromedp.CSS(`form[action$="/hide"] input[name="reason"]`), "Advertising"))
	op.Click(`form[action$="/hide"] button[type="submit"]`)
	op.WaitLocation("/operator/reviews")
	op.WaitText("No reports here.")

	// The average leaves the hidden review out: 1.00 of one.
	pub.Visit("/apps/hoppin-quest")
	pub.WaitText("1.00", "Reviews: 1", "I paid and got nothing")
	pub.NoText("cheap-gems")
}

// TestReviewPages opens every review page in Korean and English, each in a
// window of its own (axe is slow on a busy machine), runs axe on it and
// saves its screenshots: the public app page, My Page's purchase with a
// review and its official reply, the console's inbox and review, the
// store's queue.
func TestReviewPages(t *testing.T) {
	s := Start(t)
	m := s.M
	var bought *vocdesk.Purchase
	for _, p := range m.MinjiPurchases {
		if p.AppSlug == "hoppin-quest" {
			bought = p
			break
		}
	}
	as := func(a *vocdesk.Actor) context.Context { return vocdesk.NewContextWithActor(t.Context(), a) }
	minji := &vocdesk.Review{AppSlug: "hoppin-quest", Rating: 1, Body: "결제했는데 아이템이 안 들어왔어요. I paid and got nothing."}
	mustReview(t, m.Svc.Reviews.CreateReview(as(&vocdesk.Actor{Realm: vocdesk.RealmCustomer, CustomerID: m.Minji.ID}), minji))
	jun := &vocdesk.Review{AppSlug: "hoppin-quest", Rating: 4, Body: "Fun, but the <b>gems</b> are pricey."}
	mustReview(t, m.Svc.Reviews.CreateReview(as(&vocdesk.Actor{Realm: vocdesk.RealmCustomer, CustomerID: m.Jun.ID}), jun))
	agent := as(&vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: m.Hoppin.ID, MemberID: m.HoppinAgent.ID,
		Role: vocdesk.RoleAgent, Name: m.HoppinAgent.Name})
	_, err := m.Svc.Reviews.ReplyToReview(agent, minji.ID, "불편을 드려 죄송합니다. "+bought.TxID+" 아이템을 다시 지급했습니다.")
	mustReview(t, err)
	_, err = m.Svc.Reviews.ReportReview(agent, jun.ID, "Mentions a competitor")
	mustReview(t, err)

	pub := s.Another()
	pub.lookReviews("/apps/hoppin-quest", "public")
	cust := s.Another()
	cust.LoginAs("/login", m.Minji)
	cust.lookReviews("/my/purchases/"+bought.TxID+"#review", "mypage")
	cust.lookReviews("/apps/hoppin-quest", "public-signed-in")
	dev := s.Another()
	dev.LoginAs("/developer/login", m.HoppinAgent)
	dev.lookReviews("/console/reviews", "inbox")
	dev.lookReviews("/console/reviews/"+strconv.FormatInt(minji.ID, 10), "review")
	op := s.Another()
	op.LoginAs("/operator/login", m.Operator)
	op.lookReviews("/operator/reviews", "queue")
}

func mustReview(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
