package desk

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Teammate is a member who may be mentioned: their id and the name the
// team knows them by.
type Teammate struct {
	ID   int64
	Name string
}

// Mentions returns the ids of the teammates an internal note names with
// "@" followed by their name (the autocomplete inserts exactly that), each
// once, in the order first named. A name is matched without regard to
// case; the longest name wins where one name starts another ("@Min" and
// "@Minji"). The "@" must not follow a letter or digit, so an email
// address in the note mentions nobody. After the name comes the end, a
// space or punctuation, except after a Hangul name: Korean attaches its
// particles to the name ("@민지님", "@민지가"), so any letter may follow.
func Mentions(body string, team []Teammate) []int64 {
	if !strings.Contains(body, "@") || len(team) == 0 {
		return nil
	}
	// Longest names first, so the first match at a position is the best.
	cands := make([]Teammate, 0, len(team))
	for _, t := range team {
		if strings.TrimSpace(t.Name) != "" {
			cands = append(cands, t)
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return len(cands[i].Name) > len(cands[j].Name) })

	var ids []int64
	seen := map[int64]bool{}
	for i := 0; i < len(body); i++ {
		if body[i] != '@' {
			continue
		}
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(body[:i])
			if isWordRune(prev) {
				continue
			}
		}
		rest := body[i+1:]
		for _, c := range cands {
			if !hasPrefixFold(rest, c.Name) {
				continue
			}
			after := rest[len(c.Name):]
			if !endsName(c.Name, after) {
				continue
			}
			if !seen[c.ID] {
				seen[c.ID] = true
				ids = append(ids, c.ID)
			}
			break
		}
	}
	return ids
}

// hasPrefixFold reports whether s starts with prefix, ignoring case. It
// compares the same number of bytes, which simple case folding keeps for
// the scripts names are written in here (Latin, Hangul).
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// endsName reports whether after may follow a mentioned name.
func endsName(name, after string) bool {
	if after == "" {
		return true
	}
	next, _ := utf8.DecodeRuneInString(after)
	if !isWordRune(next) {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(name)
	return unicode.Is(unicode.Hangul, last)
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'
}
