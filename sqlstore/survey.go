package sqlstore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/survey"
)

// surveyKeyName is the server key (server_keys) survey links are signed with.
const surveyKeyName = "inquiry-survey"

// SurveyService implements vocdesk.SurveyService: it signs the survey
// mail's links and takes the ratings they bring back.
type SurveyService struct {
	db *DB

	mu  sync.Mutex
	key []byte // loaded on first use: a failed load is tried again
}

// NewSurveyService returns the satisfaction survey on db.
func NewSurveyService(db *DB) *SurveyService { return &SurveyService{db: db} }

func (s *SurveyService) signingKey(ctx context.Context) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key == nil {
		k, err := s.db.ServerKey(ctx, surveyKeyName)
		if err != nil {
			return nil, err
		}
		s.key = k
	}
	return s.key, nil
}

// Invite implements vocdesk.SurveyService for the survey job.
func (s *SurveyService) Invite(ctx context.Context, id int64) (*vocdesk.SurveyInvite, error) {
	a, err := operatorFrom(ctx)
	if err != nil {
		return nil, err
	}
	key, err := s.signingKey(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	in, err := tx.inquiryFor(ctx, a, id, false)
	if err != nil {
		return nil, err
	}
	if in.Status != vocdesk.InquiryResolved || in.Rating != 0 || in.ContactEmail == "" {
		return nil, vocdesk.NotFound("survey")
	}
	exp := s.db.now().Add(vocdesk.SurveyTokenTTL)
	return &vocdesk.SurveyInvite{InquiryID: in.ID, To: in.ContactEmail, CustomerName: in.CustomerName, AppName: in.AppName,
		DeveloperSlug: in.DeveloperSlug, Subject: in.Subject, Token: survey.Sign(key, in.ID, exp), Expires: exp}, nil
}

// open checks a token and returns the inquiry it names; every failure is
// the not-found of an inquiry that does not exist.
func (s *SurveyService) open(ctx context.Context, token string) (int64, error) {
	key, err := s.signingKey(ctx)
	if err != nil {
		return 0, err
	}
	id, err := survey.Open(key, token, s.db.now())
	if err != nil {
		return 0, vocdesk.NotFound("inquiry")
	}
	return id, nil
}

// FindSurvey implements vocdesk.SurveyService. The token is the
// credential: the inquiry is read as the system reads it.
func (s *SurveyService) FindSurvey(ctx context.Context, token string) (*vocdesk.Survey, error) {
	id, err := s.open(ctx, token)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	in, err := tx.inquiryFor(ctx, vocdesk.SystemActor(), id, false)
	if err != nil {
		return nil, err
	}
	at, err := tx.ratedAt(ctx, id)
	if err != nil {
		return nil, err
	}
	return surveyOf(in, nullMicros(at), tx.now), nil
}

func surveyOf(in *vocdesk.Inquiry, ratedAt *time.Time, now time.Time) *vocdesk.Survey {
	sv := &vocdesk.Survey{InquiryID: in.ID, AppName: in.AppName, Subject: in.Subject, Status: in.Status,
		Rating: in.Rating, Comment: in.RatingComment, RatedAt: ratedAt,
		Open: vocdesk.RatingOpen(in.Status, in.Rating, ratedAt, now)}
	if ratedAt != nil {
		until := ratedAt.Add(vocdesk.RatingChangeWindow)
		sv.ChangeUntil = &until
	}
	return sv
}

// RateBySurvey implements vocdesk.SurveyService. The audit trail names the
// inquiry's customer (id 0 for a contact without a store account) and says
// the rating came by the survey link.
func (s *SurveyService) RateBySurvey(ctx context.Context, token string, rating int, comment string) (*vocdesk.Survey, error) {
	id, err := s.open(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := checkRating(rating, comment); err != nil {
		return nil, err
	}
	var sv *vocdesk.Survey
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		in, err := tx.inquiryFor(ctx, vocdesk.SystemActor(), id, true)
		if err != nil {
			return err
		}
		name := in.CustomerName
		if name == "" {
			name = vocdesk.MaskEmail(in.ContactEmail)
		}
		who := &vocdesk.Actor{Realm: vocdesk.RealmCustomer, CustomerID: in.CustomerID, Name: name}
		if err := tx.rate(ctx, who, in, rating, comment, "survey_link"); err != nil {
			return err
		}
		at, err := tx.ratedAt(ctx, id)
		if err != nil {
			return err
		}
		sv = surveyOf(in, nullMicros(at), tx.now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return sv, nil
}

// FindUnrated implements vocdesk.SurveyService for My Page.
func (s *SurveyService) FindUnrated(ctx context.Context, limit int) ([]*vocdesk.Inquiry, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if !a.IsCustomer() {
		return nil, nil
	}
	limit = min(max(limit, 1), 20)
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT id FROM inquiries WHERE customer_id = $1 AND status = 'resolved' AND rating = 0
		ORDER BY updated_at DESC, id DESC LIMIT $2`, a.CustomerID, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: unrated inquiries: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlstore: unrated inquiries: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: unrated inquiries: %w", err)
	}
	out := make([]*vocdesk.Inquiry, 0, len(ids))
	for _, id := range ids {
		in, err := tx.inquiryFor(ctx, a, id, false)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, nil
}

// FindRating implements vocdesk.SurveyService for the customer's own
// inquiry page.
func (s *SurveyService) FindRating(ctx context.Context, id int64) (*vocdesk.Survey, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if !a.IsCustomer() {
		return nil, vocdesk.NotFound("inquiry")
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	in, err := tx.inquiryFor(ctx, a, id, false)
	if err != nil {
		return nil, err
	}
	at, err := tx.ratedAt(ctx, id)
	if err != nil {
		return nil, err
	}
	return surveyOf(in, nullMicros(at), tx.now), nil
}
