package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/vocdesk/vocdesk"
)

// maxMessageBytes is the limit of a multipart body: a message with its
// attachments. JSON bodies keep the contract's 1 MiB.
const maxMessageBytes = 25 << 20

// attachmentsField names the multipart parts that hold attachments.
const attachmentsField = "files"

// decodeMessageBody reads a message-carrying body: JSON (decodeJSON's rules), or
// multipart/form-data whose text fields are the JSON object's fields and
// whose parts named "files" are attachments. The form's fields go through the
// same strict JSON decoder, so both forms agree on names, types and unknown
// fields; numeric names the fields that are JSON numbers.
func decodeMessageBody(w http.ResponseWriter, r *http.Request, dst any, numeric ...string) ([]*vocdesk.Attachment, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil, decodeJSON(w, r, dst)
	}
	if r.ContentLength > maxMessageBytes {
		return nil, messageTooLarge()
	}
	boundary := params["boundary"]
	if boundary == "" {
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "a multipart/form-data body needs a boundary")
	}
	mr := multipart.NewReader(http.MaxBytesReader(w, r.Body, maxMessageBytes), boundary)
	fields := map[string]any{}
	var files []*vocdesk.Attachment
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, messagePartError(err)
		}
		name := part.FormName()
		if part.FileName() != "" || name == attachmentsField {
			if name != attachmentsField {
				return nil, vocdesk.Errorf(vocdesk.EINVALID, "attachments go in parts named %q, not %q", attachmentsField, name)
			}
			if len(files) == vocdesk.MaxAttachments {
				return nil, vocdesk.Errorf(vocdesk.EINVALID, "a message takes at most %d attachments", vocdesk.MaxAttachments)
			}
			data, err := io.ReadAll(io.LimitReader(part, vocdesk.MaxAttachmentSize+1))
			if err != nil {
				return nil, messagePartError(err)
			}
			if len(data) > vocdesk.MaxAttachmentSize {
				return nil, vocdesk.Errorf(vocdesk.ETOOLARGE, "attachment %q is over %d MiB", part.FileName(), vocdesk.MaxAttachmentSize>>20)
			}
			files = append(files, &vocdesk.Attachment{Filename: part.FileName(), Data: data})
			continue
		}
		if name == "" {
			return nil, vocdesk.Errorf(vocdesk.EINVALID, "every multipart part needs a name")
		}
		if _, dup := fields[name]; dup {
			return nil, vocdesk.Errorf(vocdesk.EINVALID, "field %s is sent twice", name)
		}
		data, err := io.ReadAll(io.LimitReader(part, maxBodyBytes+1))
		if err != nil {
			return nil, messagePartError(err)
		}
		switch {
		case len(data) > maxBodyBytes:
			return nil, vocdesk.Errorf(vocdesk.ETOOLARGE, "field %s is larger than %d bytes", name, maxBodyBytes)
		case !utf8.Valid(data):
			return nil, vocdesk.Errorf(vocdesk.EINVALIDTEXT, "field %s is not UTF-8 text", name)
		}
		fields[name] = string(data)
		for _, n := range numeric {
			if n == name {
				v, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
				if err != nil {
					return nil, vocdesk.Errorf(vocdesk.EINVALID, "%s must be a whole number", name)
				}
				fields[name] = v
			}
		}
	}
	raw, err := json.Marshal(fields)
	if err != nil {
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "the form's fields are not valid")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return nil, decodeError(err)
	}
	if err := checkDecodedText(dst); err != nil {
		return nil, err
	}
	for _, f := range files {
		if err := vocdesk.CheckText("attachment file name", f.Filename); err != nil {
			return nil, err
		}
	}
	return files, nil
}

func messageTooLarge() error {
	return vocdesk.Errorf(vocdesk.ETOOLARGE, "request body is larger than %d MiB", maxMessageBytes>>20)
}

func messagePartError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return messageTooLarge()
	}
	return vocdesk.Errorf(vocdesk.EINVALID, "the multipart/form-data body is malformed")
}

// myInquiryRequest is what a customer sends to ask: about a purchase
// (txid) or an app (app), in a category.
type myInquiryRequest struct {
	TxID     string `json:"txid"`
	App      string `json:"app"`
	Category string `json:"category"`
	Subject  string `json:"subject"`
	Body     string `json:"body"`
}

// createInquiryRequest is what the store's staff and developers'
// integrations send: the channel, and who asked.
type createInquiryRequest struct {
	myInquiryRequest
	Channel      string `json:"channel"`
	CustomerID   int64  `json:"customer_id"`
	ContactName  string `json:"contact_name"`
	ContactEmail string `json:"contact_email"`
	ContactPhone string `json:"contact_phone"`
}

// decodeCreateInquiry reads a new inquiry and its first message. It either
// returns an inquiry that passes Validate with a body that passes
// ValidateBody, or a 4xx error; the fuzz target holds it to that.
func decodeCreateInquiry(w http.ResponseWriter, r *http.Request, customer bool) (*vocdesk.Inquiry, *vocdesk.Message, error) {
	var req createInquiryRequest
	var dst any = &req
	if customer {
		dst = &req.myInquiryRequest
	}
	files, err := decodeMessageBody(w, r, dst, "customer_id")
	if err != nil {
		return nil, nil, err
	}
	if customer {
		req.Channel = string(vocdesk.ChannelStore)
	}
	if err := requireFields("channel", req.Channel, "category", req.Category, "subject", req.Subject, "body", req.Body); err != nil {
		return nil, nil, err
	}
	if req.CustomerID < 0 {
		return nil, nil, vocdesk.Errorf(vocdesk.EINVALID, "customer_id must be a positive whole number")
	}
	in := &vocdesk.Inquiry{
		TxID: strings.TrimSpace(req.TxID), AppSlug: strings.TrimSpace(req.App),
		Channel: vocdesk.Channel(req.Channel), Category: vocdesk.Category(req.Category), Subject: req.Subject,
		CustomerID: req.CustomerID, CustomerName: req.ContactName, ContactEmail: req.ContactEmail, ContactPhone: req.ContactPhone,
	}
	if err := in.Validate(); err != nil {
		return nil, nil, err
	}
	if err := vocdesk.ValidateBody(req.Body); err != nil {
		return nil, nil, err
	}
	return in, &vocdesk.Message{Body: req.Body, Attachments: files}, nil
}

// replyRequest is a message: its body, or for a developer's reply a canned
// reply to fill in with the inquiry's data.
type replyRequest struct {
	Body          string `json:"body"`
	CannedReplyID int64  `json:"canned_reply_id"`
}

// decodeMessage reads a customer's message or a note: a body and files.
func decodeMessage(w http.ResponseWriter, r *http.Request) (*vocdesk.Message, error) {
	var req struct {
		Body string `json:"body"`
	}
	files, err := decodeMessageBody(w, r, &req)
	if err != nil {
		return nil, err
	}
	if err := vocdesk.ValidateBody(req.Body); err != nil {
		return nil, err
	}
	return &vocdesk.Message{Body: req.Body, Attachments: files}, nil
}

// decodeReply reads a developer's reply: a body, or canned_reply_id (the
// body then comes from the canned reply); never both.
func decodeReply(w http.ResponseWriter, r *http.Request) (*vocdesk.Message, int64, error) {
	var req replyRequest
	files, err := decodeMessageBody(w, r, &req, "canned_reply_id")
	if err != nil {
		return nil, 0, err
	}
	switch {
	case req.CannedReplyID < 0:
		return nil, 0, vocdesk.Errorf(vocdesk.EINVALID, "canned_reply_id must be a positive whole number")
	case req.CannedReplyID > 0 && req.Body != "":
		return nil, 0, vocdesk.Errorf(vocdesk.EINVALID, "send body or canned_reply_id, not both")
	case req.CannedReplyID == 0:
		if err := vocdesk.ValidateBody(req.Body); err != nil {
			return nil, 0, err
		}
	}
	return &vocdesk.Message{Body: req.Body, Attachments: files}, req.CannedReplyID, nil
}

// patchInquiryRequest changes the workflow fields; absent fields stay.
type patchInquiryRequest struct {
	Status     *string  `json:"status"`
	AssigneeID *int64   `json:"assignee_id"`
	AddTags    []string `json:"add_tags"`
	RemoveTags []string `json:"remove_tags"`
}

// maxTagsPerCall bounds the tags one call adds or removes.
const maxTagsPerCall = 20

func (p patchInquiryRequest) update() (vocdesk.InquiryUpdate, error) {
	var u vocdesk.InquiryUpdate
	if p.Status != nil {
		st := vocdesk.InquiryStatus(*p.Status)
		if !st.Valid() || st == vocdesk.InquiryNew {
			return u, vocdesk.Errorf(vocdesk.EINVALID, "status must be one of open, waiting_on_customer, resolved, closed")
		}
		u.Status = &st
	}
	if p.AssigneeID != nil {
		if *p.AssigneeID < 0 {
			return u, vocdesk.Errorf(vocdesk.EINVALID, "assignee_id must be a member id, or 0 to unassign")
		}
		u.AssigneeID = p.AssigneeID
	}
	if len(p.AddTags) > maxTagsPerCall || len(p.RemoveTags) > maxTagsPerCall {
		return u, vocdesk.Errorf(vocdesk.EINVALID, "at most %d tags at once", maxTagsPerCall)
	}
	for _, t := range append(append([]string{}, p.AddTags...), p.RemoveTags...) {
		if n := utf8.RuneCountInString(strings.TrimSpace(t)); n == 0 || n > 40 {
			return u, vocdesk.Errorf(vocdesk.EINVALID, "a tag is 1 to 40 characters")
		}
	}
	u.AddTags, u.RemoveTags = p.AddTags, p.RemoveTags
	if u.Status == nil && u.AssigneeID == nil && len(u.AddTags)+len(u.RemoveTags) == 0 {
		return u, vocdesk.Errorf(vocdesk.EINVALID, "nothing to change: send status, assignee_id, add_tags or remove_tags")
	}
	return u, nil
}

// decodePatchInquiry reads PATCH /inquiries/{id}.
func decodePatchInquiry(w http.ResponseWriter, r *http.Request) (vocdesk.InquiryUpdate, error) {
	var req patchInquiryRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return vocdesk.InquiryUpdate{}, err
	}
	return req.update()
}

// bulkRequest applies one change to many inquiries.
type bulkRequest struct {
	IDs []int64 `json:"ids"`
	patchInquiryRequest
}

// maxBulk is how many inquiries one bulk call may change.
const maxBulk = 500

// decodeBulk reads POST /inquiries/bulk.
func decodeBulk(w http.ResponseWriter, r *http.Request) ([]int64, vocdesk.InquiryUpdate, error) {
	var req bulkRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return nil, vocdesk.InquiryUpdate{}, err
	}
	if len(req.IDs) == 0 || len(req.IDs) > maxBulk {
		return nil, vocdesk.InquiryUpdate{}, vocdesk.Errorf(vocdesk.EINVALID, "ids must hold 1 to %d inquiry ids", maxBulk)
	}
	for _, id := range req.IDs {
		if id <= 0 {
			return nil, vocdesk.InquiryUpdate{}, vocdesk.Errorf(vocdesk.EINVALID, "ids must be positive whole numbers")
		}
	}
	u, err := req.update()
	if err != nil {
		return nil, vocdesk.InquiryUpdate{}, err
	}
	return req.IDs, u, nil
}

// inquiryFilter reads the inbox's query parameters. Customers (staff false)
// filter their own list by status, app and txid only.
func inquiryFilter(r *http.Request, a *vocdesk.Actor, staff bool) (vocdesk.InquiryFilter, error) {
	q := r.URL.Query()
	var f vocdesk.InquiryFilter
	var err error
	if v := q.Get("status"); v != "" {
		for _, s := range strings.Split(v, ",") {
			st := vocdesk.InquiryStatus(strings.TrimSpace(s))
			if !st.Valid() {
				return f, vocdesk.Errorf(vocdesk.EINVALID, "status must be one or more of new, open, waiting_on_customer, resolved, closed, separated by commas")
			}
			f.Status = append(f.Status, st)
		}
	}
	f.AppSlug, f.TxID, f.Cursor = q.Get("app"), q.Get("txid"), q.Get("cursor")
	if f.Limit, err = queryLimit(r); err != nil {
		return f, err
	}
	if !staff {
		return f, nil
	}
	if v := q.Get("category"); v != "" {
		if f.Category = vocdesk.Category(v); !f.Category.Valid() {
			return f, vocdesk.Errorf(vocdesk.EINVALID, "category must be one of refund, not_received, payment, bug, account, other")
		}
	}
	if v := q.Get("channel"); v != "" {
		if f.Channel = vocdesk.Channel(v); !f.Channel.Valid() {
			return f, vocdesk.Errorf(vocdesk.EINVALID, "channel must be one of store, email, phone, social, api")
		}
	}
	switch v := q.Get("assignee"); v {
	case "":
	case "none":
		f.AssigneeID = -1
	case "me":
		if a.MemberID == 0 {
			return f, vocdesk.Errorf(vocdesk.EINVALID, "assignee=me needs a signed-in member, not an API key")
		}
		f.AssigneeID = a.MemberID
	default:
		if f.AssigneeID, err = strconv.ParseInt(v, 10, 64); err != nil || f.AssigneeID <= 0 {
			return f, vocdesk.Errorf(vocdesk.EINVALID, "assignee must be a member id, none or me")
		}
	}
	f.Tag, f.Q = q.Get("tag"), strings.TrimSpace(q.Get("q"))
	if v := q.Get("priority"); v != "" {
		if f.Priority = vocdesk.Priority(v); !f.Priority.Valid() {
			return f, vocdesk.Errorf(vocdesk.EINVALID, "priority must be one of low, normal, high, urgent")
		}
	}
	if utf8.RuneCountInString(f.Q) > 200 {
		return f, vocdesk.Errorf(vocdesk.EINVALID, "q is at most 200 characters")
	}
	if v := q.Get("customer_id"); v != "" {
		if f.CustomerID, err = strconv.ParseInt(v, 10, 64); err != nil || f.CustomerID <= 0 {
			return f, vocdesk.Errorf(vocdesk.EINVALID, "customer_id must be a positive whole number")
		}
	}
	if v := q.Get("from"); v != "" {
		if f.From, err = parseTime("from", v); err != nil {
			return f, err
		}
	}
	if v := q.Get("to"); v != "" {
		if f.To, err = parseTime("to", v); err != nil {
			return f, err
		}
	}
	switch f.SLA = q.Get("sla"); f.SLA {
	case "", vocdesk.SLANone, vocdesk.SLAOK, vocdesk.SLADueSoon, vocdesk.SLABreached:
	default:
		return f, vocdesk.Errorf(vocdesk.EINVALID, "sla must be one of none, ok, due_soon, breached")
	}
	switch v := q.Get("escalated"); v {
	case "", "false":
	case "true":
		f.Escalated = true
	default:
		return f, vocdesk.Errorf(vocdesk.EINVALID, "escalated must be true or false")
	}
	switch f.Snoozed = q.Get("snoozed"); f.Snoozed {
	case vocdesk.SnoozedAny, vocdesk.SnoozedHide, vocdesk.SnoozedOnly:
	default:
		return f, vocdesk.Errorf(vocdesk.EINVALID, "snoozed must be hide or only")
	}
	switch f.Sort = q.Get("sort"); f.Sort {
	case "", "newest", "waiting", "due":
	default:
		return f, vocdesk.Errorf(vocdesk.EINVALID, "sort must be one of newest, waiting, due")
	}
	if f.Q != "" && f.Sort != "" && f.Sort != "newest" {
		return f, vocdesk.Errorf(vocdesk.EINVALID, "a search (q) is sorted newest first")
	}
	return f, nil
}
