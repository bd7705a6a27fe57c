package sqlstore

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vocdesk/vocdesk"
)

// The search index is written and queried through the terms made here, the
// same on both engines, so neither engine's tokenizer, locale or extensions
// decide how Korean is cut.
//
// Text is split into runs of letters and digits. A run of Korean (or other
// CJK) characters becomes its overlapping character bigrams followed by its
// last character: "환불요청" gives 환불 불요 요청 청. Any part of two or more
// characters is then a phrase of bigrams ("불요청" is 불요 요청), and one
// character is a prefix query: every character of a run starts one of its
// terms. Other runs (English, digits, txids) become one lower-cased term,
// queried as a prefix, so "refund" finds "Refunds".

// isCJK reports whether r belongs to a script written without spaces
// between the parts of a word.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Hangul, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// maxTermRunes caps one term: a 5,000-character "word" is noise, and FTS5
// and tsvector both have limits on a term's size.
const maxTermRunes = 64

// runs calls fn for each run of word characters of one kind, lower-cased.
func runs(text string, fn func(run []rune, cjk bool)) {
	var run []rune
	cjk := false
	flush := func() {
		if len(run) > 0 {
			fn(run, cjk)
			run = run[:0]
		}
	}
	for _, r := range text {
		// ASCII and Hangul syllables, nearly all of what customers write,
		// are classified without the unicode tables: the tables' lookups
		// were half the cost of indexing a mail (bench/mail).
		var word, c bool
		switch {
		case r < utf8.RuneSelf:
			word = 'a' <= r && r <= 'z' || '0' <= r && r <= '9'
			if 'A' <= r && r <= 'Z' {
				word, r = true, r+('a'-'A')
			}
		case 0xAC00 <= r && r <= 0xD7A3: // Hangul syllables: letters, no case
			word, c = true, true
		default:
			word, c = isWordRune(r), isCJK(r)
			r = unicode.ToLower(r)
		}
		if !word {
			flush()
			continue
		}
		if len(run) > 0 && c != cjk {
			flush()
		}
		cjk = c
		run = append(run, r)
	}
	flush()
}

// maxIndexedBytes bounds the text of one message (or subject) that search
// indexes: its first 8 KiB, cut on a rune boundary. A person's words come
// first; what follows in a long mail is mostly the quoted thread, a
// signature or a pasted log, which made every 20 KB mail cost as much as
// all the rest of its intake. bench/mail (issue 18): indexing the whole body
// was 42% of the intake's CPU; this cap and reading each text's terms once
// (searchDoc.termLists) took it to about a sixth of that. The message itself
// is kept whole; only search stops looking past the cap.
const maxIndexedBytes = 8 << 10

// indexedPrefix is the part of text that search indexes.
func indexedPrefix(text string) string {
	if len(text) <= maxIndexedBytes {
		return text
	}
	cut := maxIndexedBytes
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut]
}

// indexTerms calls emit with each term of text's indexed prefix, in order.
func indexTerms(text string, emit func(term string)) {
	runs(indexedPrefix(text), func(run []rune, cjk bool) {
		if !cjk {
			if len(run) > maxTermRunes {
				run = run[:maxTermRunes]
			}
			emit(string(run))
			return
		}
		for k := 0; k+1 < len(run); k++ {
			emit(string(run[k : k+2]))
		}
		emit(string(run[len(run)-1:]))
	})
}

// queryUnit is one word of a search: a phrase of terms that must appear
// next to each other, the last one possibly a prefix. text is the word as
// typed (lower-cased), which the snippet highlights.
type queryUnit struct {
	terms  []string
	prefix bool
	text   []rune
	// exact, for a prefix unit on SQLite, holds every indexed term that
	// starts with the prefix (lookUpPrefixes): FTS5 is asked for them
	// rather than for the prefix.
	exact []string
}

// maxQueryUnits bounds the words of one search.
const maxQueryUnits = 8

// parseQuery splits a search into units; all must match.
func parseQuery(q string) []queryUnit {
	var units []queryUnit
	runs(q, func(run []rune, cjk bool) {
		if len(units) == maxQueryUnits {
			return
		}
		u := queryUnit{text: append([]rune(nil), run...)}
		switch {
		case !cjk:
			if len(run) > maxTermRunes {
				run = run[:maxTermRunes]
			}
			u.terms, u.prefix = []string{string(run)}, true
		case len(run) == 1:
			u.terms, u.prefix = []string{string(run)}, true
		default:
			for k := 0; k+1 < len(run); k++ {
				u.terms = append(u.terms, string(run[k:k+2]))
			}
		}
		units = append(units, u)
	})
	return units
}

// Tenancy terms contain '_', which user text never yields (runs hold only
// letters and digits), so no message can forge one.
func developerTerm(id int64) string { return "_d" + strconv.FormatInt(id, 10) }
func customerTerm(id int64) string  { return "_c" + strconv.FormatInt(id, 10) }

// searchDoc is one inquiry's document: what customers see, and the notes.
type searchDoc struct {
	developerID, customerID int64
	public                  []string // subject and messages customers see
	notes                   []string // internal notes

	// The terms of public and notes, in order, made once: SQLite's two
	// tables and its dictionary each render them.
	publicTerms, noteTerms []string
	termsMade              bool
}

// renderedDoc is a document as SQLite's tables take it.
type renderedDoc struct {
	terms, notes       string // inquiry_fts's columns
	devTerms, devNotes string // inquiry_fts_dev's
	words              string // the distinct terms, a JSON array ("" when none)
}

// render renders d for SQLite.
func (d *searchDoc) render() (*renderedDoc, error) {
	r := &renderedDoc{}
	r.terms, r.notes = d.ftsColumns()
	r.devTerms, r.devNotes = d.developerFTSColumns()
	if words := d.distinctTerms(); len(words) > 0 {
		list, err := json.Marshal(words)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: search terms: %w", err)
		}
		r.words = string(list)
	}
	return r, nil
}

// termLists returns the document's terms, cutting its texts the first time.
func (d *searchDoc) termLists() (public, notes []string) {
	if !d.termsMade {
		for _, t := range d.public {
			indexTerms(t, func(term string) { d.publicTerms = append(d.publicTerms, term) })
		}
		for _, t := range d.notes {
			indexTerms(t, func(term string) { d.noteTerms = append(d.noteTerms, term) })
		}
		d.termsMade = true
	}
	return d.publicTerms, d.noteTerms
}

// ftsColumns renders the document for SQLite's store-wide FTS5 table
// (inquiry_fts): the terms of each column separated by spaces; the tenancy
// terms lead the public column.
func (d *searchDoc) ftsColumns() (terms, notes string) {
	var b strings.Builder
	b.WriteString(developerTerm(d.developerID))
	if d.customerID != 0 {
		b.WriteString(" " + customerTerm(d.customerID))
	}
	return d.renderColumns(&b, "")
}

// developerFTSColumns renders the document for SQLite's developers' table
// (inquiry_fts_dev): every term behind the developer's id (scopedTerm), and
// no tenancy term, since the terms are the tenancy.
func (d *searchDoc) developerFTSColumns() (terms, notes string) {
	return d.renderColumns(&strings.Builder{}, scopePrefix(d.developerID))
}

// renderColumns appends the public texts' terms to b, each behind prefix,
// and renders the notes' terms the same way. (A prefix rather than a
// mapping function: one string per term less to make.)
func (d *searchDoc) renderColumns(b *strings.Builder, prefix string) (terms, notes string) {
	publicTerms, noteTerms := d.termLists()
	write := func(w *strings.Builder, list []string) {
		size := w.Len()
		for _, t := range list {
			size += 1 + len(prefix) + len(t)
		}
		w.Grow(size - w.Len())
		for _, t := range list {
			if w.Len() > 0 {
				w.WriteByte(' ')
			}
			w.WriteString(prefix)
			w.WriteString(t)
		}
	}
	var n strings.Builder
	write(b, publicTerms)
	write(&n, noteTerms)
	return b.String(), n.String()
}

func keepTerm(term string) string { return term }

// scopeTerm returns the mapping of terms into developer id's part of the
// developers' index: "환불" becomes "42_환불". Each developer then has
// doclists of their own. In the store-wide table a developer's search is
// the AND of the developer's term and each word, and for a developer with
// few inquiries FTS5 steps through a common word's doclist over the whole
// store to find the few that are theirs; in their own part it reads a
// doclist of their inquiries only. User text never yields '_', so the
// first '_' ends the id and no text can reach another developer's terms.
func scopeTerm(developerID int64) func(string) string {
	id := scopePrefix(developerID)
	return func(term string) string { return id + term }
}

// scopePrefix is what scopeTerm puts before each of the developer's terms.
func scopePrefix(developerID int64) string { return strconv.FormatInt(developerID, 10) + "_" }

// distinctTerms returns the document's terms (both columns), each once,
// without the tenancy terms: what SQLite's dictionary of terms holds.
func (d *searchDoc) distinctTerms() []string {
	seen := map[string]bool{}
	var list []string
	add := func(term string) {
		if !seen[term] {
			seen[term] = true
			list = append(list, term)
		}
	}
	public, notes := d.termLists()
	for _, t := range public {
		add(t)
	}
	for _, t := range notes {
		add(t)
	}
	return list
}

// noteTerm marks a term of an internal note in PostgreSQL's document, so
// one tsvector holds both and customers' queries can leave notes out.
func noteTerm(term string) string { return "_n" + term }

// tsvector renders the document as a PostgreSQL tsvector literal: each
// distinct term once, without positions. Queries are ANDs of terms (a
// phrase's bigrams ANDed, then checked in Go against the text, see
// snippets), which GIN answers exactly, without reading the documents
// back; positions would only make documents larger. Terms are letters,
// digits and '_' only, so they need no escaping inside the quotes.
func (d *searchDoc) tsvector() string {
	seen := map[string]bool{}
	var b strings.Builder
	add := func(term string) {
		if seen[term] {
			return
		}
		seen[term] = true
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('\'')
		b.WriteString(term)
		b.WriteByte('\'')
	}
	add(developerTerm(d.developerID))
	if d.customerID != 0 {
		add(customerTerm(d.customerID))
	}
	public, notes := d.termLists()
	for _, t := range public {
		add(t)
	}
	for _, t := range notes {
		add(noteTerm(t))
	}
	return b.String()
}

// ftsQuery renders units as an FTS5 query: every unit a quoted phrase, a
// prefix marked with *, all ANDed, behind the tenancy term when there is
// one. term maps each term into the table's form (scopeTerm in the
// developers' table). publicOnly limits the match to the terms column
// (customers).
func ftsQuery(units []queryUnit, term func(string) string, tenancy string, publicOnly bool) string {
	parts := make([]string, len(units))
	quote := func(terms []string, sep string) string {
		mapped := make([]string, len(terms))
		for k, t := range terms {
			mapped[k] = term(t)
		}
		return `"` + strings.Join(mapped, sep) + `"`
	}
	for k, u := range units {
		p := quote(u.terms, " ")
		switch {
		case u.prefix && len(u.exact) == 1:
			p = quote(u.exact, "")
		case u.prefix && len(u.exact) > 1:
			p = "(" + quote(u.exact, `" OR "`) + ")"
		case u.prefix:
			p += "*"
		}
		parts[k] = p
	}
	q := strings.Join(parts, " AND ")
	if publicOnly {
		q = "terms : (" + q + ")"
	}
	if tenancy != "" {
		q = `"` + tenancy + `" AND ` + q
	}
	return q
}

// tsQuery renders units as a PostgreSQL tsquery: each unit's terms ANDed
// (a prefix with :*), in what customers see or, unless publicOnly, in the
// notes' terms too.
func tsQuery(units []queryUnit, tenancy string, publicOnly bool) string {
	var parts []string
	if tenancy != "" {
		parts = append(parts, "'"+tenancy+"'")
	}
	for _, u := range units {
		side := func(mark func(string) string) string {
			terms := make([]string, len(u.terms))
			for k, t := range u.terms {
				terms[k] = "'" + mark(t) + "'"
				if u.prefix && k == len(u.terms)-1 {
					terms[k] += ":*"
				}
			}
			return strings.Join(terms, " & ")
		}
		q := side(func(t string) string { return t })
		if !publicOnly {
			q = "(" + q + ") | (" + side(noteTerm) + ")"
		}
		parts = append(parts, "("+q+")")
	}
	return strings.Join(parts, " & ")
}

// snippetRadius is how many characters of context a snippet shows on each
// side of the first match.
const snippetRadius = 40

// snippet returns the part of text around the first match of any unit, with
// every match in it between the highlight markers, or ok=false when text
// holds no match. Matching is by lower-cased characters, so "REFUND" is
// highlighted for "refund" and 환불 inside 환불요청.
func snippet(text string, units []queryUnit) (string, bool) {
	rs := []rune(strings.ReplaceAll(strings.ReplaceAll(text, vocdesk.HighlightStart, ""), vocdesk.HighlightEnd, ""))
	low := make([]rune, len(rs))
	for k, r := range rs {
		low[k] = unicode.ToLower(r)
	}
	hit := make([]bool, len(rs))
	first := -1
	for _, u := range units {
		n := len(u.text)
		if n == 0 {
			continue
		}
		for k := 0; k+n <= len(low); k++ {
			if runesEqual(low[k:k+n], u.text) {
				for j := k; j < k+n; j++ {
					hit[j] = true
				}
				if first < 0 || k < first {
					first = k
				}
			}
		}
	}
	if first < 0 {
		return "", false
	}
	from, to := max(0, first-snippetRadius), min(len(rs), first+2*snippetRadius)
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	for k := from; k < to; k++ {
		if hit[k] && (k == from || !hit[k-1]) {
			b.WriteString(vocdesk.HighlightStart)
		}
		r := rs[k]
		if r == '\n' || r == '\r' || r == '\t' {
			r = ' '
		}
		b.WriteRune(r)
		if hit[k] && (k == to-1 || !hit[k+1]) {
			b.WriteString(vocdesk.HighlightEnd)
		}
	}
	if to < len(rs) {
		b.WriteString("…")
	}
	return b.String(), true
}

func runesEqual(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

// validQuery reports whether q has something to search for.
func validQuery(q string) bool { return utf8.RuneCountInString(q) <= 200 && len(parseQuery(q)) > 0 }
