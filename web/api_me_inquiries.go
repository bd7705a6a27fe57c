package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// myInquiryJSON is an inquiry as its customer sees it: no assignee, tags,
// SLA or contacts, which are the developer's business. unread is set when
// the developer answered since the customer last opened it.
type myInquiryJSON struct {
	ID            int64  `json:"id"`
	Developer     string `json:"developer"`
	App           string `json:"app"`
	AppName       string `json:"app_name"`
	TxID          string `json:"txid"`
	Channel       string `json:"channel"`
	Category      string `json:"category"`
	Subject       string `json:"subject"`
	Status        string `json:"status"`
	Unread        bool   `json:"unread"`
	Rating        *int   `json:"rating"`
	RatingComment string `json:"rating_comment"`
	CreatedAt     string `json:"created_at"`
	UpdatedAt     string `json:"updated_at"`
	LastMessageAt string `json:"last_message_at"`
}

func newMyInquiryJSON(in *vocdesk.Inquiry) myInquiryJSON {
	return myInquiryJSON{
		ID: in.ID, Developer: in.DeveloperSlug, App: in.AppSlug, AppName: in.AppName, TxID: in.TxID,
		Channel: string(in.Channel), Category: string(in.Category), Subject: in.Subject, Status: string(in.Status),
		Unread: in.UnreadByCustomer, Rating: optionalRating(in.Rating), RatingComment: in.RatingComment,
		CreatedAt: timeJSON(in.CreatedAt), UpdatedAt: timeJSON(in.UpdatedAt), LastMessageAt: timeJSON(in.LastMessageAt),
	}
}

// myInquiryDetailJSON adds the thread, without internal notes, and, as My
// Page shows it, the inquiry it was merged into (null when it was not).
type myInquiryDetailJSON struct {
	myInquiryJSON
	MergedInto *myMergeJSON  `json:"merged_into"`
	Messages   []messageJSON `json:"messages"`
}

// myMergeJSON is the inquiry the customer's inquiry now lives in.
type myMergeJSON struct {
	ID      int64  `json:"id"`
	Subject string `json:"subject"`
}

func (s *Server) writeMyInquiry(w http.ResponseWriter, r *http.Request, status int, in *vocdesk.Inquiry) error {
	msgs, err := s.svc.Inquiries.FindMessages(r.Context(), in.ID)
	if err != nil {
		return err
	}
	out := myInquiryDetailJSON{myInquiryJSON: newMyInquiryJSON(in), Messages: newMessagesJSON(msgs)}
	if s.svc.Merges != nil {
		g, _, err := s.svc.Merges.FindMerges(r.Context(), in.ID)
		if err != nil {
			return err
		}
		if g != nil {
			out.MergedInto = &myMergeJSON{ID: g.SurvivorID, Subject: g.SurvivorSubject}
		}
	}
	writeJSON(w, status, out)
	return nil
}

// listMyInquiries is GET /me/inquiries: the customer's own, newest first.
func (s *Server) listMyInquiries(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.inquiries()
	if err != nil {
		return err
	}
	f, err := inquiryFilter(r, actorFrom(r), false)
	if err != nil {
		return err
	}
	list, next, err := svc.FindInquiries(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, next, newMyInquiryJSON))
	return nil
}

// createMyInquiry is POST /me/inquiries: the customer asks about a purchase
// (txid) or an app, on the store channel. Someone else's txid is 404, the
// same as one that does not exist.
func (s *Server) createMyInquiry(w http.ResponseWriter, r *http.Request) error {
	created, err := s.openInquiry(w, r, true)
	if err != nil {
		return err
	}
	return s.writeMyInquiry(w, r, http.StatusCreated, created)
}

// getMyInquiry is GET /me/inquiries/{id}; opening it clears the unread marker.
func (s *Server) getMyInquiry(w http.ResponseWriter, r *http.Request) error {
	svc, in, err := s.messageTarget(r)
	if err != nil {
		return err
	}
	if in.UnreadByCustomer {
		if err := svc.MarkRead(r.Context(), in.ID); err != nil {
			return err
		}
		in.UnreadByCustomer = false
	}
	return s.writeMyInquiry(w, r, http.StatusOK, in)
}

// addMyMessage is POST /me/inquiries/{id}/messages: the customer writes
// again, which reopens a resolved or closed inquiry.
func (s *Server) addMyMessage(w http.ResponseWriter, r *http.Request) error {
	return s.postMessage(w, r, false)
}

// solveMyInquiry is POST /me/inquiries/{id}/solve: the customer marks it
// solved (resolved), after which it may be rated.
func (s *Server) solveMyInquiry(w http.ResponseWriter, r *http.Request) error {
	svc, in, err := s.messageTarget(r)
	if err != nil {
		return err
	}
	resolved := vocdesk.InquiryResolved
	updated, err := svc.UpdateInquiry(r.Context(), in.ID, vocdesk.InquiryUpdate{Status: &resolved})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newMyInquiryJSON(updated))
	return nil
}

// ratingRequest is the customer's rating of a resolved inquiry.
type ratingRequest struct {
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
}

// rateMyInquiry is POST /me/inquiries/{id}/rating; rating again replaces it.
func (s *Server) rateMyInquiry(w http.ResponseWriter, r *http.Request) error {
	svc, in, err := s.messageTarget(r)
	if err != nil {
		return err
	}
	var req ratingRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Rating < 1 || req.Rating > 5 {
		return vocdesk.Errorf(vocdesk.EINVALID, "rating must be a whole number from 1 to 5")
	}
	if err := svc.RateInquiry(r.Context(), in.ID, req.Rating, req.Comment); err != nil {
		return err
	}
	rated, err := svc.FindInquiryByID(r.Context(), in.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newMyInquiryJSON(rated))
	return nil
}
