package vocdesk

import (
	"context"
	"time"
)

// ReportFilter selects what a report counts: inquiries created (refunds
// completed, purchases paid) in [From, To), of one app or all, of the
// actor's developer or, for operators, one developer or the whole store.
// The web layer turns days in Seoul into From and To.
type ReportFilter struct {
	From, To      time.Time
	AppSlug       string
	DeveloperSlug string // operators only; a developer's own reports ignore it unless it names another
}

// Validate checks the range: From before To, at most MaxReportDays days.
func (f ReportFilter) Validate() error {
	if f.From.IsZero() || f.To.IsZero() || !f.From.Before(f.To) {
		return Errorf(EINVALID, "from must be a day before or equal to to")
	}
	if f.To.Sub(f.From) > MaxReportDays*24*time.Hour {
		return Errorf(EINVALID, "a report covers at most %d days", MaxReportDays)
	}
	return nil
}

// MaxReportDays bounds a report's range: two years of days.
const MaxReportDays = 731

// Percentiles are the p50 and p90 of durations in business seconds, by
// nearest rank; Count is how many values there were (0: both are nil).
type Percentiles struct {
	Count    int64
	P50, P90 *int64
}

// DayCount is a count on one day in Seoul ("2006-01-02").
type DayCount struct {
	Day string
	N   int64
}

// KeyCount is a count under a key (a channel, a category, an app's slug).
type KeyCount struct {
	Key, Name string
	N         int64
}

// RatingComment is one customer's rating of an inquiry with its comment.
type RatingComment struct {
	InquiryID int64
	AppSlug   string
	AppName   string // how pages name the app; the API gives its slug
	Rating    int
	Comment   string
	CreatedAt time.Time
}

// InquiryReport is what the desk's reports say of inquiries created in a
// range. Every count is exact.
type InquiryReport struct {
	Created    int64
	ByStatus   map[InquiryStatus]int64
	ByChannel  map[Channel]int64
	ByCategory map[Category]int64
	ByDay      []DayCount // every day of the range, zeros included
	// ByDayChannel splits ByDay by channel: day → channel → count.
	ByDayChannel  map[string]map[Channel]int64
	ByApp         []KeyCount // apps with inquiries, most first
	FirstResponse Percentiles
	Resolution    Percentiles
	// SLABreached counts inquiries with a wait that ended after its due
	// time or that is past due now.
	SLABreached int64
	Rating      RatingSummary
	Comments    []RatingComment // the latest rated inquiries with a comment, newest first
	// Backlog is the inquiries not resolved or closed now, whenever
	// created, by age: under a day, 1-3 days, 3-7 days, 7 days and more.
	Backlog [4]int64
}

// RefundAmounts is a count of refunds and their sum per currency, in
// minor units.
type RefundAmounts struct {
	Count   int64
	Amounts map[string]int64
}

// Add counts one refund of amount in currency.
func (r *RefundAmounts) Add(n, amount int64, currency string) {
	if r.Amounts == nil {
		r.Amounts = map[string]int64{}
	}
	r.Count += n
	r.Amounts[currency] += amount
}

// RefundLine is the refund figures of one app's item (or one developer):
// purchases paid in the range and how many of them have been refunded.
type RefundLine struct {
	Key, Name  string
	Purchases  int64
	Refunded   int64 // purchases with any refund
	Amounts    map[string]int64
	RefundRate Rate
}

// Rate is a share N of D kept as two integers, so that no float is ever
// rounded on its way to a page or a CSV file.
type Rate struct{ N, D int64 }

// Tenths is the rate in tenths of a percent, rounded half up (0 when d is 0).
func (r Rate) Tenths() int64 {
	if r.D == 0 {
		return 0
	}
	return (r.N*2000 + r.D) / (2 * r.D)
}

// RefundReport is what the reports say of refunds: cancellation requests
// created in the range, and refunds completed in it (the ledger).
type RefundReport struct {
	Requests int64
	Refunded RefundAmounts
	ByReason map[CancellationReason]*RefundAmounts
	ByMethod map[Method]*RefundAmounts
	ByDay    []DayCount   // completed refunds per day
	ByItem   []RefundLine // per app and item, purchases paid in the range
	// Exceptions is the reconciliation exceptions found per day by runs
	// made in the range.
	Exceptions []DayCount
}

// DeveloperRank is one developer's line in the store's dashboard.
type DeveloperRank struct {
	Slug, Name   string
	Inquiries    int64
	Responded    int64 // with a first answer
	ResponseRate Rate
	// MedianFirstResponse is the p50 of first answers in business seconds.
	MedianFirstResponse *int64
	Escalations         int64
	Purchases           int64
	Refunded            int64
	RefundRate          Rate
}

// ReportService reads the desk's reports. Developers read their own apps',
// operators any developer's or the whole store's.
type ReportService interface {
	InquiryReport(ctx context.Context, f ReportFilter) (*InquiryReport, error)
	RefundReport(ctx context.Context, f ReportFilter) (*RefundReport, error)
	// DeveloperRanking is the store's view: every developer with
	// inquiries or purchases in the range. Operators only.
	DeveloperRanking(ctx context.Context, f ReportFilter) ([]*DeveloperRank, error)
}
