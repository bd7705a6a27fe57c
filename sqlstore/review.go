package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/vocdesk/vocdesk"
)

// ReviewService implements vocdesk.ReviewService: customers' reviews of the
// apps they bought, developers' official replies and the store's
// moderation. Every visible review is counted in review_counts in the same
// transaction that shows or hides it (reviewCounts), so the public page's
// averages are exact without counting rows.
type ReviewService struct {
	db *DB
	// uncached: the first pages are always read from the database (the
	// tests' reference for the cache, review_page_cache.go).
	uncached bool
}

// NewReviewService returns the reviews on db.
func NewReviewService(db *DB) vocdesk.ReviewService { return &ReviewService{db: db} }

// reviewSelect reads a review with its app. verified is computed on read:
// a refund after the review takes the mark away without touching the review.
// It is a scalar subquery with LIMIT 1, not EXISTS: PostgreSQL may run an
// EXISTS in the select list as a hashed subplan, reading every purchase to
// build the hash before the first row, and did so for the inbox of 100k
// reviews (bench/reviews: a first page took 60-110 ms instead of under 1 ms);
// a scalar subquery is always one probe of purchases_customer per row.
const reviewSelect = `SELECT r.id, r.app_id, a.slug, a.name, r.developer_id, r.customer_id, r.author_name, r.rating, r.body,
	r.helpful, r.reply_body, r.reply_at, r.reply_updated_at, r.hidden_at, r.hidden_reason, r.open_reports, r.created_at, r.updated_at,
	(SELECT 1 FROM purchases p WHERE p.customer_id = r.customer_id AND p.app_id = r.app_id AND p.refunded < p.amount LIMIT 1) IS NOT NULL
	FROM reviews r JOIN apps a ON a.id = r.app_id`

type rowScanner interface{ Scan(dest ...any) error }

func scanReview(row rowScanner) (*vocdesk.Review, error) {
	var (
		r                         vocdesk.Review
		replyBody                 sql.NullString
		replyAt, replyUpd, hidden sql.NullInt64
		created, updated          int64
	)
	err := row.Scan(&r.ID, &r.AppID, &r.AppSlug, &r.AppName, &r.DeveloperID, &r.CustomerID, &r.Author, &r.Rating, &r.Body,
		&r.Helpful, &replyBody, &replyAt, &replyUpd, &hidden, &r.HiddenReason, &r.OpenReports, &created, &updated, &r.VerifiedPurchase)
	if err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt, r.HiddenAt = fromMicros(created), fromMicros(updated), nullMicros(hidden)
	if replyAt.Valid {
		r.Reply = &vocdesk.ReviewReply{Body: replyBody.String, CreatedAt: fromMicros(replyAt.Int64), UpdatedAt: fromMicros(replyUpd.Int64)}
	}
	return &r, nil
}

// scopeReviews limits reviews (alias r) to the actor's: a customer's own, a
// developer's apps', all for operators.
func scopeReviews(c *conds, a *vocdesk.Actor) {
	switch {
	case a.IsOperator():
	case a.IsDeveloper():
		c.add(idIs("r.developer_id"), a.DeveloperID)
	case a.IsCustomer():
		c.add(idIs("r.customer_id"), a.CustomerID)
	default:
		c.add("1 = 0")
	}
}

// reviewFor reads one review the actor may see, in tx.
func (tx *Tx) reviewFor(ctx context.Context, a *vocdesk.Actor, id int64) (*vocdesk.Review, error) {
	var c conds
	c.add(idIs("r.id"), id)
	scopeReviews(&c, a)
	r, err := scanReview(tx.queryRow(ctx, reviewSelect+c.where(), c.args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("review")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: review: %w", err)
	}
	return r, nil
}

// CreateReview stores a customer's review of an app they hold a paid
// purchase of. An app that does not exist answers like one not bought: the
// customer has no paid purchase of it either way.
func (s *ReviewService) CreateReview(ctx context.Context, r *vocdesk.Review) error {
	a, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	if !a.IsCustomer() {
		return errNotFound
	}
	if err := vocdesk.ValidateRating(r.Rating); err != nil {
		return err
	}
	if r.Body, err = vocdesk.CleanReviewText("body", r.Body, 0, vocdesk.MaxReviewBody); err != nil {
		return err
	}
	if r.AppSlug == "" {
		return vocdesk.Errorf(vocdesk.EINVALID, "app is required")
	}
	var id int64
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		var appID, devID int64
		var name string
		err := tx.queryRow(ctx, `SELECT a.id, a.developer_id, c.name FROM apps a, customers c
			WHERE a.slug = $1 AND c.id = $2 AND EXISTS (SELECT 1 FROM purchases p
				WHERE p.customer_id = c.id AND p.app_id = a.id AND p.refunded < p.amount)`, r.AppSlug, a.CustomerID).Scan(&appID, &devID, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return vocdesk.Errorf(vocdesk.ENOTBUYER, "only a customer with a paid purchase of the app may review it")
		} else if err != nil {
			return fmt.Errorf("sqlstore: review buyer: %w", err)
		}
		err = tx.queryRow(ctx, `INSERT INTO reviews (app_id, developer_id, customer_id, author_name, rating, body, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
			appID, devID, a.CustomerID, vocdesk.ReviewerName(name), r.Rating, r.Body, micros(tx.now)).Scan(&id)
		if err != nil {
			return conflictOr(err, "create review", "you have reviewed this app already; edit your review instead")
		}
		if err := tx.countRating(ctx, appID, r.Rating, 1); err != nil {
			return err
		}
		tx.reviewPagesChanged(reviewPageChange{app: appID, dev: devID})
		stored, err := tx.reviewFor(ctx, a, id)
		if err != nil {
			return err
		}
		*r = *stored
		if err := tx.reviewWebhook(ctx, vocdesk.EventReviewCreated, r); err != nil {
			return err
		}
		return tx.auditReview(ctx, a, "review.created", r, nil, reviewViewOf(r))
	})
	return err
}

// UpdateReview changes the customer's own review. A hidden review stays
// hidden and out of the counts.
func (s *ReviewService) UpdateReview(ctx context.Context, id int64, rating int, body string) (*vocdesk.Review, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if !a.IsCustomer() {
		return nil, errNotFound
	}
	if err := vocdesk.ValidateRating(rating); err != nil {
		return nil, err
	}
	if body, err = vocdesk.CleanReviewText("body", body, 0, vocdesk.MaxReviewBody); err != nil {
		return nil, err
	}
	var out *vocdesk.Review
	err = s.changeReview(ctx, a, id, func(tx *Tx, r *vocdesk.Review) error {
		if r.Rating == rating && r.Body == body {
			out = r
			return nil
		}
		before := reviewViewOf(r)
		if r.HiddenAt == nil && r.Rating != rating {
			if err := tx.countRating(ctx, r.AppID, r.Rating, -1); err != nil {
				return err
			}
			if err := tx.countRating(ctx, r.AppID, rating, 1); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, `UPDATE reviews SET rating = $1, body = $2, updated_at = $3 WHERE id = $4`,
			rating, body, micros(tx.now), r.ID); err != nil {
			return fmt.Errorf("sqlstore: update review: %w", err)
		}
		r.Rating, r.Body, r.UpdatedAt = rating, body, tx.now
		out = r
		if err := tx.reviewWebhook(ctx, vocdesk.EventReviewUpdated, r); err != nil {
			return err
		}
		return tx.auditReview(ctx, a, "review.updated", r, before, reviewViewOf(r))
	})
	return out, err
}

// FindReviewByID returns a review the actor may see.
func (s *ReviewService) FindReviewByID(ctx context.Context, id int64) (*vocdesk.Review, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginReadOne(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return tx.reviewFor(ctx, a, id)
}

// changeReview runs fn on review id, read in a's scope, in one write
// transaction: the shape of every change of a review. The review's app
// page and its developer's inbox are dropped from the cache when it
// commits (those fn leaves unchanged too: a page read again costs less than
// telling).
func (s *ReviewService) changeReview(ctx context.Context, a *vocdesk.Actor, id int64, fn func(tx *Tx, r *vocdesk.Review) error) error {
	return s.db.inWrite(ctx, func(tx *Tx) error {
		r, err := tx.reviewFor(ctx, a, id)
		if err != nil {
			return err
		}
		tx.reviewPagesChanged(reviewPageChange{app: r.AppID, dev: r.DeveloperID})
		return fn(tx, r)
	})
}

// cleanReason checks a report's or a moderator's reason.
func cleanReason(s string) (string, error) {
	return vocdesk.CleanReviewText("reason", s, 1, vocdesk.MaxReason)
}

// countRating moves one review of rating stars in or (delta -1) out of the
// app's counts.
func (tx *Tx) countRating(ctx context.Context, appID int64, rating, delta int) error {
	if err := vocdesk.ValidateRating(rating); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO review_counts (app_id) VALUES ($1) ON CONFLICT (app_id) DO NOTHING`, appID); err != nil {
		return fmt.Errorf("sqlstore: review counts: %w", err)
	}
	col := "n" + strconv.Itoa(rating) // 1-5, checked above: never caller text
	if _, err := tx.exec(ctx, `UPDATE review_counts SET `+col+` = `+col+` + $1 WHERE app_id = $2`, delta, appID); err != nil {
		return fmt.Errorf("sqlstore: review counts: %w", err)
	}
	return nil
}

// reviewEvent is the data of review.created and review.updated: the review
// as the public page shows it (it is public text), and its ids.
type reviewEvent struct {
	ReviewID  int64  `json:"review_id"`
	App       string `json:"app"`
	Rating    int    `json:"rating"`
	Body      string `json:"body"`
	Author    string `json:"author"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func (tx *Tx) reviewWebhook(ctx context.Context, eventType string, r *vocdesk.Review) error {
	return tx.EnqueueWebhook(ctx, r.DeveloperID, eventType, reviewEvent{
		ReviewID: r.ID, App: r.AppSlug, Rating: r.Rating, Body: r.Body, Author: r.Author,
		CreatedAt: r.CreatedAt.Format(time.RFC3339), UpdatedAt: r.UpdatedAt.Format(time.RFC3339),
	})
}

// reviewView is what the audit trail keeps of a review.
type reviewView struct {
	Rating   int    `json:"rating"`
	Body     string `json:"body"`
	Replied  bool   `json:"replied"`
	Reply    string `json:"reply,omitempty"`
	Hidden   bool   `json:"hidden"`
	Reason   string `json:"hidden_reason,omitempty"`
	Reports  int    `json:"open_reports"`
	Customer int64  `json:"customer_id"`
}

func reviewViewOf(r *vocdesk.Review) reviewView {
	v := reviewView{Rating: r.Rating, Body: r.Body, Hidden: r.HiddenAt != nil, Reason: r.HiddenReason, Reports: r.OpenReports, Customer: r.CustomerID}
	if r.Reply != nil {
		v.Replied, v.Reply = true, r.Reply.Body
	}
	return v
}

func (tx *Tx) auditReview(ctx context.Context, a *vocdesk.Actor, action string, r *vocdesk.Review, before, after any) error {
	return tx.audit(ctx, a, change{action: action, entity: "review", entityID: r.ID, developerID: r.DeveloperID, before: before, after: after})
}
