package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// The desk's request decoders, for the fuzz targets in web_test.

// DecodeCreateInquiry decodes POST /me/inquiries (customer) or POST
// /inquiries, JSON or multipart.
func DecodeCreateInquiry(r *http.Request, customer bool) (*vocdesk.Inquiry, *vocdesk.Message, error) {
	return decodeCreateInquiry(nil, r, customer)
}

// DecodeReply decodes POST /inquiries/{id}/replies.
func DecodeReply(r *http.Request) (*vocdesk.Message, int64, error) { return decodeReply(nil, r) }

// DecodeMessage decodes a customer's message or a note.
func DecodeMessage(r *http.Request) (*vocdesk.Message, error) { return decodeMessage(nil, r) }

// DecodePatchInquiry decodes PATCH /inquiries/{id}.
func DecodePatchInquiry(r *http.Request) (vocdesk.InquiryUpdate, error) {
	return decodePatchInquiry(nil, r)
}

// DecodeBulk decodes POST /inquiries/bulk.
func DecodeBulk(r *http.Request) ([]int64, vocdesk.InquiryUpdate, error) { return decodeBulk(nil, r) }

// MaxMessageBytes is the limit of a multipart message body.
const MaxMessageBytes = maxMessageBytes
