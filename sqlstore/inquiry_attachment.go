package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"
	"unicode"

	"github.com/vocdesk/vocdesk"
)

// checkAttachments validates files before any transaction starts: at most
// vocdesk.MaxAttachments, each non-empty and at most MaxAttachmentSize,
// and of a type in vocdesk.AttachmentTypes as sniffed from the bytes, never
// as the sender labelled it. HTML, SVG (script inside an image) and
// executables are refused, so nothing stored can run in a browser.
func checkAttachments(files []*vocdesk.Attachment) ([]*vocdesk.Attachment, error) {
	if len(files) > vocdesk.MaxAttachments {
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "a message takes at most %d attachments", vocdesk.MaxAttachments)
	}
	for _, f := range files {
		f.Filename = cleanFilename(f.Filename)
		switch {
		case len(f.Data) == 0:
			return nil, vocdesk.Errorf(vocdesk.EINVALID, "attachment %s is empty", f.Filename)
		case len(f.Data) > vocdesk.MaxAttachmentSize:
			return nil, vocdesk.Errorf(vocdesk.ETOOLARGE, "attachment %s is over %d MiB", f.Filename, vocdesk.MaxAttachmentSize>>20)
		}
		ct, _, _ := strings.Cut(http.DetectContentType(f.Data), ";")
		if !slices.Contains(vocdesk.AttachmentTypes, ct) {
			return nil, vocdesk.Errorf(vocdesk.EUNPROCESSABLE,
				"attachment %s is %s; only PNG, JPEG, GIF, WebP images and PDF documents are accepted", f.Filename, ct)
		}
		f.ContentType, f.Size = ct, int64(len(f.Data))
	}
	return files, nil
}

// cleanFilename keeps a file's base name without control characters,
// quotes or path separators, so it can go into a Content-Disposition header
// and a page as it is.
func cleanFilename(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || r == '/' || r == '\\' || r == ';' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > 200 {
		name = string(r[len(r)-200:])
	}
	if name == "" || name == "." {
		name = "attachment"
	}
	return name
}

// insertAttachments stores files of message m.
func (tx *Tx) insertAttachments(ctx context.Context, m *vocdesk.Message, files []*vocdesk.Attachment) error {
	for _, f := range files {
		err := tx.queryRow(ctx, `INSERT INTO inquiry_attachments (message_id, inquiry_id, filename, content_type, size, data, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			m.ID, m.InquiryID, f.Filename, f.ContentType, f.Size, f.Data, micros(tx.now)).Scan(&f.ID)
		if err != nil {
			return fmt.Errorf("sqlstore: store attachment: %w", err)
		}
		f.MessageID = m.ID
	}
	m.Attachments = files
	return nil
}

// FindAttachment returns an attachment with its bytes to the parties of its
// inquiry; a customer never gets the files of internal notes.
func (s *InquiryService) FindAttachment(ctx context.Context, id int64) (*vocdesk.Attachment, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var c conds
	c.add("f.id = ?", id)
	scopeInquiries(&c, a, "i")
	if a.IsCustomer() {
		c.add("m.internal = ?", false)
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var f vocdesk.Attachment
	err = tx.queryRow(ctx, `SELECT f.id, f.message_id, f.filename, f.content_type, f.size, f.data
		FROM inquiry_attachments f
		JOIN inquiry_messages m ON m.id = f.message_id
		JOIN inquiries i ON i.id = f.inquiry_id`+c.where(), c.args...).
		Scan(&f.ID, &f.MessageID, &f.Filename, &f.ContentType, &f.Size, &f.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("attachment")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: find attachment: %w", err)
	}
	return &f, nil
}
