package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/vocdesk/vocdesk"
)

// SnoozeService snoozes and wakes inquiries (vocdesk.SnoozeService).
type SnoozeService struct{ db *DB }

// NewSnoozeService returns the snoozes on db.
func NewSnoozeService(db *DB) vocdesk.SnoozeService { return &SnoozeService{db: db} }

// SnoozeInquiry snoozes inquiry id until until (nil: until the customer
// replies). A timed snooze enqueues its wake job in the same transaction,
// so the snooze exists if and only if its wake does.
func (s *SnoozeService) SnoozeInquiry(ctx context.Context, id int64, until *time.Time) (*vocdesk.Snooze, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var out *vocdesk.Snooze
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		in, err := tx.inquiryFor(ctx, a, id, true)
		if err != nil {
			return err
		}
		if err := canWriteInquiry(a, in.DeveloperID); err != nil {
			return err
		}
		sn := &vocdesk.Snooze{InquiryID: id, ByName: a.Name, CreatedAt: tx.now}
		var at any
		param := ""
		if until != nil {
			u := until.UTC().Truncate(time.Microsecond)
			switch {
			case !u.After(tx.now):
				return vocdesk.Errorf(vocdesk.EINVALID, "until must be in the future")
			case u.Sub(tx.now) > vocdesk.MaxSnooze:
				return vocdesk.Errorf(vocdesk.EINVALID, "an inquiry can be snoozed for at most %d days", int(vocdesk.MaxSnooze.Hours()/24))
			}
			sn.Until, at, param = &u, micros(u), u.Format(time.RFC3339)
		}
		_, err = tx.exec(ctx, `INSERT INTO inquiry_snoozes (inquiry_id, developer_id, until, by_member, by_name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (inquiry_id) DO UPDATE SET until = excluded.until,
			by_member = excluded.by_member, by_name = excluded.by_name, created_at = excluded.created_at`,
			id, in.DeveloperID, at, a.MemberID, a.Name, micros(tx.now))
		if err != nil {
			return fmt.Errorf("sqlstore: snooze: %w", err)
		}
		if sn.Until != nil {
			key := "inquiry.wake." + strconv.FormatInt(id, 10) + "." + strconv.FormatInt(micros(*sn.Until), 10)
			if err := tx.enqueue(ctx, vocdesk.JobInquiryWake, vocdesk.WakeJob{InquiryID: id, Until: micros(*sn.Until)}, *sn.Until, key); err != nil {
				return err
			}
		}
		ev := vocdesk.MessageEvent{Kind: vocdesk.EventSnoozed, Params: map[string]string{"until": param, "by": a.Name}}
		body := "Snoozed until the customer replies (" + a.Name + ")"
		if param != "" {
			body = "Snoozed until " + param + " (" + a.Name + ")"
		}
		if err := tx.systemEvent(ctx, in, ev, body); err != nil {
			return err
		}
		out = sn
		return tx.auditInquiry(ctx, a, "inquiry.snoozed", in, nil, snoozeView{Until: param})
	})
	return out, err
}

// snoozeView is what the audit trail keeps of a snooze and its end.
type snoozeView struct {
	Until string `json:"until,omitempty"`
	Woke  string `json:"woke,omitempty"`
}

// UnsnoozeInquiry wakes inquiry id by hand.
func (s *SnoozeService) UnsnoozeInquiry(ctx context.Context, id int64) error {
	a, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		in, err := tx.inquiryFor(ctx, a, id, true)
		if err != nil {
			return err
		}
		if err := canWriteInquiry(a, in.DeveloperID); err != nil {
			return err
		}
		_, err = tx.wake(ctx, a, in, "hand")
		return err
	})
}

// wake ends inquiry in's snooze, if it has one, with an event in the
// thread and the unread mark in the inbox: the assignee's reminder.
func (tx *Tx) wake(ctx context.Context, a *vocdesk.Actor, in *vocdesk.Inquiry, why string) (bool, error) {
	res, err := tx.exec(ctx, `DELETE FROM inquiry_snoozes WHERE inquiry_id = $1`, in.ID)
	if err != nil {
		return false, fmt.Errorf("sqlstore: wake: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return false, fmt.Errorf("sqlstore: wake: %w", err)
	} else if n == 0 {
		return false, nil
	}
	body := map[string]string{"time": "Snooze ended", "reply": "Woken by the customer's reply", "hand": "Woken"}[why]
	if err := tx.systemEvent(ctx, in, vocdesk.MessageEvent{Kind: vocdesk.EventWoke, Params: map[string]string{"why": why}}, body); err != nil {
		return false, err
	}
	if why == "time" {
		if _, err := tx.exec(ctx, `UPDATE inquiries SET unread_by_developer = $2 WHERE id = $1`, in.ID, true); err != nil {
			return false, fmt.Errorf("sqlstore: wake: %w", err)
		}
		in.UnreadByDeveloper = true
	}
	return true, tx.auditInquiry(ctx, a, "inquiry.woke", in, nil, snoozeView{Woke: why})
}

// FindSnooze returns inquiry id's snooze, or nil when it is awake.
// Customers never learn of snoozes: theirs is always nil.
func (s *SnoozeService) FindSnooze(ctx context.Context, id int64) (*vocdesk.Snooze, error) {
	return deskSideRead(ctx, s.db, id, func(tx *Tx) (*vocdesk.Snooze, error) {
		sn := &vocdesk.Snooze{InquiryID: id}
		var until sql.NullInt64
		var at int64
		err := tx.queryRow(ctx, `SELECT until, by_name, created_at FROM inquiry_snoozes WHERE inquiry_id = $1`, id).Scan(&until, &sn.ByName, &at)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		} else if err != nil {
			return nil, fmt.Errorf("sqlstore: find snooze: %w", err)
		}
		sn.Until, sn.CreatedAt = nullMicros(until), fromMicros(at)
		return sn, nil
	})
}

// WakeDue is the wake job's work: it wakes inquiry id if its snooze still
// ends at until. A job that runs twice, or after the snooze was replaced or
// ended, finds nothing to do.
func (s *SnoozeService) WakeDue(ctx context.Context, id int64, until time.Time) error {
	a := vocdesk.SystemActor()
	return s.db.inWrite(ctx, func(tx *Tx) error {
		var at sql.NullInt64
		err := tx.queryRow(ctx, `SELECT until FROM inquiry_snoozes WHERE inquiry_id = $1`, id).Scan(&at)
		if errors.Is(err, sql.ErrNoRows) || !at.Valid || at.Int64 != micros(until) {
			return nil
		} else if err != nil {
			return fmt.Errorf("sqlstore: wake: %w", err)
		}
		in, err := tx.inquiryFor(ctx, a, id, true)
		if err != nil {
			return err
		}
		// A merged inquiry is a closed pointer: its snooze ends quietly,
		// with no event or unread mark on it (an undo then finds it awake,
		// as its time has come).
		if live, err := tx.liveMergeOf(ctx, id); err != nil {
			return err
		} else if live != 0 {
			if _, err := tx.exec(ctx, `DELETE FROM inquiry_snoozes WHERE inquiry_id = $1`, id); err != nil {
				return fmt.Errorf("sqlstore: wake: %w", err)
			}
			return nil
		}
		_, err = tx.wake(ctx, a, in, "time")
		return err
	})
}
