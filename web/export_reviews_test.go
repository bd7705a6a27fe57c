package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// Exports of the review decoders for the fuzz targets, compiled only into
// tests.

// DecodeReview decodes a customer's review body (create: a new review).
func DecodeReview(r *http.Request, create bool) (app string, rating int, body string, err error) {
	req, err := decodeReview(nil, r, create)
	return req.App, req.Rating, req.Body, err
}

// DecodeText decodes a {"body"} or {"reason"} body.
func DecodeText(r *http.Request, field string) (string, error) { return decodeText(nil, r, field) }

// ReviewFilter reads the reviews inbox's query.
func ReviewFilter(r *http.Request) (vocdesk.ReviewFilter, error) {
	return reviewFilter(r, "app", "rating", "replied", "from", "to", "q", "customer_id", "cursor")
}
