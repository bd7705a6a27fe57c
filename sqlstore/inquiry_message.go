package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/vocdesk/vocdesk"
)

// insertMessage appends m (author fields set by the caller) with its files.
func (tx *Tx) insertMessage(ctx context.Context, m *vocdesk.Message, files []*vocdesk.Attachment) error {
	err := tx.queryRow(ctx, `INSERT INTO inquiry_messages (inquiry_id, author, author_id, author_name, body, internal, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		m.InquiryID, string(m.Author), m.AuthorID, m.AuthorName, m.Body, m.Internal, micros(tx.now)).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("sqlstore: add message: %w", err)
	}
	m.CreatedAt = tx.now
	return tx.insertAttachments(ctx, m, files)
}

// AddMessage appends to the thread and moves the workflow:
//
//   - a customer's message (or one an operator logs for the customer, with
//     Author customer) reopens a resolved or closed inquiry and one waiting
//     on the customer, and starts the SLA clock if it was not running;
//   - a developer's reply waits on the customer, stops the clock, and mails
//     the customer through the job queue in the same transaction;
//   - an internal note (developers and operators) changes nothing;
//   - an operator's message to the customer tells both sides and counts
//     against the developer (the store's hand); on an escalated inquiry it
//     is the store's answer: the customer has one, so the inquiry waits on
//     them and leaves the escalation queue (the escalation stays counted).
func (s *InquiryService) AddMessage(ctx context.Context, inquiryID int64, m *vocdesk.Message) error {
	a, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	if err := vocdesk.ValidateBody(m.Body); err != nil {
		return err
	}
	files, err := checkAttachments(m.Attachments)
	if err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error { return tx.addMessage(ctx, a, inquiryID, m, files) })
}

// addMessage is AddMessage in tx (its checks done), shared with the mail
// intake's transaction.
func (tx *Tx) addMessage(ctx context.Context, a *vocdesk.Actor, inquiryID int64, m *vocdesk.Message, files []*vocdesk.Attachment) error {
	in, err := tx.inquiryFor(ctx, a, inquiryID, true)
	if err != nil {
		return err
	}
	// A merged inquiry's thread lives on in its survivor: a reply to the
	// merged one (its email's reply address, a page left open) lands there.
	// The survivor is the same customer's and developer's, so in the
	// actor's scope whenever the merged one is.
	if to, err := tx.survivorOf(ctx, in.ID); err != nil {
		return err
	} else if to != in.ID {
		if in, err = tx.inquiryFor(ctx, a, to, true); err != nil {
			return err
		}
	}
	before := viewOf(in)

	author, authorID := actorAuthor(a)
	name := a.Name
	fromCustomer := a.IsCustomer() || (a.IsOperator() && m.Author == vocdesk.AuthorCustomer)
	switch {
	case a.IsCustomer():
		if m.Internal {
			return vocdesk.Errorf(vocdesk.EINVALID, "customers cannot write internal notes")
		}
	case a.IsDeveloper():
		if err := canWriteInquiry(a, in.DeveloperID); err != nil {
			return err
		}
	case fromCustomer:
		// A call centre agent writes down what the customer said.
		author, authorID, name = vocdesk.AuthorCustomer, in.CustomerID, in.CustomerName
		if m.Internal {
			return vocdesk.Errorf(vocdesk.EINVALID, "a customer's message cannot be internal")
		}
	}
	m.InquiryID, m.Author, m.AuthorID, m.AuthorName = in.ID, author, authorID, name
	if err := tx.insertMessage(ctx, m, files); err != nil {
		return err
	}
	if m.Internal && a.IsDeveloper() {
		if err := tx.mentionTeammates(ctx, a, in, m); err != nil {
			return err
		}
	}

	in.LastMessageAt = tx.now
	var mail *vocdesk.Mail
	switch {
	case m.Internal:
		// A note is the developer's own: no status, no marker, no clock.
	case fromCustomer:
		if in.Status != vocdesk.InquiryNew && in.Status != vocdesk.InquiryOpen {
			if err := tx.moveStatus(ctx, in, vocdesk.InquiryOpen); err != nil {
				return err
			}
		}
		in.UnreadByDeveloper = true
		if err := tx.startWait(ctx, in); err != nil {
			return err
		}
		// The customer's message ends a snooze: it is what "until the
		// customer replies" waits for, and a timed snooze too.
		if _, err := tx.wake(ctx, a, in, "reply"); err != nil {
			return err
		}
	case a.IsDeveloper():
		if err := tx.moveStatus(ctx, in, vocdesk.InquiryWaitingOnCustomer); err != nil {
			return err
		}
		if in.FirstResponseAt == nil {
			now := tx.now
			in.FirstResponseAt = &now
			if err := tx.statsFirstResponse(ctx, in); err != nil {
				return err
			}
		}
		in.UnreadByCustomer = true
		if err := tx.endWait(ctx, in); err != nil {
			return err
		}
		mail = replyMail(in, m)
	default: // an operator to the customer
		in.UnreadByCustomer, in.UnreadByDeveloper = true, true
		mail = replyMail(in, m)
		if err := tx.storeAnswered(ctx, in, m); err != nil {
			return err
		}
	}
	if err := tx.saveInquiry(ctx, in); err != nil {
		return err
	}
	if err := tx.indexInquiry(ctx, in.ID); err != nil {
		return err
	}
	if !m.Internal {
		if err := tx.inquiryWebhook(ctx, eventInquiryReplied, in, m); err != nil {
			return err
		}
	}
	if mail != nil && in.Channel == vocdesk.ChannelSocial {
		// A social inquiry is answered where it was asked: through its
		// connector, when it has a reply URL (social_reply.go).
		sent, err := tx.socialReply(ctx, in, m)
		if err != nil {
			return err
		}
		if sent {
			mail = nil
		}
	}
	if mail != nil && mail.To != "" {
		if err := tx.threadMail(ctx, mail); err != nil {
			return err
		}
		key := fmt.Sprintf("mail.inquiry.message.%d", m.ID)
		if err := tx.enqueue(ctx, vocdesk.JobSendMail, mail, tx.now, key); err != nil {
			return err
		}
	}
	if err := tx.auditInquiry(ctx, a, "inquiry.message_added", in, before, messageView{
		MessageID: m.ID, Author: m.Author, Internal: m.Internal, Attachments: len(files), Status: in.Status,
	}); err != nil {
		return err
	}
	if fromCustomer {
		return tx.runRules(ctx, in, vocdesk.RuleOnCustomerReplied, fmt.Sprintf("message.%d", m.ID), m.Body)
	}
	return nil
}

// messageView is what the audit trail keeps of a message: who and what
// kind, not the words.
type messageView struct {
	MessageID   int64                 `json:"message_id"`
	Author      vocdesk.Author        `json:"author"`
	Internal    bool                  `json:"internal,omitempty"`
	Attachments int                   `json:"attachments,omitempty"`
	Status      vocdesk.InquiryStatus `json:"status"`
}

// FindMessages returns the thread, oldest first, with the attachments'
// metadata; customers never get internal notes.
func (s *InquiryService) FindMessages(ctx context.Context, inquiryID int64) ([]*vocdesk.Message, error) {
	_, msgs, err := s.FindThread(ctx, inquiryID)
	return msgs, err
}

// FindThread returns an inquiry the actor may see and its thread, in one
// read with one scope check: the inquiry page needs both, and as two calls
// it waited twice for a reader and looked the inquiry up twice.
func (s *InquiryService) FindThread(ctx context.Context, id int64) (*vocdesk.Inquiry, []*vocdesk.Message, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, nil, err
	}
	tx, err := s.db.beginReadGeneric(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	in, msgs, err := tx.threadOf(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	maskInquiry(a, in)
	return in, msgs, nil
}

// threadFields lead each row of threadOf: a message and one of its
// attachments' metadata (not their bytes); the ids are NULL where absent.
const (
	threadFields = `msg.id, COALESCE(msg.author, ''), COALESCE(msg.author_id, 0), COALESCE(msg.author_name, ''),
	COALESCE(msg.body, ''), COALESCE(msg.internal, FALSE), COALESCE(msg.created_at, 0), COALESCE(msg.event, ''),
	f.id, COALESCE(f.filename, ''), COALESCE(f.content_type, ''), COALESCE(f.size, 0), `
	threadLead = 12
)

var threadCols = map[string]string{
	dialectSQLite:   inquiryColsWith(dialectSQLite, threadFields),
	dialectPostgres: inquiryColsWith(dialectPostgres, threadFields),
}

// threadOf reads inquiry id, if the actor may see it, with its thread in
// one statement: a row per message and attachment, each carrying the
// inquiry (decoded from every row, which checks the row's end; the first is
// kept). Three statements (the inquiry,
// its messages, their attachments) were three round trips on PostgreSQL,
// where each costs the server more than the rows it reads. Attachments are
// found by message (inquiry_attachments_message); a statement by
// inquiry_id, which no index carries, read every attachment in the store.
// Customers never get internal notes, nor their files.
func (tx *Tx) threadOf(ctx context.Context, a *vocdesk.Actor, id int64) (*vocdesk.Inquiry, []*vocdesk.Message, error) {
	var c conds
	messages := ` LEFT JOIN inquiry_messages msg ON msg.inquiry_id = i.id`
	if a.IsCustomer() {
		messages += ` AND msg.internal = ` + c.next(false)
	}
	q := threadCols[tx.dialect] + inquiryByID(&c, a, id, messages+
		` LEFT JOIN inquiry_attachments f ON f.message_id = msg.id`) + ` ORDER BY msg.id, f.id`
	var in *vocdesk.Inquiry
	var msgs []*vocdesk.Message
	err := tx.eachRow(ctx, q, c.args, threadLead+inquiryWidth, func(d fieldReader) error {
		msgID, author, authorID, authorName, body, internal, created, event := d.nullNum(), d.text(), d.num(), d.text(), d.text(), d.flag(), d.num(), d.text()
		fileID, filename, ctype, size := d.nullNum(), d.text(), d.text(), d.num()
		row, err := decodeInquiry(d)
		if err != nil {
			return err
		}
		if in == nil {
			in = row
		}
		if !msgID.Valid {
			return nil
		}
		if n := len(msgs); n == 0 || msgs[n-1].ID != msgID.Int64 {
			msg := &vocdesk.Message{ID: msgID.Int64, InquiryID: id, Author: vocdesk.Author(author), AuthorID: authorID,
				AuthorName: authorName, Body: body, Internal: internal, CreatedAt: fromMicros(created)}
			if event != "" {
				msg.Event = &vocdesk.MessageEvent{}
				if err := json.Unmarshal([]byte(event), msg.Event); err != nil {
					return fmt.Errorf("sqlstore: message %d event: %w", msg.ID, err)
				}
			}
			msgs = append(msgs, msg)
		}
		if fileID.Valid {
			m := msgs[len(msgs)-1]
			m.Attachments = append(m.Attachments, &vocdesk.Attachment{ID: fileID.Int64, MessageID: m.ID,
				Filename: filename, ContentType: ctype, Size: size})
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("sqlstore: find thread: %w", err)
	}
	if in == nil {
		return nil, nil, vocdesk.NotFound("inquiry")
	}
	return in, msgs, nil
}

// replyMail is the mail that tells the customer of an answer. Message-ID and
// In-Reply-To thread it to the inquiry, so the customer's reply by mail can
// find its way back.
func replyMail(in *vocdesk.Inquiry, m *vocdesk.Message) *vocdesk.Mail {
	return &vocdesk.Mail{
		To:      in.ContactEmail,
		Subject: fmt.Sprintf("[%s] Re: %s", in.AppName, in.Subject),
		Text: fmt.Sprintf("%s\n\n— %s, %s\n\n답변은 My Page > 문의 내역에서도 볼 수 있습니다. / You can also read this answer on My Page > Inquiries.\n",
			m.Body, m.AuthorName, in.AppName),
		MessageID:     fmt.Sprintf("<inquiry-%d.message-%d@vocdesk>", in.ID, m.ID),
		InReplyTo:     fmt.Sprintf("<inquiry-%d@vocdesk>", in.ID),
		DeveloperSlug: in.DeveloperSlug, FromName: in.AppName, InquiryID: in.ID, MessageRef: m.ID,
	}
}

// statusMail tells the customer that the developer resolved the inquiry.
func statusMail(in *vocdesk.Inquiry, by string) *vocdesk.Mail {
	return &vocdesk.Mail{
		To:      in.ContactEmail,
		Subject: fmt.Sprintf("[%s] 문의가 해결되었습니다 / Your inquiry was resolved: %s", in.AppName, in.Subject),
		Text: fmt.Sprintf("%s님이 문의를 해결됨으로 표시했습니다. 만족도를 평가해 주세요.\n%s marked your inquiry as resolved. Please rate the answer on My Page.\n",
			by, by),
		MessageID:     fmt.Sprintf("<inquiry-%d.resolved-%d@vocdesk>", in.ID, in.UpdatedAt.UnixMicro()),
		InReplyTo:     fmt.Sprintf("<inquiry-%d@vocdesk>", in.ID),
		DeveloperSlug: in.DeveloperSlug, FromName: in.AppName, InquiryID: in.ID, Notice: true,
	}
}
