package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/netfail"
)

// PollerConfig is the IMAP poller's settings.
type PollerConfig struct {
	Domain string // the desk's mail domain, to recognise its own mail; may be ""
	// AllowPlain lets a mailbox with security "none" be polled on any host;
	// without it only loopback hosts (tests, a local proxy) are.
	AllowPlain bool
	MaxBytes   int64         // a larger message is kept cut at this size, as unparsed
	Batch      int           // messages taken per poll; the rest on the next, soon after
	Timeout    time.Duration // bounds one poll: dial, sign-in and fetches
	// TLSConfig, when set, is used for tls and starttls (tests trust their
	// own certificate with it); nil verifies against the system's roots.
	TLSConfig *tls.Config
}

// Defaults of the poller.
const (
	DefaultIMAPBatch   = 200
	defaultIMAPTimeout = 25 * time.Second
	// imapFetchChunk messages are fetched per FETCH: few enough that a
	// chunk of large messages stays small in memory.
	imapFetchChunk = 10
)

// Poller fetches new mail from developers' IMAP mailboxes and hands each
// message to the same intake as the SMTP listener.
type Poller struct {
	cfg   PollerConfig
	store vocdesk.IMAPService
}

// NewPoller returns a poller that stores into store.
func NewPoller(cfg PollerConfig, store vocdesk.IMAPService) *Poller {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultIMAPBatch
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultIMAPTimeout
	}
	return &Poller{cfg: cfg, store: store}
}

// PollResult is what one poll did.
type PollResult struct {
	Stored int  // messages stored (whatever their outcome)
	More   bool // new messages remain past the batch
}

// Poll signs in to mb's server, opens the mailbox read-only and stores
// every message past the poller's place, oldest first, up to the batch.
// The mailbox is opened with EXAMINE and read with BODY.PEEK[], so the
// developer's flags (\Seen) stay as they were: the desk is not the only
// reader of a support mailbox. ctx must carry the system actor.
func (p *Poller) Poll(ctx context.Context, mb *vocdesk.IMAPMailbox) (PollResult, error) {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	c, err := p.dial(ctx, mb)
	if err != nil {
		return PollResult{}, err
	}
	// go-imap's commands take no context: closing the connection when ctx
	// ends is what cuts a stalled server short.
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer func() {
		if stop() {
			_ = c.Logout().Wait()
			c.Close()
		}
	}()
	if err := c.Login(mb.Username, mb.Password).Wait(); err != nil {
		return PollResult{}, explain(ctx, "sign-in refused", err, "imap_sign_in_refused")
	}
	sel, err := c.Select(mb.Mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return PollResult{}, explain(ctx, fmt.Sprintf("cannot open mailbox %q", mb.Mailbox), err, "imap_mailbox_refused", mb.Mailbox)
	}
	last := mb.LastUID
	if sel.UIDValidity != mb.UIDValidity {
		// A new mailbox, or the server renumbered it: every UID is new.
		// What was stored before comes again and is a duplicate by its
		// Message-ID, logged as such.
		if err := p.store.ResetIMAPValidity(ctx, mb.DeveloperID, sel.UIDValidity); err != nil {
			return PollResult{}, err
		}
		last = 0
	}
	if sel.NumMessages == 0 {
		return PollResult{}, nil
	}
	var set imap.UIDSet
	set.AddRange(imap.UID(last+1), 0) // last+1:*
	found, err := c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{set}}, nil).Wait()
	if err != nil {
		return PollResult{}, explain(ctx, "search failed", err, netfail.PeerSaid)
	}
	var uids []imap.UID
	for _, u := range found.AllUIDs() {
		// "n:*" also names the last message when every UID is below n.
		if uint32(u) > last {
			uids = append(uids, u)
		}
	}
	slices.Sort(uids)
	var res PollResult
	if len(uids) > p.cfg.Batch {
		uids, res.More = uids[:p.cfg.Batch], true
	}
	for chunk := range slices.Chunk(uids, imapFetchChunk) {
		n, err := p.fetch(ctx, c, mb, sel.UIDValidity, chunk)
		res.Stored += n
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// fetch takes one chunk of messages and stores them in UID order.
func (p *Poller) fetch(ctx context.Context, c *imapclient.Client, mb *vocdesk.IMAPMailbox, validity uint32, uids []imap.UID) (int, error) {
	section := &imap.FetchItemBodySection{Peek: true, Partial: &imap.SectionPartial{Offset: 0, Size: p.cfg.MaxBytes}}
	msgs, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, RFC822Size: true,
		BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return 0, explain(ctx, "fetch failed", err, netfail.PeerSaid)
	}
	slices.SortFunc(msgs, func(a, b *imapclient.FetchMessageBuffer) int { return int(a.UID) - int(b.UID) })
	stored := 0
	for _, m := range msgs {
		raw := m.FindBodySection(section)
		if m.UID == 0 || raw == nil {
			continue // not one we asked for (an unsolicited FETCH)
		}
		took, err := p.store1(ctx, mb, validity, uint32(m.UID), raw, m.RFC822Size)
		if err != nil {
			return stored, err
		}
		if took {
			stored++
		}
	}
	return stored, nil
}

// store1 hands one message to the intake, addressed to mb's developer. It
// answers false when another poll had stored it already.
func (p *Poller) store1(ctx context.Context, mb *vocdesk.IMAPMailbox, validity, uid uint32, raw []byte, size int64) (bool, error) {
	env := Envelope{From: ReturnPath(raw), Recipient: strings.ToLower(mb.Username), Domain: p.cfg.Domain}
	in, decide := Prepare(raw, env)
	in.DeveloperSlug, in.Recipient = mb.DeveloperSlug, strings.ToLower(mb.Username)
	if size > p.cfg.MaxBytes {
		// SMTP refuses such a message with 552; here it is already in the
		// developer's mailbox, so it is kept, cut, for them to read there.
		problem := fmt.Sprintf("larger than the intake's limit (%d bytes): only the first %d bytes are kept; read it in the mailbox", size, p.cfg.MaxBytes)
		decide = func(*vocdesk.MailFacts) *vocdesk.MailDecision {
			return &vocdesk.MailDecision{Outcome: vocdesk.MailUnparsed, Problem: problem}
		}
	}
	rec, err := p.store.ReceiveIMAPMail(ctx, mb.DeveloperID, validity, uid, in, decide)
	if err != nil {
		return false, fmt.Errorf("storing message UID %d: %w", uid, err)
	}
	return rec != nil, nil
}

// dial connects as mb's security says, within ctx.
func (p *Poller) dial(ctx context.Context, mb *vocdesk.IMAPMailbox) (*imapclient.Client, error) {
	host, _, err := vocdesk.ParseIMAPAddr(mb.Addr)
	if err != nil {
		return nil, err
	}
	if mb.Security == vocdesk.IMAPPlain && !p.cfg.AllowPlain && !vocdesk.IsLoopbackHost(host) {
		return nil, netfail.Wrap("security none is allowed only for a server on this machine", nil).Because("imap_clear_remote")
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", mb.Addr)
	if err != nil {
		return nil, netfail.New(fmt.Sprintf("cannot connect to %s: %v", mb.Addr, unwrapNet(err)), err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	tc := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if p.cfg.TLSConfig != nil {
		tc = p.cfg.TLSConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = host
		}
	}
	opts := &imapclient.Options{TLSConfig: tc}
	var c *imapclient.Client
	switch mb.Security {
	case vocdesk.IMAPTLS:
		tconn := tls.Client(conn, tc)
		if err := tconn.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, tlsFailed(ctx, fmt.Sprintf("TLS with %s failed: %v", mb.Addr, err), err)
		}
		c = imapclient.New(tconn, opts)
	case vocdesk.IMAPStartTLS:
		if c, err = imapclient.NewStartTLS(conn, opts); err != nil {
			return nil, tlsFailed(ctx, fmt.Sprintf("STARTTLS with %s failed: %v", mb.Addr, err), err)
		}
	default:
		c = imapclient.New(conn, opts)
	}
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return nil, explain(ctx, "no IMAP greeting from "+mb.Addr, err, netfail.PeerSaid)
	}
	return c, nil
}

// explain words an IMAP failure for the settings page: the server's own
// answer when it gave one (NO [AUTHENTICATIONFAILED] ...), else the cause.
// Its kind (netfail) is said, with args and then the server's answer as its
// values, when the server answered; else the cause's.
func explain(ctx context.Context, what string, err error, said string, args ...any) error {
	if ctx.Err() != nil {
		return netfail.Wrap(what+": the server did not answer in time", err).Because(netfail.Timeout)
	}
	var ie *imap.Error
	if errors.As(err, &ie) {
		text := strings.TrimSpace(ie.Text)
		if ie.Code != "" {
			text = "[" + string(ie.Code) + "] " + text
		}
		return netfail.Wrap(what+": "+text, err).Because(said, append(args, netfail.Excerpt(text, 200))...)
	}
	return netfail.New(fmt.Sprintf("%s: %v", what, unwrapNet(err)), err)
}

// tlsFailed is a failed TLS handshake or STARTTLS: of kind TLS, but for a
// server that did not answer in time.
func tlsFailed(ctx context.Context, text string, err error) error {
	if k, _ := netfail.Classify(err); k == netfail.Timeout || ctx.Err() != nil {
		return netfail.Wrap(text, err).Because(netfail.Timeout)
	}
	return netfail.Wrap(text, err).Because(netfail.TLS)
}

// unwrapNet drops the address noise of a *net.OpError ("dial tcp ...:"),
// which the message names already.
func unwrapNet(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err
	}
	return err
}
