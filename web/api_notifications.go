package web

import (
	"net/http"
	"strconv"

	"github.com/vocdesk/vocdesk"
)

// notificationJSON is one of the signed-in member's notifications: a
// teammate mentioned them in a note on an inquiry.
type notificationJSON struct {
	ID        int64   `json:"id"`
	Kind      string  `json:"kind"`
	InquiryID int64   `json:"inquiry_id"`
	MessageID int64   `json:"message_id"`
	Subject   string  `json:"subject"`
	By        string  `json:"by"`
	Excerpt   string  `json:"excerpt"`
	CreatedAt string  `json:"created_at"`
	ReadAt    *string `json:"read_at"`
}

func newNotificationJSON(n *vocdesk.Notification) notificationJSON {
	j := notificationJSON{ID: n.ID, Kind: string(n.Kind), InquiryID: n.InquiryID, MessageID: n.MessageID,
		Subject: n.Subject, By: n.ByName, Excerpt: n.Excerpt, CreatedAt: timeJSON(n.CreatedAt)}
	if n.ReadAt != nil {
		t := timeJSON(*n.ReadAt)
		j.ReadAt = &t
	}
	return j
}

func (s *Server) notifications() (vocdesk.NotificationService, error) {
	if s.svc.Notifications == nil {
		return nil, errNotFound
	}
	return s.svc.Notifications, nil
}

// listNotifications is GET /notifications[?unread=true][&limit=N]: the
// signed-in member's, newest first (API keys have none: 403).
func (s *Server) listNotifications(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.notifications()
	if err != nil {
		return err
	}
	var f vocdesk.NotificationFilter
	if v := r.URL.Query().Get("unread"); v != "" {
		if f.UnreadOnly, err = strconv.ParseBool(v); err != nil {
			return vocdesk.Errorf(vocdesk.EINVALID, "unread must be true or false")
		}
	}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	list, err := svc.FindNotifications(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, "", newNotificationJSON))
	return nil
}

// readNotification is POST /notifications/{id}/read; another member's is
// not found.
func (s *Server) readNotification(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.notifications()
	if err != nil {
		return err
	}
	id, err := parseID("notification", r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := svc.MarkRead(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// readAllNotifications is POST /notifications/read.
func (s *Server) readAllNotifications(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.notifications()
	if err != nil {
		return err
	}
	if err := svc.MarkRead(r.Context(), 0); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
