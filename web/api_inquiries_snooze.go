package web

import (
	"net/http"
	"time"

	"github.com/vocdesk/vocdesk"
)

// snoozeJSON is a snooze as the API shows it; until is null for "until
// the customer replies".
type snoozeJSON struct {
	Until     *string `json:"until"`
	By        string  `json:"by"`
	CreatedAt string  `json:"created_at"`
}

func (s *Server) snoozes() (vocdesk.SnoozeService, error) {
	if s.svc.Snoozes == nil {
		return nil, errNotFound
	}
	return s.svc.Snoozes, nil
}

// snoozeRequest is the body of PUT /inquiries/{id}/snooze: a time, or
// until_reply alone.
type snoozeRequest struct {
	Until      *string `json:"until"`
	UntilReply bool    `json:"until_reply"`
}

// decodeSnooze reads PUT /inquiries/{id}/snooze; nil means until the
// customer replies.
func decodeSnooze(w http.ResponseWriter, r *http.Request) (*time.Time, error) {
	var req snoozeRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return nil, err
	}
	switch {
	case req.Until == nil && !req.UntilReply:
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "until (an RFC 3339 time) or until_reply (true) is required")
	case req.Until != nil && req.UntilReply:
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "until and until_reply exclude each other; a customer's reply wakes any snooze")
	case req.UntilReply:
		return nil, nil
	}
	t, err := parseTime("until", *req.Until)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

func (s *Server) snoozeTarget(r *http.Request) (vocdesk.SnoozeService, int64, error) {
	svc, err := s.snoozes()
	if err != nil {
		return nil, 0, err
	}
	id, err := parseID("inquiry", r.PathValue("id"))
	return svc, id, err
}

// putSnooze is PUT /inquiries/{id}/snooze.
func (s *Server) putSnooze(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.snoozeTarget(r)
	if err != nil {
		return err
	}
	until, err := decodeSnooze(w, r)
	if err != nil {
		return err
	}
	sn, err := svc.SnoozeInquiry(r.Context(), id, until)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, snoozeJSON{Until: timePtrJSON(sn.Until), By: sn.ByName, CreatedAt: timeJSON(sn.CreatedAt)})
	return nil
}

// getSnooze is GET /inquiries/{id}/snooze: 404 when the inquiry is awake.
func (s *Server) getSnooze(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.snoozeTarget(r)
	if err != nil {
		return err
	}
	sn, err := svc.FindSnooze(r.Context(), id)
	if err != nil {
		return err
	}
	if sn == nil {
		return vocdesk.NotFound("snooze")
	}
	writeJSON(w, http.StatusOK, snoozeJSON{Until: timePtrJSON(sn.Until), By: sn.ByName, CreatedAt: timeJSON(sn.CreatedAt)})
	return nil
}

// deleteSnooze is DELETE /inquiries/{id}/snooze: wake it now.
func (s *Server) deleteSnooze(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.snoozeTarget(r)
	if err != nil {
		return err
	}
	if err := svc.UnsnoozeInquiry(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
