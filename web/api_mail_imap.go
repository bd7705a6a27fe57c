package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// imap is the service behind a developer's IMAP mailbox routes; without it
// they answer like routes that do not exist.
func (s *Server) imap() (vocdesk.IMAPService, error) {
	if s.svc.IMAP == nil {
		return nil, errNotFound
	}
	return s.svc.IMAP, nil
}

// imapMailboxJSON is a developer's polled mailbox: the settings without the
// password (has_password says whether one is stored) and how polling goes.
type imapMailboxJSON struct {
	Developer   string  `json:"developer"`
	Addr        string  `json:"addr"`
	Security    string  `json:"security"`
	Username    string  `json:"username"`
	HasPassword bool    `json:"has_password"`
	Mailbox     string  `json:"mailbox"`
	Enabled     bool    `json:"enabled"`
	UIDValidity uint32  `json:"uid_validity"`
	LastUID     uint32  `json:"last_uid"`
	Fetched     int64   `json:"fetched"`
	LastPollAt  *string `json:"last_poll_at"`
	LastOKAt    *string `json:"last_ok_at"`
	LastError   string  `json:"last_error"`
	Failures    int     `json:"failures"`
	NextPollAt  *string `json:"next_poll_at"`
	UpdatedAt   string  `json:"updated_at"`
}

func newIMAPMailboxJSON(mb *vocdesk.IMAPMailbox) imapMailboxJSON {
	j := imapMailboxJSON{Developer: mb.DeveloperSlug, Addr: mb.Addr, Security: string(mb.Security), Username: mb.Username,
		HasPassword: mb.HasPassword, Mailbox: mb.Mailbox, Enabled: mb.Enabled, UIDValidity: mb.UIDValidity, LastUID: mb.LastUID,
		Fetched: mb.Fetched, LastPollAt: timePtrJSON(mb.LastPollAt), LastOKAt: timePtrJSON(mb.LastOKAt), LastError: mb.LastError,
		Failures: mb.Failures, UpdatedAt: timeJSON(mb.UpdatedAt)}
	if mb.Enabled {
		j.NextPollAt = timePtrJSON(&mb.NextPollAt)
	}
	return j
}

// getIMAPMailbox is GET /developers/{slug}/imap.
func (s *Server) getIMAPMailbox(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.imap()
	if err != nil {
		return err
	}
	mb, err := svc.IMAPMailbox(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newIMAPMailboxJSON(mb))
	return nil
}

// setIMAPRequest is PUT /developers/{slug}/imap's body. The password may
// be left out to keep the stored one; enabled defaults to true.
type setIMAPRequest struct {
	Addr     string `json:"addr"`
	Security string `json:"security"`
	Username string `json:"username"`
	Password string `json:"password"`
	Mailbox  string `json:"mailbox"`
	Enabled  *bool  `json:"enabled"`
}

// putIMAPMailbox is PUT /developers/{slug}/imap: owners and admins of the
// developer, and operators. Saving polls at once when enabled.
func (s *Server) putIMAPMailbox(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.imap()
	if err != nil {
		return err
	}
	var req setIMAPRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	set := &vocdesk.IMAPSettings{Addr: req.Addr, Security: vocdesk.IMAPSecurity(req.Security), Username: req.Username,
		Password: req.Password, Mailbox: req.Mailbox, Enabled: req.Enabled == nil || *req.Enabled}
	mb, err := svc.SetIMAPMailbox(r.Context(), r.PathValue("slug"), set)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newIMAPMailboxJSON(mb))
	return nil
}

// deleteIMAPMailbox is DELETE /developers/{slug}/imap: polling stops and
// the password is forgotten; the mail already taken in stays.
func (s *Server) deleteIMAPMailbox(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.imap()
	if err != nil {
		return err
	}
	if err := svc.DeleteIMAPMailbox(r.Context(), r.PathValue("slug")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
