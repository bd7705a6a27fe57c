package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
)

// inquiryJSON is an inquiry as the developer and the store see it: the
// workflow fields (assignee, tags, SLA) included, contacts masked for
// viewers by the service.
type inquiryJSON struct {
	ID           int64  `json:"id"`
	Developer    string `json:"developer"`
	App          string `json:"app"`
	AppName      string `json:"app_name"`
	CustomerID   *int64 `json:"customer_id"`
	CustomerName string `json:"customer_name"`
	ContactEmail string `json:"contact_email"`
	ContactPhone string `json:"contact_phone"`
	TxID         string `json:"txid"`
	// IDsWithheld tells the developer that the caller of a phone inquiry
	// did not agree to hand over their payment ids and contacts: the
	// empty customer, txid and contact fields are withheld, not missing.
	IDsWithheld     bool     `json:"ids_withheld"`
	Channel         string   `json:"channel"`
	Category        string   `json:"category"`
	Subject         string   `json:"subject"`
	Status          string   `json:"status"`
	AssigneeID      *int64   `json:"assignee_id"`
	AssigneeName    string   `json:"assignee_name"`
	Tags            []string `json:"tags"`
	Priority        string   `json:"priority"`
	Rating          *int     `json:"rating"`
	RatingComment   string   `json:"rating_comment"`
	Unread          bool     `json:"unread"`
	SLA             string   `json:"sla"`
	CreatedAt       string   `json:"created_at"`
	UpdatedAt       string   `json:"updated_at"`
	LastMessageAt   string   `json:"last_message_at"`
	FirstResponseAt *string  `json:"first_response_at"`
	WaitingSince    *string  `json:"waiting_since"`
	DueAt           *string  `json:"due_at"`
	EscalatedAt     *string  `json:"escalated_at"`
}

func optionalID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func optionalRating(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

// newInquiryJSON converts for staff; unread is the developer's marker.
func newInquiryJSON(in *vocdesk.Inquiry) inquiryJSON {
	tags := in.Tags
	if tags == nil {
		tags = []string{}
	}
	return inquiryJSON{
		ID: in.ID, Developer: in.DeveloperSlug, App: in.AppSlug, AppName: in.AppName,
		CustomerID: optionalID(in.CustomerID), CustomerName: in.CustomerName,
		ContactEmail: in.ContactEmail, ContactPhone: in.ContactPhone, TxID: in.TxID, IDsWithheld: in.WithholdIDs,
		Channel: string(in.Channel), Category: string(in.Category), Subject: in.Subject, Status: string(in.Status),
		AssigneeID: optionalID(in.AssigneeID), AssigneeName: in.AssigneeName, Tags: tags, Priority: string(in.Priority),
		Rating: optionalRating(in.Rating), RatingComment: in.RatingComment,
		Unread: in.UnreadByDeveloper, SLA: in.SLAState(time.Now()),
		CreatedAt: timeJSON(in.CreatedAt), UpdatedAt: timeJSON(in.UpdatedAt), LastMessageAt: timeJSON(in.LastMessageAt),
		FirstResponseAt: timePtrJSON(in.FirstResponseAt), WaitingSince: timePtrJSON(in.WaitingSince),
		DueAt: timePtrJSON(in.DueAt), EscalatedAt: timePtrJSON(in.EscalatedAt),
	}
}

// attachmentJSON is a file's metadata; its bytes are at url, for the
// parties of the inquiry only.
type attachmentJSON struct {
	ID          int64  `json:"id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
}

// messageJSON is one entry of a thread. Bodies are returned exactly as
// written: they are plain text, and escaping them is the page's business.
type messageJSON struct {
	ID          int64             `json:"id"`
	Author      string            `json:"author"`
	AuthorName  string            `json:"author_name"`
	Body        string            `json:"body"`
	Internal    bool              `json:"internal"`
	Attachments []attachmentJSON  `json:"attachments"`
	CreatedAt   string            `json:"created_at"`
	Email       *mailDeliveryJSON `json:"email,omitempty"` // an answer's email delivery (api_mail.go)
	// Social is an answer's delivery to the social connector (api_social.go).
	Social *socialDeliveryJSON `json:"social,omitempty"`
	// Event is a system message's event, for clients that word it in
	// their reader's language; Body holds it in English.
	Event *vocdesk.MessageEvent `json:"event,omitempty"`
}

func newMessageJSON(m *vocdesk.Message) messageJSON {
	out := messageJSON{ID: m.ID, Author: string(m.Author), AuthorName: m.AuthorName, Body: m.Body,
		Internal: m.Internal, Attachments: make([]attachmentJSON, 0, len(m.Attachments)), CreatedAt: timeJSON(m.CreatedAt), Event: m.Event}
	for _, f := range m.Attachments {
		out.Attachments = append(out.Attachments, attachmentJSON{ID: f.ID, Filename: f.Filename,
			ContentType: f.ContentType, Size: f.Size, URL: attachmentURL(f.ID)})
	}
	return out
}

func newMessagesJSON(ms []*vocdesk.Message) []messageJSON {
	out := make([]messageJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, newMessageJSON(m))
	}
	return out
}

// snippetPart is a piece of a search snippet; highlight marks the matches.
// Parts rather than markup: a body may hold anything, "<mark>" included,
// so only structure can say where a match is.
type snippetPart struct {
	Text      string `json:"text"`
	Highlight bool   `json:"highlight"`
}

// splitSnippet turns the service's marked snippet into parts.
func splitSnippet(s string) []snippetPart {
	parts := []snippetPart{}
	hl := false
	for s != "" {
		marker := vocdesk.HighlightStart
		if hl {
			marker = vocdesk.HighlightEnd
		}
		text, rest, found := strings.Cut(s, marker)
		if text != "" {
			parts = append(parts, snippetPart{Text: text, Highlight: hl})
		}
		if !found {
			break
		}
		s, hl = rest, !hl
	}
	return parts
}

// inquiryItemJSON is a line of the inbox: a search adds the snippet.
type inquiryItemJSON struct {
	inquiryJSON
	Snippet []snippetPart `json:"snippet,omitempty"`
}

// inquiryDetailJSON is one inquiry in the console: the thread, and the
// customer panel (their purchases of this developer's apps, their other
// inquiries with this developer).
type inquiryDetailJSON struct {
	inquiryJSON
	Messages          []messageJSON  `json:"messages"`
	CustomerPurchases []purchaseJSON `json:"customer_purchases"`
	CustomerInquiries []inquiryJSON  `json:"customer_inquiries"`
}

// inquiries is the desk service; without it (an interface built without
// the desk) its routes answer like routes that do not exist.
func (s *Server) inquiries() (vocdesk.InquiryService, error) {
	if s.svc.Inquiries == nil {
		return nil, errNotFound
	}
	return s.svc.Inquiries, nil
}

func (s *Server) desk() (vocdesk.DeskService, error) {
	if s.svc.Desk == nil {
		return nil, errNotFound
	}
	return s.svc.Desk, nil
}

// listInquiries is the inbox: GET /inquiries with filters and sorts; with q
// it is a full-text search whose items carry highlighted snippets.
func (s *Server) listInquiries(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.inquiries()
	if err != nil {
		return err
	}
	f, err := inquiryFilter(r, actorFrom(r), true)
	if err != nil {
		return err
	}
	if f.Q != "" {
		hits, next, err := svc.SearchInquiries(r.Context(), f)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, newList(hits, next, func(h *vocdesk.SearchHit) inquiryItemJSON {
			return inquiryItemJSON{inquiryJSON: newInquiryJSON(h.Inquiry), Snippet: splitSnippet(h.Snippet)}
		}))
		return nil
	}
	list, next, err := svc.FindInquiries(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, next, func(in *vocdesk.Inquiry) inquiryItemJSON {
		return inquiryItemJSON{inquiryJSON: newInquiryJSON(in)}
	}))
	return nil
}

// countsJSON holds the inbox's tabs: inquiries per status, and the total.
type countsJSON struct {
	New               int `json:"new"`
	Open              int `json:"open"`
	WaitingOnCustomer int `json:"waiting_on_customer"`
	Resolved          int `json:"resolved"`
	Closed            int `json:"closed"`
	Total             int `json:"total"`
}

// countInquiries is GET /inquiries/counts: the list's filters, per status.
func (s *Server) countInquiries(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.inquiries()
	if err != nil {
		return err
	}
	f, err := inquiryFilter(r, actorFrom(r), true)
	if err != nil {
		return err
	}
	if f.Q != "" {
		return vocdesk.Errorf(vocdesk.EINVALID, "counts take the list's filters but not q")
	}
	m, err := svc.CountInquiries(r.Context(), f)
	if err != nil {
		return err
	}
	c := countsJSON{New: m[vocdesk.InquiryNew], Open: m[vocdesk.InquiryOpen], WaitingOnCustomer: m[vocdesk.InquiryWaitingOnCustomer],
		Resolved: m[vocdesk.InquiryResolved], Closed: m[vocdesk.InquiryClosed]}
	c.Total = c.New + c.Open + c.WaitingOnCustomer + c.Resolved + c.Closed
	writeJSON(w, http.StatusOK, c)
	return nil
}

// getInquiry is GET /inquiries/{id}. A member opening it clears the
// developer's unread marker; an API key (an integration reading) does not.
func (s *Server) getInquiry(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.inquiries()
	if err != nil {
		return err
	}
	id, err := parseID("inquiry", r.PathValue("id"))
	if err != nil {
		return err
	}
	in, msgs, err := svc.FindThread(r.Context(), id)
	if err != nil {
		return err
	}
	if a := actorFrom(r); a.IsDeveloper() && a.MemberID != 0 && in.UnreadByDeveloper {
		if err := svc.MarkRead(r.Context(), id); err != nil {
			return err
		}
		in.UnreadByDeveloper = false
	}
	return s.writeInquiryDetail(w, r, http.StatusOK, in, msgs)
}

// panelSize bounds the customer panel's lists.
const panelSize = 50

// writeInquiryDetail answers with the inquiry, its thread and the customer
// panel, all read in the caller's scope.
func (s *Server) writeInquiryDetail(w http.ResponseWriter, r *http.Request, status int, in *vocdesk.Inquiry, msgs []*vocdesk.Message) error {
	ctx := r.Context()
	out := inquiryDetailJSON{inquiryJSON: newInquiryJSON(in), Messages: newMessagesJSON(msgs)}
	if err := s.addDeliveries(ctx, in.ID, out.Messages); err != nil {
		return err
	}
	if err := s.addSocialDeliveries(ctx, in.ID, out.Messages); err != nil {
		return err
	}
	var err error
	out.CustomerPurchases, out.CustomerInquiries, err = s.customerPanel(ctx, in.CustomerID, in.DeveloperID, in.ID)
	if err != nil {
		return err
	}
	writeJSON(w, status, out)
	return nil
}

// customerPanel is what a developer sees beside an inquiry or a review:
// the customer's purchases of the developer's apps and their inquiries with
// it (but the inquiry except), read in the caller's scope. It is about this
// developer only, even for operators, who may see every developer's
// purchases: filtered by developer, a few pages at most.
func (s *Server) customerPanel(ctx context.Context, customerID, developerID, except int64) ([]purchaseJSON, []inquiryJSON, error) {
	purchases, inquiries := []purchaseJSON{}, []inquiryJSON{}
	if customerID == 0 {
		return purchases, inquiries, nil
	}
	cursor := ""
	for range 4 {
		ps, next, err := s.svc.Purchases.FindPurchases(ctx, vocdesk.PurchaseFilter{CustomerID: customerID, Cursor: cursor, Limit: maxLimit})
		if err != nil {
			return nil, nil, err
		}
		for _, p := range ps {
			if p.DeveloperID == developerID && len(purchases) < panelSize {
				purchases = append(purchases, newPurchaseJSON(p))
			}
		}
		if next == "" || len(purchases) >= panelSize {
			break
		}
		cursor = next
	}
	if s.svc.Inquiries == nil {
		return purchases, inquiries, nil
	}
	earlier, _, err := s.svc.Inquiries.FindInquiries(ctx, vocdesk.InquiryFilter{CustomerID: customerID, Limit: maxLimit})
	if err != nil {
		return nil, nil, err
	}
	for _, e := range earlier {
		if e.ID != except && e.DeveloperID == developerID && len(inquiries) < panelSize {
			inquiries = append(inquiries, newInquiryJSON(e))
		}
	}
	return purchases, inquiries, nil
}

// createInquiry is POST /inquiries: a developer's integration (channel api,
// its own apps' customers) or the store's call centre and social team
// (phone, social, email, api; any customer) opens an inquiry.
func (s *Server) createInquiry(w http.ResponseWriter, r *http.Request) error {
	created, err := s.openInquiry(w, r, false)
	if err != nil {
		return err
	}
	msgs, err := s.svc.Inquiries.FindMessages(r.Context(), created.ID)
	if err != nil {
		return err
	}
	return s.writeInquiryDetail(w, r, http.StatusCreated, created, msgs)
}

// openInquiry decodes a new inquiry (a customer's own with mine), creates
// it and reads it back with the names the answer shows.
func (s *Server) openInquiry(w http.ResponseWriter, r *http.Request, mine bool) (*vocdesk.Inquiry, error) {
	svc, err := s.inquiries()
	if err != nil {
		return nil, err
	}
	in, first, err := decodeCreateInquiry(w, r, mine)
	if err != nil {
		return nil, err
	}
	if err := svc.CreateInquiry(r.Context(), in, first); err != nil {
		return nil, err
	}
	return svc.FindInquiryByID(r.Context(), in.ID)
}
