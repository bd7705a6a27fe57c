package vocdesk

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Webhook event types of reviews: the developer's server hears of a new
// review and of a customer's edit of one.
const (
	EventReviewCreated = "review.created"
	EventReviewUpdated = "review.updated"
)

// ENOTBUYER answers a review of an app the customer has no paid purchase of
// (422): only buyers review, which is what makes a review worth reading.
const ENOTBUYER = "not_a_buyer"

// Limits on what a person writes in a review, a reply, a report or a
// moderator's reason. A review is a paragraph, not an essay.
const (
	MaxReviewBody = 2000
	MaxReplyBody  = 2000
	MaxReason     = 500
)

// Review is a customer's rating (1-5) and words about an app they paid for,
// with the developer's official reply. It is public on the store's app page
// unless the store hid it.
type Review struct {
	ID          int64
	AppID       int64
	AppSlug     string
	AppName     string
	DeveloperID int64
	// CustomerID is the reviewer; the public page never shows it, only
	// Author, a display name.
	CustomerID int64
	Author     string
	Rating     int
	Body       string
	Helpful    int64 // customers who found it helpful
	// VerifiedPurchase is set while the reviewer holds a purchase of the
	// app that was not wholly refunded.
	VerifiedPurchase bool
	Reply            *ReviewReply // nil until the developer answers
	// HiddenAt is set while the store hides the review: it leaves the
	// public page and the averages; its author and developer still see it.
	HiddenAt     *time.Time
	HiddenReason string
	OpenReports  int // reports the store has not decided yet
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ReviewReply is the developer's official, public answer to a review.
type ReviewReply struct {
	Body      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// RatingSummary is an app's ratings as the public page shows them, over its
// visible reviews: Counts[i] is how many rated i+1.
type RatingSummary struct {
	Counts [5]int64
}

// Count is how many visible reviews the app has.
func (s RatingSummary) Count() int64 {
	var n int64
	for _, c := range s.Counts {
		n += c
	}
	return n
}

// AverageHundredths is the average rating times 100, rounded half up, with
// integers only so that it is exact: 1, 5, 5 give 367 (3.67). 0 with no
// reviews.
func (s RatingSummary) AverageHundredths() int64 {
	n := s.Count()
	if n == 0 {
		return 0
	}
	var sum int64
	for i, c := range s.Counts {
		sum += int64(i+1) * c
	}
	return (sum*200 + n) / (2 * n)
}

// Average formats AverageHundredths as a decimal with two places ("3.67").
func (s RatingSummary) Average() string {
	h := s.AverageHundredths()
	return fmt.Sprintf("%d.%02d", h/100, h%100)
}

// Review sorts of the public page.
const (
	ReviewsNewest  = "newest"
	ReviewsHelpful = "helpful" // most helpful first, then newest
)

// ReviewFilter selects reviews; every field is optional. The developer's
// inbox sees its apps' reviews (hidden ones too), a customer their own,
// operators all.
type ReviewFilter struct {
	AppSlug    string
	Rating     int   // 1-5; 0 for any
	Replied    *bool // nil for either
	From, To   time.Time
	Q          string // words in the review's text
	CustomerID int64
	Sort       string // ReviewsNewest (default) or ReviewsHelpful (the public page)
	Cursor     string
	Limit      int // default 20, at most 100
}

// Report states.
const (
	ReportOpen   = "open"
	ReportHidden = "hidden" // the store hid the review
	ReportKept   = "kept"   // the store kept (or restored) it
)

// ReviewReport is a developer's report of an abusive review, for the store
// to decide on.
type ReviewReport struct {
	ID           int64
	ReviewID     int64
	Review       *Review
	DeveloperID  int64
	ReporterName string
	Reason       string
	Status       string
	CreatedAt    time.Time
	ResolvedAt   *time.Time
}

// ReviewReportFilter selects reports for the store's queue.
type ReviewReportFilter struct {
	Status string // ReportOpen (default), ReportHidden, ReportKept, or "all"
	Cursor string
	Limit  int
}

// CleanReviewText checks a review's, a reply's or a reason's text and
// returns it trimmed. Text is plain text: pages escape it and nothing in it
// runs. It obeys the text rule of every field (CheckText: no control or
// bidirectional characters, valid UTF-8) and, as it is shown in the
// store's listings, no Unicode line or paragraph separator either.
func CleanReviewText(field, s string, min, max int) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if err := CheckText(field, s); err != nil {
		return "", err
	}
	if strings.ContainsAny(s, "\u2028\u2029") {
		return "", Errorf(EINVALIDTEXT, "%s holds a line separator; send plain text", field)
	}
	switch n := utf8.RuneCountInString(s); {
	case n < min && min == 1:
		return "", Errorf(EINVALID, "%s is required", field)
	case n < min:
		return "", Errorf(EINVALID, "%s is at least %d characters", field, min)
	case n > max:
		return "", Errorf(EINVALID, "%s is at most %d characters", field, max)
	}
	return s, nil
}

// ValidateRating checks a review's stars.
func ValidateRating(n int) error {
	if n < 1 || n > 5 {
		return Errorf(EINVALID, "rating must be a whole number from 1 to 5")
	}
	return nil
}

// ReviewerName is the public name of a reviewer: the customer's own name,
// unless it looks like an email address or a phone number, which the public
// page must never show: then its first two characters and stars.
func ReviewerName(name string) string {
	name = strings.TrimSpace(name)
	digits := 0
	for _, r := range name {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if name == "" {
		return "***"
	}
	if strings.Contains(name, "@") || digits >= 4 {
		var keep []rune
		for _, r := range name {
			if len(keep) == 2 || !unicode.IsLetter(r) {
				break
			}
			keep = append(keep, r)
		}
		return string(keep) + "***"
	}
	if utf8.RuneCountInString(name) > 40 {
		return string([]rune(name)[:40])
	}
	return name
}

// ReviewService holds reviews, their replies and the store's moderation.
// Every call is scoped by the actor, except PublicReviews, which shows what
// anyone may see.
type ReviewService interface {
	// CreateReview stores a customer's review of r.AppSlug (ENOTBUYER
	// without a paid purchase of it; ECONFLICT when they reviewed it
	// already) and fills r in as stored.
	CreateReview(ctx context.Context, r *Review) error
	// UpdateReview changes the customer's own review.
	UpdateReview(ctx context.Context, id int64, rating int, body string) (*Review, error)
	// FindReviewByID returns a review the actor may see.
	FindReviewByID(ctx context.Context, id int64) (*Review, error)
	// FindReviews lists the reviews the actor may see, newest first.
	FindReviews(ctx context.Context, f ReviewFilter) ([]*Review, string, error)
	// PublicReviews is the store's app page: the app's rating summary and
	// visible reviews (f.Sort, f.Cursor, f.Limit), for anyone.
	PublicReviews(ctx context.Context, appSlug string, f ReviewFilter) (*App, RatingSummary, []*Review, string, error)
	// ReplyToReview sets or replaces the developer's official reply
	// (agents and above); the reviewer is told.
	ReplyToReview(ctx context.Context, id int64, body string) (*Review, error)
	// ReportReview asks the store to look at a review (developer agents
	// and above); one open report per developer and review.
	ReportReview(ctx context.Context, id int64, reason string) (*ReviewReport, error)
	// FindReviewReports is the store's queue of reports (operators).
	FindReviewReports(ctx context.Context, f ReviewReportFilter) ([]*ReviewReport, string, error)
	// HideReview takes a review off the public page and the averages, and
	// RestoreReview puts it back (or keeps a reported one); both close the
	// review's open reports and tell the author why (operators).
	HideReview(ctx context.Context, id int64, reason string) (*Review, error)
	RestoreReview(ctx context.Context, id int64, reason string) (*Review, error)
	// MarkHelpful records that the customer found someone else's review
	// helpful; once per customer and review.
	MarkHelpful(ctx context.Context, id int64) (*Review, error)
}

// ReviewNotice is the reviewer's mail, in their language, when the
// developer first replies ("replied") or the store hides ("hidden") or
// restores ("restored") their review, with the store's reason.
func ReviewNotice(locale string, r *Review, kind, reason string) (subject, text string) {
	en := isEnglish(locale)
	var b strings.Builder
	switch {
	case kind == "replied" && en:
		subject = "The developer replied to your review of " + r.AppName
		b.WriteString("The developer of " + r.AppName + " replied to your review:\n\n" + r.Reply.Body + "\n")
	case kind == "replied":
		subject = r.AppName + " 리뷰에 개발사가 답변했습니다"
		b.WriteString(r.AppName + " 개발사가 회원님의 리뷰에 답변했습니다.\n\n" + r.Reply.Body + "\n")
	case kind == "hidden" && en:
		subject = "Your review of " + r.AppName + " is hidden"
		b.WriteString("The store has hidden your review of " + r.AppName + " from the app page.\nReason: " + reason + "\n")
	case kind == "hidden":
		subject = r.AppName + " 리뷰가 숨김 처리되었습니다"
		b.WriteString("스토어가 " + r.AppName + " 앱 페이지에서 회원님의 리뷰를 숨겼습니다.\n사유: " + reason + "\n")
	case en:
		subject = "Your review of " + r.AppName + " is shown again"
		b.WriteString("The store shows your review of " + r.AppName + " on the app page again.\nReason: " + reason + "\n")
	default:
		subject = r.AppName + " 리뷰가 다시 표시됩니다"
		b.WriteString("스토어가 " + r.AppName + " 앱 페이지에 회원님의 리뷰를 다시 표시합니다.\n사유: " + reason + "\n")
	}
	if en {
		b.WriteString("\nYou can see and edit your review on My Page.\n")
	} else {
		b.WriteString("\n마이페이지에서 리뷰를 확인하고 수정할 수 있습니다.\n")
	}
	return subject, b.String()
}
