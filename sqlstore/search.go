package sqlstore

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vocdesk/vocdesk"
)

// Full-text search: one document per inquiry, rewritten at every change to
// its text (search_terms.go says how text becomes terms): on PostgreSQL in
// the change's transaction, on SQLite after it, in batches
// (search_later.go).
// SQLite keeps it twice, in FTS5 tables with phrases and positions:
// inquiry_fts for the store (customers and operators, narrowed by tenancy
// terms) and inquiry_fts_dev with every term behind its developer's id
// (scopeTerm), where a developer's search reads doclists of their own;
// PostgreSQL as a positionless tsvector with a GIN index in inquiry_search
// (terms ANDed, which GIN answers without reading documents back; the exact
// phrase is checked in Go on the page's texts). Results come newest inquiry
// first, driven by the index: FTS5 walks its doclists in descending rowid
// and stops at the page's end; PostgreSQL intersects GIN posting lists (the
// words' and the tenancy term's) and sorts the matches.

// indexInquiry rewrites the search document of inquiry id from its subject
// and its messages (system events are not searched): on PostgreSQL in the
// transaction, on SQLite after it commits (search_later.go).
func (tx *Tx) indexInquiry(ctx context.Context, id int64) error {
	if tx.dialect == dialectSQLite {
		return tx.indexLater(ctx, id)
	}
	doc, err := tx.readSearchDoc(ctx, id)
	if err != nil {
		return err
	}
	return tx.writeSearchDoc(ctx, id, doc)
}

// readSearchDoc reads inquiry id's search document; sql.ErrNoRows (wrapped)
// when there is no such inquiry.
func (tx *Tx) readSearchDoc(ctx context.Context, id int64) (*searchDoc, error) {
	var doc searchDoc
	var subject string
	err := tx.queryRow(ctx, `SELECT developer_id, COALESCE(customer_id, 0), subject FROM inquiries WHERE id = $1`, id).
		Scan(&doc.developerID, &doc.customerID, &subject)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: index inquiry: %w", err)
	}
	doc.public = append(doc.public, subject)
	rows, err := tx.query(ctx, `SELECT body, internal FROM inquiry_messages WHERE inquiry_id = $1 AND author <> 'system' ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: index inquiry: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var body string
		var internal bool
		if err := rows.Scan(&body, &internal); err != nil {
			return nil, fmt.Errorf("sqlstore: index inquiry: %w", err)
		}
		if internal {
			doc.notes = append(doc.notes, body)
		} else {
			doc.public = append(doc.public, body)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: index inquiry: %w", err)
	}
	return &doc, nil
}

// writeSearchDoc replaces inquiry id's document.
func (tx *Tx) writeSearchDoc(ctx context.Context, id int64, doc *searchDoc) error {
	if tx.dialect == dialectSQLite {
		r, err := doc.render()
		if err != nil {
			return err
		}
		return tx.writeRendered(ctx, id, r)
	}
	_, err := tx.exec(ctx, `INSERT INTO inquiry_search (inquiry_id, developer_id, doc) VALUES ($1, $2, $3::tsvector)
		ON CONFLICT (inquiry_id) DO UPDATE SET doc = EXCLUDED.doc`, id, doc.developerID, doc.tsvector())
	if err != nil {
		return fmt.Errorf("sqlstore: write search document: %w", err)
	}
	return nil
}

// writeRendered replaces inquiry id's document in SQLite's two FTS5 tables
// and adds its terms to the dictionary that prefix queries are looked up
// in (lookUpPrefixes); a nil r removes the document.
func (tx *Tx) writeRendered(ctx context.Context, id int64, r *renderedDoc) error {
	put := r != nil
	if !put {
		r = &renderedDoc{}
	}
	err := tx.writeFTS(ctx, "inquiry_fts", id, r.terms, r.notes, put)
	if err == nil {
		err = tx.writeFTS(ctx, "inquiry_fts_dev", id, r.devTerms, r.devNotes, put)
	}
	if err == nil && r.words != "" {
		_, err = tx.exec(ctx, `INSERT OR IGNORE INTO inquiry_terms (term) SELECT value FROM json_each($1)`, r.words)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: write search document: %w", err)
	}
	return nil
}

// writeFTS replaces the row of inquiry id in one of SQLite's FTS5 tables
// (only removes it unless put).
func (tx *Tx) writeFTS(ctx context.Context, table string, id int64, terms, notes string, put bool) error {
	if _, err := tx.exec(ctx, `DELETE FROM `+table+` WHERE rowid = $1`, id); err != nil || !put {
		return err
	}
	_, err := tx.exec(ctx, `INSERT INTO `+table+` (rowid, terms, notes) VALUES ($1, $2, $3)`, id, terms, notes)
	return err
}

// searchQuery builds SearchInquiries' query: the engine's index in front,
// the usual scope and filters on the inquiry, newest inquiry first, keyed on
// the inquiry id.
func searchQuery(dialect string, a *vocdesk.Actor, f vocdesk.InquiryFilter, now, from int64) (q string, args []any, units []queryUnit, limit int, err error) {
	return buildSearchQuery(dialect, a, f, nil, now, from, 0)
}

// buildSearchQuery is searchQuery with f.Q's units given, as searchPage
// has them with their prefixes looked up (nil: parse f.Q). newest > 0 (a
// developer on PostgreSQL) looks only at the developer's newest documents
// below the cursor, that many, in the order of their index.
func buildSearchQuery(dialect string, a *vocdesk.Actor, f vocdesk.InquiryFilter, units []queryUnit, now, from int64, newest int) (q string, args []any, _ []queryUnit, limit int, err error) {
	if !validQuery(f.Q) {
		return "", nil, nil, 0, vocdesk.Errorf(vocdesk.EINVALID, "q must hold a word to search for (at most 200 characters)")
	}
	if f.Sort != "" && f.Sort != "newest" {
		return "", nil, nil, 0, vocdesk.Errorf(vocdesk.EINVALID, "search results come newest first; sort must be newest")
	}
	if units == nil {
		units = parseQuery(f.Q)
	}
	limit = inquiryPageLimit(f.Limit)
	tenancy, publicOnly := "", false
	switch {
	case a.IsDeveloper():
		tenancy = developerTerm(a.DeveloperID)
	case a.IsCustomer():
		tenancy, publicOnly = customerTerm(a.CustomerID), true
	}
	var c conds
	var tables, key string
	if dialect == dialectSQLite {
		// A developer searches their own part of the developers' table
		// (scopeTerm); customers and operators the store-wide one.
		table, match := "inquiry_fts", ftsQuery(units, keepTerm, tenancy, publicOnly)
		if a.IsDeveloper() {
			table, match = "inquiry_fts_dev", ftsQuery(units, scopeTerm(a.DeveloperID), "", false)
		}
		tables, key = ` FROM `+table+` JOIN inquiries i ON i.id = `+table+`.rowid`, table+".rowid"
		c.add(table+" MATCH ?", match)
	} else {
		tables, key = ` FROM inquiry_search s JOIN inquiries i ON i.id = s.inquiry_id`, "s.inquiry_id"
		if newest > 0 && (a.IsDeveloper() || a.IsOperator()) {
			// The developer's newest documents, or (an operator) the
			// store's, in their index's order.
			sub, order := ` FROM (SELECT developer_id, inquiry_id, doc FROM inquiry_search WHERE `, `inquiry_id DESC`
			if a.IsDeveloper() {
				sub, order = sub+`developer_id = `+c.next(a.DeveloperID)+` AND `, `developer_id, `+order
			}
			below := int64(math.MaxInt64)
			if f.Cursor != "" {
				var err error
				if _, below, err = decodeInquiryCursor(f.Cursor, "search"); err != nil {
					return "", nil, nil, 0, err
				}
			}
			sub += `inquiry_id < ` + c.next(below)
			tables = sub + ` ORDER BY ` + order + ` LIMIT ` + c.next(newest) + `) s JOIN inquiries i ON i.id = s.inquiry_id`
		}
		c.add("s.doc @@ CAST(? AS tsquery)", tsQuery(units, tenancy, publicOnly))
		if a.IsDeveloper() {
			c.add("s.developer_id = ?", a.DeveloperID)
		}
	}
	// The index narrows; the scope decides (inquiry_scope.go), as everywhere.
	if err := inquiryFilterConds(&c, a, f, now); err != nil {
		return "", nil, nil, 0, err
	}
	if f.Cursor != "" {
		_, id, err := decodeInquiryCursor(f.Cursor, "search")
		if err != nil {
			return "", nil, nil, 0, err
		}
		c.add(key+" < ?", id)
	}
	if from > 0 {
		c.add(key+" >= ?", from)
	}
	order := key
	if dialect == dialectPostgres {
		// "+ 0" keeps PostgreSQL from walking the primary key backwards and
		// testing each document: its estimate of a term's rarity is poor,
		// and for a word in no document that walk reads every document of
		// the developer. The GIN index (with the tenancy term) finds the
		// matches, and only they are sorted.
		order = key + " + 0"
		switch {
		case newest > 0 && a.IsDeveloper():
			// The newest documents come in the index's order: keep it, so
			// the scan stops at the page's end.
			order = "s.developer_id, s.inquiry_id"
		case newest > 0 && a.IsOperator():
			order = "s.inquiry_id"
		}
	}
	// As in the inbox, the page's ids come first and only they are joined
	// to names: a common word matches thousands of inquiries.
	page := "SELECT " + key + " AS id" + tables + c.where() + " ORDER BY " + order + " DESC LIMIT " + c.next(limit+1)
	q = inquiryCols(dialect) + " FROM (" + page + ") page JOIN inquiries i ON i.id = page.id" + pageJoins(dialect, &c, a) + " ORDER BY i.id DESC"
	return q, c.args, units, limit, nil
}

// SearchInquiries finds inquiries by words in their subject and messages,
// in Korean and English, newest first, each with a highlighted snippet.
// Customers never match internal notes, and see no snippet from them. The
// next cursor follows the rows the index gave, so a page may hold fewer
// hits than the limit when the exact check (snippets) dropped some.
func (s *InquiryService) SearchInquiries(ctx context.Context, f vocdesk.InquiryFilter) ([]*vocdesk.SearchHit, string, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, "", err
	}
	// Before the snapshot, so that it holds the documents.
	s.db.search.caughtUp(ctx)
	// Each statement's answer stands alone (a page, then the snippets of
	// its rows), so on PostgreSQL they need no common snapshot.
	tx, err := s.db.beginReadOne(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	list, units, limit, err := tx.searchPage(ctx, a, f)
	if err != nil {
		return nil, "", err
	}
	var next string
	if len(list) > limit {
		list = list[:limit]
		next = encodeInquiryCursor("search", list[limit-1].ID, list[limit-1].ID)
	}
	hits, err := tx.snippets(ctx, a, list, units)
	if err != nil {
		return nil, "", err
	}
	return hits, next, nil
}

// snippets finds, for each inquiry, the first text that matches (subject,
// then messages in order) and cuts a highlighted snippet from it, and keeps
// only inquiries whose visible texts hold every word of the search as typed:
// the index's answer is "has these terms", which for a phrase of bigrams on
// PostgreSQL can include a text where they are not next to each other. One
// query reads the messages of the inquiries whose subject did not settle
// both (most searched words are in the subject or the first message).
func (tx *Tx) snippets(ctx context.Context, a *vocdesk.Actor, list []*vocdesk.Inquiry, units []queryUnit) ([]*vocdesk.SearchHit, error) {
	if len(list) == 0 {
		return nil, nil
	}
	words := make([]string, len(units))
	for k, u := range units {
		words[k] = string(u.text)
	}
	cands := make([]*searchCandidate, len(list))
	byID := make(map[int64]*searchCandidate, len(list))
	var marks []string
	var args []any
	for k, in := range list {
		c := &searchCandidate{hit: &vocdesk.SearchHit{Inquiry: in}, found: make([]bool, len(units))}
		c.see(in.Subject, units, words)
		cands[k], byID[in.ID] = c, c
		if !c.done() {
			args = append(args, in.ID)
			marks = append(marks, fmt.Sprintf("$%d", len(args)))
		}
	}
	if len(args) > 0 {
		q := `SELECT inquiry_id, body FROM inquiry_messages WHERE inquiry_id IN (` + strings.Join(marks, ", ") + `) AND author <> 'system'`
		if a.IsCustomer() {
			args = append(args, false)
			q += fmt.Sprintf(" AND internal = $%d", len(args))
		}
		rows, err := tx.query(ctx, q+` ORDER BY inquiry_id, id`, args...)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: search snippets: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var body string
			if err := rows.Scan(&id, &body); err != nil {
				return nil, fmt.Errorf("sqlstore: search snippets: %w", err)
			}
			byID[id].see(body, units, words)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlstore: search snippets: %w", err)
		}
	}
	hits := make([]*vocdesk.SearchHit, 0, len(cands))
	for _, c := range cands {
		if !slices.Contains(c.found, false) {
			hits = append(hits, c.hit)
		}
	}
	return hits, nil
}

// searchCandidate is an inquiry of a search's page while its texts are
// checked: its snippet once one text matched, and which words were found.
type searchCandidate struct {
	hit   *vocdesk.SearchHit
	found []bool
}

// done reports whether the candidate has its snippet and every word.
func (c *searchCandidate) done() bool { return c.hit.Snippet != "" && !slices.Contains(c.found, false) }

// see checks one more text of the candidate (words are the units' texts):
// it marks the words the text holds and, if it is the first text to match,
// cuts the snippet from it. A text that holds no word is only lower-cased
// once; one with highlight markers goes to snippet, which matches after
// removing them.
func (c *searchCandidate) see(text string, units []queryUnit, words []string) {
	if c.done() {
		return
	}
	low := strings.Map(unicode.ToLower, text)
	matched := false
	for k, w := range words {
		if strings.Contains(low, w) {
			c.found[k], matched = true, true
		}
	}
	if c.hit.Snippet == "" && (matched || strings.Contains(text, vocdesk.HighlightStart) || strings.Contains(text, vocdesk.HighlightEnd)) {
		if sn, ok := snippet(text, units); ok {
			c.hit.Snippet = sn
		}
	}
}

// searchPage runs the search for one page. On PostgreSQL a developer's
// and an operator's search go in steps (searchPageNewest): a common word
// matches a large share of the inquiries, and GIN returns its matches
// unordered, so every match would be read from the heap to find the newest
// few. A customer's tenancy term is selective already, so customers search
// once; on SQLite FTS5 walks its doclists newest first and stops at the
// page's end.
func (tx *Tx) searchPage(ctx context.Context, a *vocdesk.Actor, f vocdesk.InquiryFilter) ([]*vocdesk.Inquiry, []queryUnit, int, error) {
	now := micros(tx.now)
	if tx.dialect == dialectPostgres && (a.IsDeveloper() || a.IsOperator()) {
		return tx.searchPageNewest(ctx, a, f, now, []int{searchFirstLook, searchNextLook}, searchWindow)
	}
	var units []queryUnit
	if tx.dialect == dialectSQLite && validQuery(f.Q) {
		units = parseQuery(f.Q)
		found, err := tx.lookUpPrefixes(ctx, units)
		if err != nil {
			return nil, nil, 0, err
		}
		if !found {
			// A prefix no document's term starts with: nothing matches.
			return nil, units, inquiryPageLimit(f.Limit), nil
		}
	}
	return tx.runSearch(ctx, a, f, units, now, 0, 0)
}

// runSearch builds the search's query (buildSearchQuery) and reads its
// page of inquiries.
func (tx *Tx) runSearch(ctx context.Context, a *vocdesk.Actor, f vocdesk.InquiryFilter, units []queryUnit, now, from int64, newest int) ([]*vocdesk.Inquiry, []queryUnit, int, error) {
	q, args, units, limit, err := buildSearchQuery(tx.dialect, a, f, units, now, from, newest)
	if err != nil {
		return nil, nil, 0, err
	}
	if newest == 0 {
		// The index step's best plan depends on the words: after five
		// runs PostgreSQL would otherwise keep a generic plan if its
		// estimate were no worse, and the generic plan of a developer's
		// index step took the largest developer for an average one and
		// read 121,564 entries of inquiry_search_developer (10-17 ms) to
		// find a word in no document, where the plan for the values read
		// 14 pages of the GIN index (0.1 ms). Planning costs 0.3-0.8 ms,
		// paid here only: a developer's looks at the newest documents
		// (newest > 0) plan alike for any values.
		args = tx.forValues(args)
		// Nor in parallel: the planner's guess at a term's matches is
		// poor, and for a rare word it planned two parallel workers to
		// read a handful of GIN entries. Starting them cost more than the
		// search (bench/desk at 1M inquiries, 64 clients: operator
		// searches 371/s with them, 510/s without; a rare word's GIN step
		// 31-43 ms with, 0.1 ms without, on the loaded machine).
		tx.serial = true
		defer func() { tx.serial = false }()
	}
	list, err := tx.findInquiries(ctx, a, q, args)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("sqlstore: search inquiries: %w", err)
	}
	return list, units, limit, nil
}

// maxPrefixTerms is how many terms a prefix query is answered with as
// exact terms; a prefix of more (a one-letter English word) is left to
// FTS5's prefix query.
const maxPrefixTerms = 32

// lookUpPrefixes finds, on SQLite, the terms each prefix unit stands for in
// the dictionary inquiry_terms and sets them as the unit's exact terms:
// FTS5 answers a prefix by merging the doclists of all its terms over the
// whole index before it returns a row, which costs as much for a page of
// twenty as for every match, while an OR of exact terms is walked newest
// first and stops at the page's end. found is false when some prefix
// starts no term at all, so that nothing can match.
func (tx *Tx) lookUpPrefixes(ctx context.Context, units []queryUnit) (found bool, err error) {
	for k := range units {
		u := &units[k]
		if !u.prefix {
			continue
		}
		p := u.terms[len(u.terms)-1]
		// Terms are compared as bytes: every term starting with p sorts
		// before p followed by the last code point.
		rows, err := tx.query(ctx, `SELECT term FROM inquiry_terms WHERE term >= $1 AND term < $2 ORDER BY term LIMIT $3`,
			p, p+string(utf8.MaxRune), maxPrefixTerms+1)
		if err != nil {
			return false, fmt.Errorf("sqlstore: search terms: %w", err)
		}
		var terms []string
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return false, fmt.Errorf("sqlstore: search terms: %w", err)
			}
			terms = append(terms, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return false, fmt.Errorf("sqlstore: search terms: %w", err)
		}
		switch {
		case len(terms) == 0:
			return false, nil
		case len(terms) <= maxPrefixTerms:
			u.exact = terms
		}
	}
	return true, nil
}
