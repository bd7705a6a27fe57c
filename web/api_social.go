package web

import (
	"bytes"
	"context"

	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/webhooks"
)

// The social networks' API: the developer's connectors, and the intake
// their connectors post to, signed per Standard Webhooks with the
// connector's own secret (no bearer token: the signature is the credential).

type connectorJSON struct {
	ID        int64  `json:"id"`
	Network   string `json:"network"`
	Name      string `json:"name"`
	App       string `json:"app"`
	ReplyURL  string `json:"reply_url"`
	Secret    string `json:"secret,omitempty"` // on creation only
	CreatedAt string `json:"created_at"`
}

func newConnectorJSON(c *vocdesk.SocialConnector) connectorJSON {
	return connectorJSON{ID: c.ID, Network: c.Network, Name: c.Name, App: c.AppSlug, ReplyURL: c.ReplyURL,
		Secret: c.Secret, CreatedAt: timeJSON(c.CreatedAt)}
}

func (s *Server) social() (vocdesk.SocialService, error) {
	if s.svc.Social == nil {
		return nil, errNotFound
	}
	return s.svc.Social, nil
}

// listConnectors is GET /social-connectors: the developer's own.
func (s *Server) listConnectors(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.social()
	if err != nil {
		return err
	}
	list, err := svc.FindConnectors(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, "", newConnectorJSON))
	return nil
}

type createConnectorJSON struct {
	Network  string `json:"network"`
	Name     string `json:"name"`
	App      string `json:"app"`
	ReplyURL string `json:"reply_url"`
}

// createConnector is POST /social-connectors (admins): the answer carries
// the connector's secret, the one time it is shown.
func (s *Server) createConnector(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.social()
	if err != nil {
		return err
	}
	var in createConnectorJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c := &vocdesk.SocialConnector{Network: in.Network, Name: in.Name, AppSlug: in.App, ReplyURL: in.ReplyURL}
	if c.ReplyURL != "" {
		if err := s.checkWebhookURL(r.Context(), c.ReplyURL); err != nil {
			return err
		}
	}
	if err := svc.CreateConnector(r.Context(), c); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newConnectorJSON(c))
	return nil
}

// deleteConnector is DELETE /social-connectors/{id} (admins).
func (s *Server) deleteConnector(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.social()
	if err != nil {
		return err
	}
	id, err := parseID("connector", r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := svc.DeleteConnector(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// socialPostJSON is the body of POST /intake/social.
type socialPostJSON struct {
	Connector     int64  `json:"connector"`
	Network       string `json:"network"`
	Handle        string `json:"handle"`
	Message       string `json:"message"`
	URL           string `json:"url"`
	CustomerEmail string `json:"customer_email"`
	ExternalID    string `json:"external_id"`
}

// decodeSocialPost reads the intake's body: the raw bytes (for the
// signature) and the post, under decodeJSON's rules (1 MiB, UTF-8, no
// unknown fields, one object).
func decodeSocialPost(w http.ResponseWriter, r *http.Request) ([]byte, *vocdesk.SocialPost, error) {
	if r.ContentLength > maxBodyBytes {
		return nil, nil, tooLarge()
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, nil, tooLarge()
		}
		return nil, nil, vocdesk.Errorf(vocdesk.EINVALID, "request body could not be read")
	}
	r.Body = io.NopCloser(bytes.NewReader(raw))
	var in socialPostJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return nil, nil, err
	}
	if in.Connector <= 0 {
		return nil, nil, vocdesk.Errorf(vocdesk.EINVALID, "connector (the connector's id) is required")
	}
	return raw, &vocdesk.SocialPost{ConnectorID: in.Connector, Network: in.Network, Handle: in.Handle, Message: in.Message,
		URL: in.URL, CustomerEmail: in.CustomerEmail, ExternalID: in.ExternalID}, nil
}

// DecodeSocialPost decodes POST /intake/social, for the fuzz targets.
func DecodeSocialPost(r *http.Request) ([]byte, *vocdesk.SocialPost, error) {
	return decodeSocialPost(nil, r)
}

// intakeJSON answers a post.
type intakeJSON struct {
	InquiryID int64 `json:"inquiry_id"`
	MessageID int64 `json:"message_id"`
	Continued bool  `json:"continued"`
	Duplicate bool  `json:"duplicate"`
}

// socialIntake is POST /intake/social: a connector relays a customer's
// post, within its allowance (429 with Retry-After past it). The order of checks answers each kind of mistake clearly without
// saying which connectors exist: headers first (401), then the body (400),
// then the signature with the named connector's secret, where an unknown
// connector reads exactly as a wrong signature (401). A post is 201 when it
// opened an inquiry, 200 when it joined one or was a repeat of an earlier
// webhook-id (stored once).
func (s *Server) socialIntake(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.social()
	if err != nil {
		return err
	}
	if r.Header.Get("webhook-id") == "" || r.Header.Get("webhook-timestamp") == "" || r.Header.Get("webhook-signature") == "" {
		return unauthorized(webhooks.ErrMissingHeaders)
	}
	raw, post, err := decodeSocialPost(w, r)
	if err != nil {
		return err
	}
	sys := vocdesk.NewContextWithActor(r.Context(), vocdesk.SystemActor())
	c, err := svc.ConnectorForIntake(sys, post.ConnectorID)
	if vocdesk.ErrorCode(err) == vocdesk.ENOTFOUND {
		return unauthorized(webhooks.ErrBadSignature)
	} else if err != nil {
		return err
	}
	id, err := webhooks.Verify(c.Secret, r.Header, raw, time.Now(), webhooks.Tolerance)
	if err != nil {
		return unauthorized(err)
	}
	// Counted once the signature holds, so that nobody without the secret
	// can spend a connector's allowance and shut its real posts out.
	if ok, wait := s.socialLimiter.Reserve("social:" + strconv.FormatInt(c.ID, 10)); !ok {
		w.Header().Set("Retry-After", retryAfter(wait))
		return vocdesk.Errorf(vocdesk.ERATELIMITED, "too many posts from this connector; try again in %s seconds", retryAfter(wait))
	}
	got, err := svc.ReceivePost(sys, post, id)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if got.Continued || got.Duplicate {
		status = http.StatusOK
	}
	writeJSON(w, status, intakeJSON{InquiryID: got.InquiryID, MessageID: got.MessageID, Continued: got.Continued, Duplicate: got.Duplicate})
	return nil
}

func unauthorized(err error) error {
	return vocdesk.Errorf(vocdesk.EUNAUTHORIZED, "%s", err.Error())
}

// socialDeliveryJSON is how an answer's delivery to the connector went.
type socialDeliveryJSON struct {
	State      string `json:"state"`
	Attempts   int    `json:"attempts"`
	LastStatus int    `json:"last_status"`
	LastError  string `json:"last_error"`
	UpdatedAt  string `json:"updated_at"`
}

// addSocialDeliveries puts each answer's delivery to its connector beside
// it in a thread, for the desk's side (the service shows customers none).
func (s *Server) addSocialDeliveries(ctx context.Context, inquiryID int64, msgs []messageJSON) error {
	if s.svc.Social == nil {
		return nil
	}
	ds, err := s.svc.Social.FindReplyDeliveries(ctx, inquiryID)
	if err != nil || len(ds) == 0 {
		return err
	}
	for i := range msgs {
		if d, ok := ds[msgs[i].ID]; ok {
			msgs[i].Social = &socialDeliveryJSON{State: d.State, Attempts: d.Attempts, LastStatus: d.LastStatus,
				LastError: d.LastError, UpdatedAt: timeJSON(d.UpdatedAt)}
		}
	}
	return nil
}
