package vocdesk

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Social networks: a developer connects each network account it answers on
// (a bot, a relay service, its own integration) as a connector. The
// connector posts what customers write to POST /api/v1/intake/social,
// signed per Standard Webhooks with the connector's own secret; the desk's
// replies go back to the connector's reply URL, signed the same way.

// SocialConnector is one developer's account on one network.
type SocialConnector struct {
	ID          int64
	DeveloperID int64
	Network     string // "x", "instagram", "facebook", "kakao", ...: a lowercase name
	Name        string // how the console shows it ("@ourgame on X")
	AppSlug     string // the app its inquiries are about
	AppName     string // the app's name, as the console lists the connector
	ReplyURL    string // where replies are delivered; "" keeps them in the desk
	// Secret signs intake and replies ("whsec_" and base64). It is set
	// only on the connector CreateConnector returns (shown once) and for
	// the system's intake and delivery.
	Secret    string
	CreatedAt time.Time
}

var networkName = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,31}$`)

// MaxSocialHandle bounds a handle; MaxConnectorName a connector's name.
const (
	MaxSocialHandle  = 100
	MaxConnectorName = 100
)

// Validate checks a new connector's fields.
func (c *SocialConnector) Validate() error {
	c.Network = strings.ToLower(strings.TrimSpace(c.Network))
	c.Name, c.ReplyURL = strings.TrimSpace(c.Name), strings.TrimSpace(c.ReplyURL)
	switch {
	case !networkName.MatchString(c.Network):
		return Errorf(EINVALID, "network must be a lowercase name such as x, instagram, facebook or kakao")
	case c.Name == "" || len([]rune(c.Name)) > MaxConnectorName:
		return Errorf(EINVALID, "name is required (at most %d characters)", MaxConnectorName)
	case strings.TrimSpace(c.AppSlug) == "":
		return Errorf(EINVALID, "app is required")
	}
	if c.ReplyURL != "" {
		if err := ValidateWebhookURL(c.ReplyURL); err != nil {
			return Errorf(EINVALID, "reply_url must be an absolute http or https URL")
		}
	}
	return CheckText("name", c.Name)
}

// SocialPost is one message a customer wrote on a network, as the
// connector relays it.
type SocialPost struct {
	ConnectorID   int64
	Network       string
	Handle        string // the customer's handle on the network
	Message       string
	URL           string // where the post is on the network; optional
	CustomerEmail string // optional: links a store customer
	ExternalID    string // the network's id of the post; optional
}

// NormalHandle is a handle as threads compare it: trimmed, without a
// leading "@", case folded (networks treat handles so).
func NormalHandle(h string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(h), "@"))
}

// Validate checks a post's own fields.
func (p *SocialPost) Validate() error {
	h := NormalHandle(p.Handle)
	switch {
	case p.ConnectorID <= 0:
		return Errorf(EINVALID, "connector is required")
	case h == "" || len([]rune(h)) > MaxSocialHandle:
		return Errorf(EINVALID, "handle is required (at most %d characters)", MaxSocialHandle)
	case len(p.URL) > 2000 || len(p.ExternalID) > 200:
		return Errorf(EINVALID, "url is at most 2000 and external_id at most 200 characters")
	case p.CustomerEmail != "" && !ValidEmail(p.CustomerEmail):
		return Errorf(EINVALID, "customer_email is not a valid address")
	}
	if err := CheckText("handle", p.Handle); err != nil {
		return err
	}
	if err := CheckText("url", p.URL); err != nil {
		return err
	}
	if err := CheckText("external_id", p.ExternalID); err != nil {
		return err
	}
	return ValidateBody(p.Message)
}

// SocialIntake is what a post became.
type SocialIntake struct {
	InquiryID int64
	MessageID int64
	Continued bool // it joined the open inquiry of its handle
	Duplicate bool // its webhook-id was seen before: nothing new was stored
}

// Social reply delivery states, shown beside the reply in the thread.
const (
	SocialQueued    = "queued"
	SocialDelivered = "delivered"
	SocialRetrying  = "retrying"
	SocialFailed    = "failed"
)

// JobSocialReply delivers one reply to its connector; its payload is
// {"message_ref": N}.
const JobSocialReply = "social.reply"

// SocialDelivery is the delivery of one desk reply to a connector.
type SocialDelivery struct {
	MessageRef int64
	InquiryID  int64
	State      string
	Attempts   int
	LastStatus int // HTTP status of the last attempt; 0 when none came
	LastError  string
	// LastReason and LastArgs are LastError's kind and values (netfail),
	// for pages; "" when unknown or kept before kinds were.
	LastReason string
	LastArgs   []string
	UpdatedAt  time.Time
}

// SocialAttempt is one try at delivering a reply.
type SocialAttempt struct {
	Status int    // the HTTP status; 0 when none came
	Error  string // in English, as the API answers it; "" when delivered
	// Reason and Args are Error's kind and values (netfail), for pages.
	Reason string
	Args   []string
}

// SocialReply is a reply on its way out, for the delivery job.
type SocialReply struct {
	EventID string // the webhook-id: the same for every attempt
	URL     string
	Secret  string
	Body    []byte
}

// SocialService keeps connectors, takes in posts and delivers replies.
type SocialService interface {
	// CreateConnector adds a connector for the actor's developer (admins)
	// and returns it with its secret, the one time it is shown.
	CreateConnector(ctx context.Context, c *SocialConnector) error
	// FindConnectors lists the developer's connectors, without secrets.
	FindConnectors(ctx context.Context) ([]*SocialConnector, error)
	// SetReplyURL changes where a connector's replies go (admins).
	SetReplyURL(ctx context.Context, id int64, replyURL string) (*SocialConnector, error)
	// DeleteConnector removes a connector (admins); its inquiries stay.
	DeleteConnector(ctx context.Context, id int64) error

	// ConnectorForIntake returns a connector with its secret, for the
	// intake's signature check. The system only; ENOTFOUND when none.
	ConnectorForIntake(ctx context.Context, id int64) (*SocialConnector, error)
	// ReceivePost stores a verified post: a new social inquiry, or a
	// message on the open one (not closed) of the same connector and
	// handle. webhookID makes it once: the same id again changes nothing
	// and answers what the first did. The system only.
	ReceivePost(ctx context.Context, p *SocialPost, webhookID string) (*SocialIntake, error)

	// ReplyForSending returns a reply's delivery; nil when there is none
	// (the connector was deleted or has no reply URL). The system only.
	ReplyForSending(ctx context.Context, messageRef int64) (*SocialReply, error)
	// RecordReply notes one attempt's outcome. The system only.
	RecordReply(ctx context.Context, messageRef int64, a SocialAttempt, delivered, final bool) error
	// FindReplyDeliveries returns the deliveries of an inquiry's replies,
	// by message, to the desk's side (never to customers).
	FindReplyDeliveries(ctx context.Context, inquiryID int64) (map[int64]*SocialDelivery, error)
	// FindSocialThread returns where a social inquiry's conversation is
	// (network, connector, handle, the first post's URL), to the desk's
	// side; nil for any other inquiry, and for customers.
	FindSocialThread(ctx context.Context, inquiryID int64) (*SocialThread, error)
}

// SocialThread is the social conversation an inquiry holds.
type SocialThread struct {
	InquiryID int64
	Network   string
	Connector string // the connector's name, e.g. "@ourgame"
	Handle    string
	URL       string // the first post's address as the connector sent it: not checked, show it only as SafeURL allows
}

// SafeURL is t.URL when it is an absolute http or https address, else "":
// the connector's words, never to become a javascript: or data: link.
func (t *SocialThread) SafeURL() string {
	u, err := url.Parse(t.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}
