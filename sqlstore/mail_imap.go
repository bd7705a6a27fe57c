package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/vocdesk/vocdesk"
)

// IMAPService implements vocdesk.IMAPService: developers' polled mailboxes
// and the poller's place in each.
type IMAPService struct {
	db *DB
	// AllowPlain lets developers choose security "none" for any host, not
	// only a loopback one (vocdesk serve --imap-allow-plaintext).
	AllowPlain bool
}

// NewIMAPService returns the IMAP mailboxes' store on db.
func NewIMAPService(db *DB) *IMAPService { return &IMAPService{db: db} }

// imapOverdue is how late a mailbox's next poll may be before
// ScheduleIMAPPolls queues a new one: longer than any poll takes, so that a
// poll still running is not doubled (and were it, the place in the mailbox
// keeps each message stored once).
const imapOverdue = 15 * time.Minute

const imapCols = `m.developer_id, d.slug, m.addr, m.security, m.username, m.password, m.mailbox, m.enabled, m.uid_validity,
	m.last_uid, m.fetched, m.last_poll_at, m.last_ok_at, m.last_error, m.last_reason, m.last_args, m.failures, m.next_poll_at, m.updated_at`

func scanIMAP(sc interface{ Scan(...any) error }) (*vocdesk.IMAPMailbox, error) {
	var mb vocdesk.IMAPMailbox
	var sec string
	var kept string
	var validity, last, next, updated int64
	var polled, ok sql.NullInt64
	if err := sc.Scan(&mb.DeveloperID, &mb.DeveloperSlug, &mb.Addr, &sec, &mb.Username, &mb.Password, &mb.Mailbox, &mb.Enabled,
		&validity, &last, &mb.Fetched, &polled, &ok, &mb.LastError, &mb.LastReason, &kept, &mb.Failures, &next, &updated); err != nil {
		return nil, err
	}
	mb.LastArgs = keptArgs(kept)
	mb.Security, mb.UIDValidity, mb.LastUID = vocdesk.IMAPSecurity(sec), uint32(validity), uint32(last)
	mb.HasPassword = mb.Password != ""
	mb.LastPollAt, mb.LastOKAt = nullMicros(polled), nullMicros(ok)
	mb.NextPollAt, mb.UpdatedAt = fromMicros(next), fromMicros(updated)
	return &mb, nil
}

// developerFor finds developer slug as the actor may see it: operators any,
// a developer's members their own; ENOTFOUND otherwise, as for none.
func (tx *Tx) developerFor(ctx context.Context, a *vocdesk.Actor, slug string) (int64, error) {
	var c conds
	scopeDevelopers(&c, a, "d")
	c.add("d.slug = ?", slug)
	var id int64
	err := tx.queryRow(ctx, `SELECT d.id FROM developers d`+c.where(), c.args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, vocdesk.NotFound("developer")
	} else if err != nil {
		return 0, fmt.Errorf("sqlstore: developer: %w", err)
	}
	return id, nil
}

func (tx *Tx) imapMailbox(ctx context.Context, devID int64, lock bool) (*vocdesk.IMAPMailbox, error) {
	q := `SELECT ` + imapCols + ` FROM imap_mailboxes m JOIN developers d ON d.id = m.developer_id WHERE m.developer_id = $1`
	if lock {
		q += tx.forUpdate("m")
	}
	mb, err := scanIMAP(tx.queryRow(ctx, q, devID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("IMAP mailbox")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: IMAP mailbox: %w", err)
	}
	return mb, nil
}

// IMAPMailbox implements vocdesk.IMAPService.
func (s *IMAPService) IMAPMailbox(ctx context.Context, slug string) (*vocdesk.IMAPMailbox, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	devID, err := tx.developerFor(ctx, a, slug)
	if err != nil {
		return nil, err
	}
	mb, err := tx.imapMailbox(ctx, devID, false)
	if err != nil {
		return nil, err
	}
	mb.Password = ""
	return mb, nil
}

// SetIMAPMailbox implements vocdesk.IMAPService.
func (s *IMAPService) SetIMAPMailbox(ctx context.Context, slug string, in *vocdesk.IMAPSettings) (*vocdesk.IMAPMailbox, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var out *vocdesk.IMAPMailbox
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		devID, err := tx.developerFor(ctx, a, slug)
		if err != nil {
			return err
		}
		if err := canManage(a, devID, vocdesk.RoleAdmin); err != nil {
			return err
		}
		// The form is checked after the tenant line, so that another
		// developer's slug answers 404 whatever the body says.
		if err := in.Validate(); err != nil {
			return err
		}
		if host, _, _ := vocdesk.ParseIMAPAddr(in.Addr); in.Security == vocdesk.IMAPPlain && !s.AllowPlain && !vocdesk.IsLoopbackHost(host) {
			return vocdesk.Errorf(vocdesk.EINVALID, "security none sends the password in clear: only to a server on this machine (choose tls or starttls)").
				Because("imap_clear_remote")
		}
		old, err := tx.imapMailbox(ctx, devID, true)
		if err != nil && vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
			return err
		}
		password := in.Password
		if password == "" && old != nil {
			// The stored password goes only where it went before: were it
			// kept for a new server or user, whoever may edit the settings
			// could send it to a server of theirs and read it there.
			if old.Addr != in.Addr || old.Username != in.Username {
				return vocdesk.Errorf(vocdesk.EINVALID, "password is required again when the server or user name changes").
					Because("imap_password_again")
			}
			password = old.Password
		}
		if password == "" {
			return vocdesk.Errorf(vocdesk.EINVALID, "password is required").Because("imap_password_required")
		}
		// Another server, account or mailbox has other UIDs: start afresh.
		fresh := old == nil || old.Addr != in.Addr || old.Username != in.Username || old.Mailbox != in.Mailbox
		if _, err := tx.exec(ctx, `INSERT INTO imap_mailboxes (developer_id, addr, security, username, password, mailbox, enabled,
			next_poll_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
			ON CONFLICT (developer_id) DO UPDATE SET addr = excluded.addr, security = excluded.security, username = excluded.username,
			password = excluded.password, mailbox = excluded.mailbox, enabled = excluded.enabled, next_poll_at = excluded.next_poll_at,
			updated_at = excluded.updated_at, failures = 0`,
			devID, in.Addr, string(in.Security), in.Username, password, in.Mailbox, in.Enabled, micros(tx.now)); err != nil {
			return fmt.Errorf("sqlstore: set IMAP mailbox: %w", err)
		}
		if fresh && old != nil {
			if _, err := tx.exec(ctx, `UPDATE imap_mailboxes SET uid_validity = 0, last_uid = 0, fetched = 0, last_error = '',
				last_reason = '', last_args = '[]', last_poll_at = NULL, last_ok_at = NULL WHERE developer_id = $1`, devID); err != nil {
				return fmt.Errorf("sqlstore: set IMAP mailbox: %w", err)
			}
		}
		if in.Enabled {
			if err := tx.enqueueIMAPPoll(ctx, devID, tx.now); err != nil {
				return err
			}
		}
		// The password never enters the audit trail; that it changed does.
		view := func(addr, user, box string, sec vocdesk.IMAPSecurity, on bool) map[string]any {
			return map[string]any{"addr": addr, "username": user, "mailbox": box, "security": sec, "enabled": on}
		}
		var before any
		if old != nil {
			before = view(old.Addr, old.Username, old.Mailbox, old.Security, old.Enabled)
		}
		after := view(in.Addr, in.Username, in.Mailbox, in.Security, in.Enabled)
		after["password_changed"] = old == nil || password != old.Password
		if err := tx.audit(ctx, a, change{action: "imap_mailbox.updated", entity: "imap_mailbox", entityID: devID,
			developerID: devID, before: before, after: after}); err != nil {
			return err
		}
		out, err = tx.imapMailbox(ctx, devID, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	out.Password = ""
	return out, nil
}

// DeleteIMAPMailbox implements vocdesk.IMAPService. A poll already queued
// finds no mailbox and ends.
func (s *IMAPService) DeleteIMAPMailbox(ctx context.Context, slug string) error {
	a, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		devID, err := tx.developerFor(ctx, a, slug)
		if err != nil {
			return err
		}
		if err := canManage(a, devID, vocdesk.RoleAdmin); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `DELETE FROM imap_mailboxes WHERE developer_id = $1`, devID)
		if err != nil {
			return fmt.Errorf("sqlstore: delete IMAP mailbox: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vocdesk.NotFound("IMAP mailbox")
		}
		return tx.audit(ctx, a, change{action: "imap_mailbox.deleted", entity: "imap_mailbox", entityID: devID, developerID: devID})
	})
}

// enqueueIMAPPoll queues a poll of devID's mailbox at runAt. The key names
// the time, so each scheduled poll is queued once (by the poll before it,
// by the settings or by ScheduleIMAPPolls, whichever comes first) and a
// poll that failed for good does not block the next.
func (tx *Tx) enqueueIMAPPoll(ctx context.Context, devID int64, runAt time.Time) error {
	return tx.enqueue(ctx, vocdesk.JobIMAPPoll, map[string]int64{"developer_id": devID}, runAt,
		fmt.Sprintf("%s:%d:%d", vocdesk.JobIMAPPoll, devID, micros(runAt)))
}

// IMAPForPolling implements vocdesk.IMAPService.
func (s *IMAPService) IMAPForPolling(ctx context.Context, developerID int64) (*vocdesk.IMAPMailbox, error) {
	if _, err := operatorFrom(ctx); err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return tx.imapMailbox(ctx, developerID, false)
}

// ResetIMAPValidity implements vocdesk.IMAPService.
func (s *IMAPService) ResetIMAPValidity(ctx context.Context, developerID int64, uidValidity uint32) error {
	if _, err := operatorFrom(ctx); err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE imap_mailboxes SET uid_validity = $2, last_uid = 0 WHERE developer_id = $1 AND uid_validity <> $2`,
			developerID, int64(uidValidity))
		if err != nil {
			return fmt.Errorf("sqlstore: IMAP validity: %w", err)
		}
		return nil
	})
}

// ReceiveIMAPMail implements vocdesk.IMAPService: the message is stored
// exactly as ReceiveMail stores mail from SMTP, and the place moves past
// uid in the same transaction.
func (s *IMAPService) ReceiveIMAPMail(ctx context.Context, developerID int64, uidValidity, uid uint32,
	m *vocdesk.InboundMail, decide vocdesk.MailDecider) (*vocdesk.MailMessage, error) {
	step := func(ctx context.Context, tx *Tx) (bool, error) {
		var validity, last int64
		err := tx.queryRow(ctx, `SELECT uid_validity, last_uid FROM imap_mailboxes WHERE developer_id = $1`+tx.forUpdate(""),
			developerID).Scan(&validity, &last)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return true, nil // the settings were deleted meanwhile
		case err != nil:
			return false, fmt.Errorf("sqlstore: IMAP place: %w", err)
		case validity != int64(uidValidity) || last >= int64(uid):
			return true, nil // another mailbox now, or another poll took it
		}
		_, err = tx.exec(ctx, `UPDATE imap_mailboxes SET last_uid = $2, fetched = fetched + 1 WHERE developer_id = $1`, developerID, int64(uid))
		if err != nil {
			return false, fmt.Errorf("sqlstore: IMAP place: %w", err)
		}
		return false, nil
	}
	return receiveMail(ctx, s.db, m, decide, step)
}

// RecordIMAPPoll implements vocdesk.IMAPService.
func (s *IMAPService) RecordIMAPPoll(ctx context.Context, developerID int64, p vocdesk.IMAPPoll) error {
	if _, err := operatorFrom(ctx); err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		next := tx.now.Add(p.Next)
		var q string
		args := []any{developerID, micros(tx.now), micros(next)}
		if p.Err == "" {
			q = `UPDATE imap_mailboxes SET last_poll_at = $2, last_ok_at = $2, last_error = '', last_reason = '', last_args = '[]',
				failures = 0, next_poll_at = $3
				WHERE developer_id = $1`
		} else {
			q = `UPDATE imap_mailboxes SET last_poll_at = $2, last_error = $4, last_reason = $5, last_args = $6,
				failures = failures + 1, next_poll_at = $3 WHERE developer_id = $1`
			args = append(args, clip(p.Err, 2000), p.Reason, reasonArgs(p.Args))
		}
		res, err := tx.exec(ctx, q+` AND enabled`, args...)
		if err != nil {
			return fmt.Errorf("sqlstore: record IMAP poll: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // deleted or disabled meanwhile: no next poll
		}
		return tx.enqueueIMAPPoll(ctx, developerID, next)
	})
}

// ScheduleIMAPPolls implements vocdesk.IMAPService.
func (s *IMAPService) ScheduleIMAPPolls(ctx context.Context) error {
	if _, err := operatorFrom(ctx); err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `UPDATE imap_mailboxes SET next_poll_at = $1 WHERE enabled AND next_poll_at < $2`,
			micros(tx.now), micros(tx.now.Add(-imapOverdue))); err != nil {
			return fmt.Errorf("sqlstore: schedule IMAP polls: %w", err)
		}
		rows, err := tx.query(ctx, `SELECT developer_id, next_poll_at FROM imap_mailboxes WHERE enabled`)
		if err != nil {
			return fmt.Errorf("sqlstore: schedule IMAP polls: %w", err)
		}
		type due struct{ dev, at int64 }
		var all []due
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.dev, &d.at); err != nil {
				rows.Close()
				return fmt.Errorf("sqlstore: schedule IMAP polls: %w", err)
			}
			all = append(all, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlstore: schedule IMAP polls: %w", err)
		}
		for _, d := range all {
			if err := tx.enqueueIMAPPoll(ctx, d.dev, fromMicros(d.at)); err != nil {
				return err
			}
		}
		return nil
	})
}
