package sqlstore

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

const (
	defaultInquiryLimit = 50
	maxInquiryLimit     = 200
)

// inquirySort is one of the inbox's orders: the key column, its direction,
// and the index it walks (inquiries_dev_new, _dev_wait, _dev_due).
type inquirySort struct {
	name string
	col  string // created_at, wait_sort, due_sort
	desc bool
}

var inquirySorts = map[string]inquirySort{
	"":        {"newest", "created_at", true},
	"newest":  {"newest", "created_at", true},
	"waiting": {"waiting", "wait_sort", false},
	"due":     {"due", "due_sort", false},
}

// inquiryFilterConds adds the filter's conditions (scope first) to c. The
// fields are an allow-list, each bound as an argument.
func inquiryFilterConds(c *conds, a *vocdesk.Actor, f vocdesk.InquiryFilter, now int64) error {
	scopeInquiries(c, a, "i")
	if len(f.Status) > 0 {
		statuses, err := inquiryStatuses(f.Status)
		if err != nil {
			return err
		}
		marks := make([]string, len(statuses))
		args := make([]any, len(statuses))
		for k, st := range statuses {
			marks[k], args[k] = "?", st
		}
		c.add("i.status IN ("+strings.Join(marks, ", ")+")", args...)
	}
	if f.Category != "" {
		if !f.Category.Valid() {
			return vocdesk.Errorf(vocdesk.EINVALID, "unknown category %q", f.Category)
		}
		c.add("i.category = ?", string(f.Category))
	}
	if f.Channel != "" {
		if !f.Channel.Valid() {
			return vocdesk.Errorf(vocdesk.EINVALID, "unknown channel %q", f.Channel)
		}
		c.add("i.channel = ?", string(f.Channel))
	}
	if f.AppSlug != "" {
		c.add("i.app_id = (SELECT id FROM apps WHERE slug = ?)", f.AppSlug)
	}
	switch {
	case f.AssigneeID == -1:
		c.add("i.assignee_id IS NULL")
	case f.AssigneeID > 0:
		c.add("i.assignee_id = ?", f.AssigneeID)
	case f.AssigneeID < -1:
		return vocdesk.Errorf(vocdesk.EINVALID, "assignee must be a member id, or -1 for unassigned")
	}
	if f.Tag != "" {
		c.add("EXISTS (SELECT 1 FROM inquiry_tags t WHERE t.inquiry_id = i.id AND t.tag = ?)", normalizeTag(f.Tag))
	}
	if f.Priority != "" {
		if err := priorityCond(c, a, f.Priority); err != nil {
			return err
		}
	}
	if f.CustomerID != 0 {
		c.add("i.customer_id = ?", f.CustomerID)
	}
	if f.TxID != "" {
		c.add("i.purchase_id = (SELECT id FROM purchases WHERE txid = ?)", f.TxID)
	}
	if (f.CustomerID != 0 || f.TxID != "") && a.IsDeveloper() {
		// A call whose customer withheld their ids is not found by them
		// either: the answer would link the inquiry to the customer.
		c.add("i.withhold_ids = ?", false)
	}
	if !f.From.IsZero() {
		c.add("i.created_at >= ?", micros(f.From))
	}
	if !f.To.IsZero() {
		c.add("i.created_at < ?", micros(f.To))
	}
	switch f.SLA {
	case "":
	case vocdesk.SLANone:
		c.add("i.due_at IS NULL")
	case vocdesk.SLAOK:
		c.add("i.due_soon_at > ?", now)
	case vocdesk.SLADueSoon:
		c.add("i.due_soon_at <= ? AND i.due_at > ?", now, now)
	case vocdesk.SLABreached:
		c.add("i.due_at <= ?", now)
	default:
		return vocdesk.Errorf(vocdesk.EINVALID, "sla must be one of none, ok, due_soon, breached")
	}
	if f.Escalated {
		c.add("i.escalated_at IS NOT NULL")
	}
	// Snoozes live in a small table of their own (migration 00121), read
	// once per page as an uncorrelated set (a developer's few, by
	// inquiry_snoozes_developer) that the walk of the sort's covering index
	// checks each entry against, never reading the inquiry's row. A probe
	// of the snoozes' key per entry (NOT EXISTS) cost PostgreSQL two
	// buffers a row: 102 more for a page whose walk reads 14 (bench/desk
	// -explain).
	snoozed, args := "SELECT z.inquiry_id FROM inquiry_snoozes z", []any(nil)
	if a.IsDeveloper() {
		snoozed, args = snoozed+" WHERE z.developer_id = ?", []any{a.DeveloperID}
	}
	switch f.Snoozed {
	case vocdesk.SnoozedAny:
	case vocdesk.SnoozedHide:
		c.add("i.id NOT IN ("+snoozed+")", args...)
	case vocdesk.SnoozedOnly:
		c.add("i.id IN ("+snoozed+")", args...)
	default:
		return vocdesk.Errorf(vocdesk.EINVALID, "snoozed must be hide or only")
	}
	return nil
}

// priorityCond keeps the inquiries of priority p. Like the snoozes below,
// the set of inquiries whose priority was set is read once, uncorrelated,
// from inquiry_priorities_filter (migration 00137), and the walk of the
// sort's covering index checks each entry against it without reading the
// inquiry's row: the row's own copy of the priority (i.priority) would
// cost a row read for every entry passed, thousands for a page of a
// priority few inquiries have. Normal is every inquiry not set to another
// priority, most of them never set at all; the others are named as a list
// so that the index's leading column is an equality, not a <>.
//
// The IN is wrapped in IS TRUE so that PostgreSQL keeps it a hashed
// subplan, as it does the snoozes' NOT IN, instead of turning it into a
// join that starts from the set: with its generic plan's estimate (14
// rows) it probed the inquiries' primary key for each of the set's rows
// and sorted them, 1,809 buffers for a page of high (one inquiry in 20;
// 334 once vacuumed) where the walk reads 275 (bench/desk -explain, scale
// 0.05, the largest developer). A priority few of a developer's inquiries
// have makes the walk pass all of that developer's index entries (urgent,
// 43 of 9,500: 291 buffers, 5 ms), bounded like the inbox's other filters.
func priorityCond(c *conds, a *vocdesk.Actor, p vocdesk.Priority) error {
	if !p.Valid() {
		return vocdesk.Errorf(vocdesk.EINVALID, "priority must be one of low, normal, high, urgent")
	}
	want := []vocdesk.Priority{p}
	in := "IN"
	if p == vocdesk.PriorityNormal {
		want, in = slices.DeleteFunc(vocdesk.Priorities(), func(q vocdesk.Priority) bool { return q == p }), "NOT IN"
	}
	marks := make([]string, len(want))
	args := make([]any, 0, len(want)+1)
	for k, q := range want {
		marks[k] = "?"
		args = append(args, string(q))
	}
	set := "SELECT p.inquiry_id FROM inquiry_priorities p WHERE p.priority IN (" + strings.Join(marks, ", ") + ")"
	if a.IsDeveloper() {
		set += " AND p.developer_id = ?"
		args = append(args, a.DeveloperID)
	}
	if in == "IN" {
		c.add("(i.id IN ("+set+")) IS TRUE", args...)
	} else {
		c.add("i.id NOT IN ("+set+")", args...)
	}
	return nil
}

// inquiryStatuses checks a filter's statuses and drops repeats.
func inquiryStatuses(list []vocdesk.InquiryStatus) ([]string, error) {
	var out []string
	for _, st := range list {
		if !st.Valid() {
			return nil, vocdesk.Errorf(vocdesk.EINVALID, "status %q is not one of new, open, waiting_on_customer, resolved, closed", st)
		}
		if !slices.Contains(out, string(st)) {
			out = append(out, string(st))
		}
	}
	return out, nil
}

// inquiryQuery builds FindInquiries' query: scope, filter, the sort's page
// key as a row-value comparison (a range on the sort's index), and one row
// more than the limit to tell whether a next page exists.
func inquiryQuery(dialect string, a *vocdesk.Actor, f vocdesk.InquiryFilter, now int64) (q string, args []any, limit int, sort inquirySort, err error) {
	sort, ok := inquirySorts[f.Sort]
	if !ok {
		return "", nil, 0, sort, vocdesk.Errorf(vocdesk.EINVALID, "sort must be one of newest, waiting, due")
	}
	limit = inquiryPageLimit(f.Limit)
	shape := inboxShapeOf(dialect, a, f, sort)
	var c conds
	g := f
	var statuses []string
	if shape == pageMerged {
		if statuses, err = inquiryStatuses(f.Status); err != nil {
			return "", nil, 0, sort, err
		}
		g.Status = nil // one branch per status, below
	}
	if err := inquiryFilterConds(&c, a, g, now); err != nil {
		return "", nil, 0, sort, err
	}
	dir, cmp := "ASC", ">"
	if sort.desc {
		dir, cmp = "DESC", "<"
	}
	if f.Cursor != "" {
		key, id, err := decodeInquiryCursor(f.Cursor, sort.name)
		if err != nil {
			return "", nil, 0, sort, err
		}
		c.add("(i."+sort.col+", i.id) "+cmp+" (?, ?)", key, id)
	}
	orderBy := func(t string) string { return " ORDER BY " + t + sort.col + " " + dir + ", " + t + "id " + dir }
	order := orderBy("i.")
	switch shape {
	case pageOfRows:
		page := "SELECT i.* FROM inquiries i" + c.where() + order + " LIMIT " + c.next(limit+1)
		q = inquiryCols(dialect) + " FROM (" + page + ") i" + pageJoins(dialect, &c, a) + order
	case pageMerged:
		lim := c.next(limit + 1)
		branches := make([]string, len(statuses))
		for k, st := range statuses {
			branches[k] = "SELECT i.* FROM inquiries i" + c.whereAnd("i.status = "+c.next(st)) + order + " LIMIT " + lim
		}
		page := branches[0]
		if len(branches) > 1 {
			page = "(" + strings.Join(branches, ") UNION ALL (") + ")" + orderBy("") + " LIMIT " + lim
		}
		q = inquiryCols(dialect) + " FROM (" + page + ") i" + pageJoins(dialect, &c, a) + order
	default:
		// The page's ids are chosen first, from the sort's index alone
		// where it can (the indexes carry status), and only those rows are
		// joined to their names: a filter that makes the engine sort
		// (several statuses) then sorts small index entries, never joined
		// rows.
		page := "SELECT i.id FROM inquiries i" + c.where() + order + " LIMIT " + c.next(limit+1)
		q = inquiryCols(dialect) + " FROM (" + page + ") page JOIN inquiries i ON i.id = page.id" + pageJoins(dialect, &c, a) + order
	}
	return q, c.args, limit, sort, nil
}

// inboxShape is how an inbox page's rows are found.
type inboxShape int

const (
	// pageByIDs walks the sort's index alone for the page's ids, then
	// reads each row by its primary key.
	pageByIDs inboxShape = iota
	// pageOfRows walks the sort's index and reads each row from the heap
	// as it goes (PostgreSQL).
	pageOfRows
	// pageMerged is pageOfRows once per status, over the developer's
	// (status, sort key) indexes, merged in order (PostgreSQL).
	pageMerged
)

// inboxShapeOf picks the page's shape. On PostgreSQL a primary-key lookup
// is a descent of a B-tree of its own, four buffers per row: 204 of an
// inbox page's 365. Reading the rows during the index walk costs one each,
// and the server answered 1.7 times the pages (pgbench, 16 clients). That
// walk reads the row of every entry it passes, so it is only taken where
// the index alone could not have skipped entries either: with no filter on
// status (which the sort indexes carry) and no tag or priority (inquiry_tags and
// inquiry_priorities answer without the row). A developer's inquiries of some statuses merge one
// walk per status of the (developer, status, sort key) indexes, each
// passing only rows it keeps (migration 00056). SQLite finds a row by its
// rowid in the table's own B-tree, which the ids-first walk reads anyway.
func inboxShapeOf(dialect string, a *vocdesk.Actor, f vocdesk.InquiryFilter, sort inquirySort) inboxShape {
	switch {
	case dialect != dialectPostgres || f.Tag != "" || f.Priority != "":
		return pageByIDs
	case len(f.Status) == 0:
		return pageOfRows
	case a.IsDeveloper():
		return pageMerged
	}
	return pageByIDs
}

func inquiryPageLimit(n int) int {
	if n <= 0 {
		return defaultInquiryLimit
	}
	return min(n, maxInquiryLimit)
}

// FindInquiries lists inquiries the actor may see, a page at a time. With
// f.Q set it searches instead (SearchInquiries without the snippets).
func (s *InquiryService) FindInquiries(ctx context.Context, f vocdesk.InquiryFilter) ([]*vocdesk.Inquiry, string, error) {
	if strings.TrimSpace(f.Q) != "" {
		hits, next, err := s.SearchInquiries(ctx, f)
		if err != nil {
			return nil, "", err
		}
		list := make([]*vocdesk.Inquiry, len(hits))
		for k, h := range hits {
			list[k] = h.Inquiry
		}
		return list, next, nil
	}
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, "", err
	}
	tx, err := s.db.beginReadGeneric(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	q, args, limit, sort, err := inquiryQuery(tx.dialect, a, f, micros(tx.now))
	if err != nil {
		return nil, "", err
	}
	list, err := tx.findInquiries(ctx, a, q, args)
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: find inquiries: %w", err)
	}
	var next string
	if len(list) > limit {
		list = list[:limit]
		next = inquiryCursor(sort, list[limit-1])
	}
	return list, next, nil
}

// inquiryCursor is the page key of the last row, with the sort's name, so a
// cursor of one sort is refused by another.
func inquiryCursor(sort inquirySort, in *vocdesk.Inquiry) string {
	var key int64
	switch sort.name {
	case "newest":
		key = micros(in.CreatedAt)
	case "waiting":
		key = notWaiting
		if in.WaitingSince != nil {
			key = micros(*in.WaitingSince)
		}
	case "due":
		key = notWaiting
		if in.DueAt != nil {
			key = micros(*in.DueAt)
		}
	}
	return encodeInquiryCursor(sort.name, key, in.ID)
}

func encodeInquiryCursor(sort string, key, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(sort + "." + strconv.FormatInt(key, 10) + "." + strconv.FormatInt(id, 10)))
}

func decodeInquiryCursor(s, sort string) (key, id int64, err error) {
	bad := vocdesk.Errorf(vocdesk.EINVALID, "cursor is not one this server gave out for this sort")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, 0, bad
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 3 || parts[0] != sort {
		return 0, 0, bad
	}
	if key, err = strconv.ParseInt(parts[1], 10, 64); err != nil {
		return 0, 0, bad
	}
	if id, err = strconv.ParseInt(parts[2], 10, 64); err != nil || id <= 0 {
		return 0, 0, bad
	}
	return key, id, nil
}

// CountInquiries counts the actor's inquiries per status under f. A
// developer's or operator's unfiltered counts come from inquiry_counts,
// kept in step by every status change, so the inbox's tabs cost a few rows
// however large the inbox; filtered counts count the rows.
func (s *InquiryService) CountInquiries(ctx context.Context, f vocdesk.InquiryFilter) (map[vocdesk.InquiryStatus]int, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	f.Status, f.Cursor, f.Sort = nil, "", ""
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var q string
	var args []any
	if unfiltered(f) && !a.IsCustomer() {
		var c conds
		if a.IsDeveloper() {
			c.add("developer_id = ?", a.DeveloperID)
		} else if !a.IsOperator() {
			c.add("1 = 0")
		}
		q, args = `SELECT status, SUM(n) FROM inquiry_counts`+c.where()+` GROUP BY status`, c.args
	} else {
		if strings.TrimSpace(f.Q) != "" {
			return nil, vocdesk.Errorf(vocdesk.EINVALID, "counts do not take a search")
		}
		var c conds
		if err := inquiryFilterConds(&c, a, f, micros(tx.now)); err != nil {
			return nil, err
		}
		q, args = `SELECT i.status, COUNT(*) FROM inquiries i`+c.where()+` GROUP BY i.status`, c.args
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: count inquiries: %w", err)
	}
	defer rows.Close()
	counts := make(map[vocdesk.InquiryStatus]int, 5)
	for _, st := range vocdesk.InquiryStatuses() {
		counts[st] = 0
	}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("sqlstore: count inquiries: %w", err)
		}
		counts[vocdesk.InquiryStatus(st)] = n
	}
	return counts, rows.Err()
}

// unfiltered reports whether f narrows nothing beyond the actor's scope.
func unfiltered(f vocdesk.InquiryFilter) bool {
	return f.Category == "" && f.Channel == "" && f.AppSlug == "" && f.AssigneeID == 0 && f.Tag == "" && f.Priority == "" &&
		f.CustomerID == 0 && f.TxID == "" && f.From.IsZero() && f.To.IsZero() && f.SLA == "" && !f.Escalated &&
		strings.TrimSpace(f.Q) == ""
}
