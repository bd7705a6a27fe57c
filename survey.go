package vocdesk

import (
	"context"
	"time"
)

// The satisfaction survey: once an inquiry is resolved for the first time
// its customer is asked, once, how the answer was: on My Page and by an
// email whose five links each open the rating page with one rating chosen.
// A link carries a signed token that names the inquiry and expires; it
// works without signing in and is good for nothing but rating that inquiry.
const (
	// SurveyTokenTTL is how long a survey mail's links work: long enough
	// for a customer back from holiday, short enough that an old mailbox
	// is not a key to the desk.
	SurveyTokenTTL = 30 * 24 * time.Hour
	// RatingChangeWindow is how long after the first rating the customer
	// may change it (a misclick, a second thought), as long as the inquiry
	// is not closed: after either the rating is final, so the figures a
	// developer is judged by stop moving.
	RatingChangeWindow = 7 * 24 * time.Hour
)

// JobSendSurvey sends one inquiry's satisfaction survey mail.
const JobSendSurvey = "survey.send"

// RatingOpen says whether a customer may rate an inquiry now: a first
// rating once it is resolved or closed; a change of it only while it is
// resolved and within RatingChangeWindow of the first.
func RatingOpen(status InquiryStatus, rating int, ratedAt *time.Time, now time.Time) error {
	switch {
	case status != InquiryResolved && status != InquiryClosed:
		return Errorf(EUNPROCESSABLE, "an inquiry can be rated once it is resolved")
	case rating == 0:
		return nil
	case status == InquiryClosed:
		return Errorf(ECONFLICT, "the rating is final: the inquiry is closed")
	case ratedAt != nil && now.Sub(*ratedAt) > RatingChangeWindow:
		return Errorf(ECONFLICT, "the rating is final: it can be changed for 7 days after it was given")
	}
	return nil
}

// ValidRatingComment checks a rating's optional comment.
func ValidRatingComment(comment string) error {
	if len([]rune(comment)) > 2000 {
		return Errorf(EINVALID, "comment is at most 2000 characters")
	}
	return CheckText("comment", comment)
}

// Survey is what a survey link shows: the inquiry it names, as far as the
// person holding the link needs to know it.
type Survey struct {
	InquiryID int64
	AppName   string
	Subject   string
	Status    InquiryStatus
	Rating    int // 0 until rated
	Comment   string
	RatedAt   *time.Time
	// Open is nil when a rating may be given or changed now, else why not
	// (RatingOpen).
	Open error
	// ChangeUntil is when a given rating becomes final (nil while unrated).
	ChangeUntil *time.Time
}

// SurveyInvite is what the survey mail is made of: who is asked about what,
// and the token its links carry.
type SurveyInvite struct {
	InquiryID     int64
	To            string
	CustomerName  string
	AppName       string
	DeveloperSlug string
	Subject       string
	Token         string
	Expires       time.Time
}

// SurveyService asks customers how their inquiry went and takes the answer.
type SurveyService interface {
	// Invite returns the survey mail of an inquiry with a fresh token (system
	// actor, for the survey job), or ENOTFOUND when asking makes no sense
	// any more: reopened, already rated, or no address to write to.
	Invite(ctx context.Context, inquiryID int64) (*SurveyInvite, error)
	// FindSurvey opens a survey token: the inquiry it names. Any token that
	// is not one of ours, has expired or names nothing answers ENOTFOUND.
	// No actor is needed: the token is the credential.
	FindSurvey(ctx context.Context, token string) (*Survey, error)
	// RateBySurvey records the rating (1-5) and comment a survey link's
	// holder gives; the audit trail names the inquiry's customer.
	RateBySurvey(ctx context.Context, token string, rating int, comment string) (*Survey, error)
	// FindRating is the signed-in customer's view of their own inquiry's
	// rating: what they gave and whether they may (still) change it.
	FindRating(ctx context.Context, inquiryID int64) (*Survey, error)
	// FindUnrated lists the signed-in customer's resolved inquiries that
	// still wait for a rating, newest first, at most limit.
	FindUnrated(ctx context.Context, limit int) ([]*Inquiry, error)
	// RecordSurveyMail notes in the inquiry's thread, for the team only,
	// that its survey mail was sent, or failed and why (system actor, for
	// the survey job). It never names the customer's address in full, and
	// not at all when the inquiry's ids are withheld.
	RecordSurveyMail(ctx context.Context, inquiryID int64, sent bool, why string) error
}
