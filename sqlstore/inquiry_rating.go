package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// surveyJob is the payload of a survey.send job.
type surveyJob struct {
	InquiryID int64 `json:"inquiry_id"`
}

// markSurveyed notes that the inquiry's customer has been asked for a
// rating and reports whether this is the first time: only then is the
// customer asked (once per inquiry, however often it is resolved again).
func (tx *Tx) markSurveyed(ctx context.Context, id int64) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE inquiries SET survey_at = $2 WHERE id = $1 AND survey_at IS NULL`, id, micros(tx.now))
	if err != nil {
		return false, fmt.Errorf("sqlstore: mark surveyed: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlstore: mark surveyed: %w", err)
	}
	return n == 1, nil
}

func checkRating(rating int, comment string) error {
	if rating < 1 || rating > 5 {
		return vocdesk.Errorf(vocdesk.EINVALID, "rating must be 1 to 5")
	}
	return vocdesk.ValidRatingComment(comment)
}

// ratingView is what the audit trail keeps of a rating; via says where it
// was given ("signed_in": My Page or the API; "survey_link").
type ratingView struct {
	Rating  int    `json:"rating"`
	Comment string `json:"comment,omitempty"`
	Via     string `json:"via,omitempty"`
}

// ratedAt reads when the inquiry was first rated.
func (tx *Tx) ratedAt(ctx context.Context, id int64) (sql.NullInt64, error) {
	var at sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT rated_at FROM inquiries WHERE id = $1`, id).Scan(&at); err != nil {
		return at, fmt.Errorf("sqlstore: rated at: %w", err)
	}
	return at, nil
}

// rate records a rating of in under the rules of vocdesk.RatingOpen: the
// first rating sets rated_at, a change within the window keeps it.
func (tx *Tx) rate(ctx context.Context, a *vocdesk.Actor, in *vocdesk.Inquiry, rating int, comment, via string) error {
	at, err := tx.ratedAt(ctx, in.ID)
	if err != nil {
		return err
	}
	if err := vocdesk.RatingOpen(in.Status, in.Rating, nullMicros(at), tx.now); err != nil {
		return err
	}
	before := ratingView{Rating: in.Rating, Comment: in.RatingComment}
	in.Rating, in.RatingComment = rating, strings.TrimSpace(comment)
	first := micros(tx.now)
	if at.Valid {
		first = at.Int64
	}
	if _, err := tx.exec(ctx, `UPDATE inquiries SET rating = $2, rating_comment = $3, rated_at = $4, updated_at = $5 WHERE id = $1`,
		in.ID, in.Rating, in.RatingComment, first, micros(tx.now)); err != nil {
		return fmt.Errorf("sqlstore: rate inquiry: %w", err)
	}
	var b any = before
	if before.Rating == 0 {
		b = nil
	}
	return tx.auditInquiry(ctx, a, "inquiry.rated", in, b, ratingView{Rating: in.Rating, Comment: in.RatingComment, Via: via})
}
