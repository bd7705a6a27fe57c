package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// MailService implements vocdesk.MailService: the mail log and the intake's
// one transaction per message.
type MailService struct{ db *DB }

// NewMailService returns the email channel's store on db.
func NewMailService(db *DB) vocdesk.MailService { return &MailService{db: db} }

// Caps on what one message may make the intake look up.
const (
	maxMailRefs      = 20
	maxMailPurchases = 200
	maxMailApps      = 100
)

// DeveloperReceives reports whether a developer with this slug exists.
func (s *MailService) DeveloperReceives(ctx context.Context, slug string) (bool, error) {
	if _, err := operatorFrom(ctx); err != nil {
		return false, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var id int64
	err = tx.queryRow(ctx, `SELECT id FROM developers WHERE slug = $1`, slug).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("sqlstore: mail recipient: %w", err)
	}
	return true, nil
}

// ReceiveMail stores the message and carries out decide's decision in one
// transaction (on SQLite one grouped with concurrent deliveries). When the
// desk's rules refuse what the decision asks (an application error), the
// message is stored again as unparsed with the reason: it is never lost
// for want of an inquiry. Concurrent copies of one Message-ID on
// PostgreSQL meet at the unique index; the loser is decided again and finds
// the winner, a duplicate.
func (s *MailService) ReceiveMail(ctx context.Context, m *vocdesk.InboundMail, decide vocdesk.MailDecider) (*vocdesk.MailMessage, error) {
	return receiveMail(ctx, s.db, m, decide, nil)
}

// receiveMail is ReceiveMail with a step of the caller's in the same
// transaction, before the message is stored: the IMAP poller's place in
// its mailbox (mail_imap.go). A step that answers skip stores nothing.
func receiveMail(ctx context.Context, db *DB, m *vocdesk.InboundMail, decide vocdesk.MailDecider,
	step func(ctx context.Context, tx *Tx) (skip bool, err error)) (*vocdesk.MailMessage, error) {
	if _, err := operatorFrom(ctx); err != nil {
		return nil, err
	}
	return storeMail(ctx, db, m, decide, step, db.preDecide(ctx, m, decide))
}

// storeMail is receiveMail with the decision made ahead (or nil).
func storeMail(ctx context.Context, db *DB, m *vocdesk.InboundMail, decide vocdesk.MailDecider,
	step func(ctx context.Context, tx *Tx) (skip bool, err error), pre *preDecision) (*vocdesk.MailMessage, error) {
	a, err := operatorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var rec *vocdesk.MailMessage
	within := func(ctx context.Context, tx *Tx, decide vocdesk.MailDecider, pre *preDecision) error {
		rec = nil
		if step != nil {
			if skip, err := step(ctx, tx); err != nil || skip {
				return err
			}
		}
		var err error
		rec, err = tx.receiveMail(ctx, a, m, decide, pre)
		return err
	}
	for attempt := 0; ; attempt++ {
		err = db.writeGrouped(ctx, func(ctx context.Context, tx *Tx) error { return within(ctx, tx, decide, pre) })
		if err != nil && isUniqueViolation(err) && attempt == 0 {
			continue
		}
		break
	}
	if err == nil {
		return rec, nil
	}
	code := vocdesk.ErrorCode(err)
	if code == vocdesk.EINTERNAL || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil, err
	}
	// The desk refused the decision: keep the message, unparsed, and say why.
	refused := func(*vocdesk.MailFacts) *vocdesk.MailDecision {
		return &vocdesk.MailDecision{Outcome: vocdesk.MailUnparsed, Problem: "the desk could not file it: " + vocdesk.ErrorMessage(err)}
	}
	err = db.writeGrouped(ctx, func(ctx context.Context, tx *Tx) error { return within(ctx, tx, refused, nil) })
	if err != nil {
		return nil, err
	}
	return rec, nil
}

func (tx *Tx) receiveMail(ctx context.Context, a *vocdesk.Actor, m *vocdesk.InboundMail, decide vocdesk.MailDecider, pre *preDecision) (*vocdesk.MailMessage, error) {
	f, err := tx.mailFacts(ctx, m)
	if err != nil {
		return nil, err
	}
	ahead := pre.take(f)
	d, spans := ahead.decision, ahead.spans
	if d == nil {
		d = decide(f)
	}
	rec := &vocdesk.MailMessage{DeveloperID: f.DeveloperID, DeveloperSlug: m.DeveloperSlug, MessageID: clip(m.MessageID, 500),
		From: clip(m.From, 320), To: clip(m.Recipient, 320), Subject: clip(m.Subject, 1000), ReceivedAt: tx.now,
		Outcome: d.Outcome, Problem: clip(d.Problem, 2000), Size: int64(len(m.Raw))}
	var files []*vocdesk.Attachment
	switch d.Outcome {
	case vocdesk.MailInquiry:
		if err := d.Inquiry.Validate(); err != nil {
			return nil, err
		}
		if err := validateBody(d.Message.Body, ahead.bodyOK); err != nil {
			return nil, err
		}
		if files, err = checkAttachments(d.Message.Attachments); err != nil {
			return nil, err
		}
		if err := tx.createInquiry(ctx, a, d.Inquiry, d.Message, files); err != nil {
			return nil, err
		}
		rec.InquiryID = d.Inquiry.ID
	case vocdesk.MailReply:
		if err := validateBody(d.Message.Body, ahead.bodyOK); err != nil {
			return nil, err
		}
		if files, err = checkAttachments(d.Message.Attachments); err != nil {
			return nil, err
		}
		d.Message.Author = vocdesk.AuthorCustomer
		if err := tx.addMessage(ctx, a, d.InquiryID, d.Message, files); err != nil {
			return nil, err
		}
		// The inquiry it landed in: a merged inquiry's survivor.
		rec.InquiryID = d.Message.InquiryID
	case vocdesk.MailDuplicate:
		rec.InquiryID = d.InquiryID
	case vocdesk.MailAutoReply, vocdesk.MailBounce, vocdesk.MailUnparsed:
	default:
		return nil, fmt.Errorf("sqlstore: mail: unknown outcome %q", d.Outcome)
	}
	err = tx.queryRow(ctx, `INSERT INTO mail_messages (developer_id, message_id, from_addr, to_addr, subject, received_at, outcome,
		inquiry_id, problem, size) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		rec.DeveloperID, rec.MessageID, rec.From, rec.To, rec.Subject, micros(tx.now), string(rec.Outcome),
		nullID(rec.InquiryID), rec.Problem, rec.Size).Scan(&rec.ID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: log mail: %w", err)
	}
	// The attachments just stored are cut out of the raw message
	// (mail_raw_cut.go); where they stand was found ahead when the
	// decision was.
	raw, cuts := m.Raw, ""
	if len(files) > 0 {
		if spans == nil {
			spans = findSpans(m.Raw, files)
		}
		if raw, cuts, err = cutRaw(m.Raw, files, spans); err != nil {
			return nil, fmt.Errorf("sqlstore: keep raw mail: %w", err)
		}
	}
	if _, err := tx.exec(ctx, `INSERT INTO mail_raw (mail_id, raw, cuts) VALUES ($1, $2, $3)`, rec.ID, raw, cuts); err != nil {
		return nil, fmt.Errorf("sqlstore: keep raw mail: %w", err)
	}
	return rec, nil
}

// validateBody is vocdesk.ValidateBody unless the body passed it ahead.
func validateBody(body string, passed bool) error {
	if passed {
		return nil
	}
	return vocdesk.ValidateBody(body)
}

// clip cuts a header value taken from outside to n bytes on a rune
// boundary: the log shows it, the raw message keeps it whole.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// mailFacts reads what the rules need, in the storing transaction.
func (tx *Tx) mailFacts(ctx context.Context, m *vocdesk.InboundMail) (*vocdesk.MailFacts, error) {
	f := &vocdesk.MailFacts{}
	err := tx.queryRow(ctx, `SELECT id FROM developers WHERE slug = $1`, m.DeveloperSlug).Scan(&f.DeveloperID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("developer")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: mail developer: %w", err)
	}
	if err := tx.mailApps(ctx, f); err != nil {
		return nil, err
	}
	if m.From != "" {
		err := tx.queryRow(ctx, `SELECT id FROM customers WHERE email_key = $1`, emailKey(m.From)).Scan(&f.CustomerID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("sqlstore: mail customer: %w", err)
		}
	}
	if f.CustomerID != 0 {
		if err := tx.mailPurchases(ctx, f); err != nil {
			return nil, err
		}
	}
	if m.MessageID != "" {
		// "message_id <> ''" (here and in mailCandidates) repeats the partial
		// indexes' own condition: without it SQLite cannot use them and reads
		// every message the developer ever received, once per new message.
		var inq sql.NullInt64
		err := tx.queryRow(ctx, `SELECT inquiry_id FROM mail_messages WHERE developer_id = $1 AND message_id = $2
			AND message_id <> '' AND outcome <> 'duplicate'`,
			f.DeveloperID, m.MessageID).Scan(&inq)
		switch {
		case err == nil:
			f.Seen, f.FirstCopy = true, inq.Int64
		case !errors.Is(err, sql.ErrNoRows):
			return nil, fmt.Errorf("sqlstore: mail seen: %w", err)
		}
	}
	return f, tx.mailCandidates(ctx, m, f)
}

func (tx *Tx) mailApps(ctx context.Context, f *vocdesk.MailFacts) error {
	rows, err := tx.query(ctx, `SELECT id, slug, name FROM apps WHERE developer_id = $1 ORDER BY id LIMIT $2`, f.DeveloperID, maxMailApps)
	if err != nil {
		return fmt.Errorf("sqlstore: mail apps: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a vocdesk.MailApp
		if err := rows.Scan(&a.ID, &a.Slug, &a.Name); err != nil {
			return fmt.Errorf("sqlstore: mail apps: %w", err)
		}
		f.Apps = append(f.Apps, a)
	}
	return rows.Err()
}

func (tx *Tx) mailPurchases(ctx context.Context, f *vocdesk.MailFacts) error {
	rows, err := tx.query(ctx, `SELECT txid, app_id FROM purchases WHERE customer_id = $1 AND developer_id = $2
		ORDER BY paid_at DESC, id DESC LIMIT $3`, f.CustomerID, f.DeveloperID, maxMailPurchases)
	if err != nil {
		return fmt.Errorf("sqlstore: mail purchases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p vocdesk.MailPurchase
		if err := rows.Scan(&p.TxID, &p.AppID); err != nil {
			return fmt.Errorf("sqlstore: mail purchases: %w", err)
		}
		f.Purchases = append(f.Purchases, p)
	}
	return rows.Err()
}

// mailCandidates finds the inquiries the message names, in the rules'
// order: the desk's own addresses and Message-IDs first, then the
// inquiries of logged mail its references name.
func (tx *Tx) mailCandidates(ctx context.Context, m *vocdesk.InboundMail, f *vocdesk.MailFacts) error {
	ids := append([]int64{}, m.ThreadIDs[:min(len(m.ThreadIDs), maxMailRefs)]...)
	for _, ref := range m.RefIDs[:min(len(m.RefIDs), maxMailRefs)] {
		var inq int64
		err := tx.queryRow(ctx, `SELECT inquiry_id FROM mail_messages WHERE message_id = $1 AND developer_id = $2
			AND message_id <> '' AND inquiry_id IS NOT NULL ORDER BY id LIMIT 1`, ref, f.DeveloperID).Scan(&inq)
		switch {
		case err == nil:
			ids = append(ids, inq)
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("sqlstore: mail references: %w", err)
		}
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		c := vocdesk.ThreadCandidate{InquiryID: id}
		var cust sql.NullInt64
		err := tx.queryRow(ctx, `SELECT developer_id, customer_id, contact_email FROM inquiries WHERE id = $1`, id).
			Scan(&c.DeveloperID, &cust, &c.ContactEmail)
		switch {
		case err == nil:
			c.CustomerID = cust.Int64
			f.Candidates = append(f.Candidates, c)
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("sqlstore: mail thread: %w", err)
		}
	}
	return nil
}

const mailCols = `m.id, m.developer_id, d.slug, m.message_id, m.from_addr, m.to_addr, m.subject, m.received_at, m.outcome,
	COALESCE(m.inquiry_id, 0), m.problem, m.size`

func scanMail(sc interface{ Scan(...any) error }) (*vocdesk.MailMessage, error) {
	var r vocdesk.MailMessage
	var at int64
	var outcome string
	if err := sc.Scan(&r.ID, &r.DeveloperID, &r.DeveloperSlug, &r.MessageID, &r.From, &r.To, &r.Subject, &at, &outcome,
		&r.InquiryID, &r.Problem, &r.Size); err != nil {
		return nil, err
	}
	r.ReceivedAt, r.Outcome = fromMicros(at), vocdesk.MailOutcome(outcome)
	return &r, nil
}

// FindMailMessages lists the mail log, newest first: operators all (or one
// developer's), developers their own, customers nothing.
func (s *MailService) FindMailMessages(ctx context.Context, f vocdesk.MailFilter) ([]*vocdesk.MailMessage, string, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, "", err
	}
	if f.Outcome != "" && !f.Outcome.Valid() {
		return nil, "", vocdesk.Errorf(vocdesk.EINVALID, "outcome must be one of inquiry, reply, duplicate, auto_reply, bounce, unparsed")
	}
	limit := pageLimit(f.Limit)
	var c conds
	scopeOwned(&c, a, "m.developer_id")
	if f.Outcome != "" {
		c.add("m.outcome = ?", string(f.Outcome))
	}
	if f.Developer != "" {
		c.add("d.slug = ?", f.Developer)
	}
	if f.Cursor != "" {
		_, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		c.add("m.id < ?", id)
	}
	q := `SELECT ` + mailCols + ` FROM mail_messages m JOIN developers d ON d.id = m.developer_id` + c.where() +
		` ORDER BY m.id DESC LIMIT ` + c.next(limit+1)
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, q, c.args...)
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: mail log: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.MailMessage
	for rows.Next() {
		r, err := scanMail(rows)
		if err != nil {
			return nil, "", fmt.Errorf("sqlstore: mail log: %w", err)
		}
		if masksContacts(a) {
			r.From = vocdesk.MaskEmail(r.From)
		}
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("sqlstore: mail log: %w", err)
	}
	var next string
	if len(list) > limit {
		list = list[:limit]
		next = encodeCursor(0, list[limit-1].ID)
	}
	return list, next, nil
}

// FindMailRaw returns a logged message the actor may see and its bytes;
// viewers, who see contacts masked, may not read it.
func (s *MailService) FindMailRaw(ctx context.Context, id int64) (*vocdesk.MailMessage, []byte, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, nil, err
	}
	var c conds
	c.add(idIs("m.id"), id)
	scopeOwned(&c, a, "m.developer_id")
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	var raw []byte
	var cuts string
	row := tx.queryRow(ctx, `SELECT `+mailCols+`, r.raw, r.cuts FROM mail_messages m JOIN developers d ON d.id = m.developer_id
		JOIN mail_raw r ON r.mail_id = m.id`+c.where(), c.args...)
	var rec vocdesk.MailMessage
	var at int64
	var outcome string
	err = row.Scan(&rec.ID, &rec.DeveloperID, &rec.DeveloperSlug, &rec.MessageID, &rec.From, &rec.To, &rec.Subject, &at, &outcome,
		&rec.InquiryID, &rec.Problem, &rec.Size, &raw, &cuts)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, vocdesk.NotFound("mail message")
	} else if err != nil {
		return nil, nil, fmt.Errorf("sqlstore: raw mail: %w", err)
	}
	rec.ReceivedAt, rec.Outcome = fromMicros(at), vocdesk.MailOutcome(outcome)
	if masksContacts(a) {
		// The raw message shows the sender's address and more; viewers
		// see contacts masked, so not the message itself.
		return nil, nil, vocdesk.Errorf(vocdesk.EFORBIDDEN, "viewers cannot read raw mail; ask an agent or admin")
	}
	if raw, err = tx.restoreRaw(ctx, raw, cuts); err != nil {
		return nil, nil, err
	}
	return &rec, raw, nil
}
