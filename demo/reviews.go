package demo

import (
	"context"
	"fmt"

	"github.com/vocdesk/vocdesk"
)

// demoReviews is how many of the demo's askers also review the app they
// asked about: enough for every app page to have a few.
const demoReviews = 40

// reviewTexts are what demo customers write, in Korean and English, from
// angry to glad.
var reviewTexts = []struct {
	rating int
	body   string
}{
	{1, "결제했는데 아이템이 안 들어왔어요. 문의 남겼습니다."},
	{1, "Paid twice for the same pack and got it once."},
	{2, "업데이트 후에 자꾸 튕겨요. 고쳐 주세요."},
	{3, "재미는 있는데 보석 가격이 너무 비싸요."},
	{4, "Fun puzzles, a few too many ads between levels."},
	{4, "고객센터 답변이 빨라서 좋았어요."},
	{5, "Best game on my phone this year!"},
	{5, "매일 하고 있어요. 추천합니다 👍"},
}

// reviewReplies are the studio's official answers to low ratings.
var reviewReplies = map[string]string{
	"ko": "불편을 드려 죄송합니다. 문의 주신 구매 건을 확인해 조치했습니다. 마이페이지에서 확인해 주세요.",
	"en": "Sorry for the trouble! We checked your purchase and fixed it; see My Page for the details.",
}

// reviews stores the demo's reviews once: the first askers review the app
// of the purchase they asked about, and the studio's agent answers the
// low ratings. A review already there (an earlier run) counts as existing;
// a purchase refunded since cannot be reviewed and is skipped.
func (s *seeder) reviews(ctx context.Context) error {
	if s.svc.Reviews == nil || !s.res.InquiriesStored || s.svc.Desk == nil {
		return nil
	}
	teams, err := s.teams(ctx)
	if err != nil {
		return err
	}
	// One review per customer and app: a customer who asked twice about an
	// app reviews it once.
	seen := map[string]bool{}
	for i, q := range s.res.Inquiries {
		if i == demoReviews {
			break
		}
		p, err := s.svc.Purchases.FindPurchaseByTxID(ctx, q.FromTxID)
		if vocdesk.ErrorCode(err) == vocdesk.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		key := fmt.Sprintf("%d/%s", p.CustomerID, p.AppSlug)
		if seen[key] {
			continue
		}
		seen[key] = true
		t := reviewTexts[i%len(reviewTexts)]
		r := &vocdesk.Review{AppSlug: p.AppSlug, Rating: t.rating, Body: t.body}
		customer := vocdesk.NewContextWithActor(ctx, &vocdesk.Actor{Realm: vocdesk.RealmCustomer, CustomerID: p.CustomerID, Name: q.CustomerName})
		switch err := s.svc.Reviews.CreateReview(customer, r); vocdesk.ErrorCode(err) {
		case "":
			s.res.ReviewsCreated++
		case vocdesk.ECONFLICT:
			s.res.ReviewsExisting++
			continue
		case vocdesk.ENOTBUYER:
			continue
		default:
			return fmt.Errorf("review by %s: %w", q.CustomerEmail, err)
		}
		if tm := teams[p.DeveloperSlug]; tm != nil && t.rating <= 3 && i%3 != 2 {
			if _, err := s.svc.Reviews.ReplyToReview(vocdesk.NewContextWithActor(ctx, tm.agent), r.ID, reviewReplies[tm.locale]); err != nil {
				return fmt.Errorf("reply to review %d: %w", r.ID, err)
			}
		}
	}
	s.opts.Logf("%d reviews stored, %d already there: see them at /apps/%s, answer them in the console's Reviews",
		s.res.ReviewsCreated, s.res.ReviewsExisting, studios[0].Apps[0].Slug)
	return nil
}
