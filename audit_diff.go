package vocdesk

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// AuditField is one field of an audit entry's before/after diff.
type AuditField struct {
	Path                string // dotted path into the JSON object: "status", "policy.days"
	Before              string // the value before, as text; "" when the field was absent
	After               string // the value after, as text; "" when the field is gone
	HadBefore, HasAfter bool
}

// maxDiffFields bounds a diff: an entry is a few fields; a huge one (an
// import's summary) shows its first fields and the raw JSON says the rest.
const maxDiffFields = 200

// AuditDiff compares an entry's before and after JSON field by field and
// returns the fields that differ, sorted by path. Nested objects are
// flattened into dotted paths; arrays and scalars compare as values. A side
// that is not a JSON object (absent, null, a bare value, or not JSON at
// all) is treated as one field with the empty path, so nothing stored is
// ever hidden.
func AuditDiff(before, after string) []AuditField {
	b, bok := flattenJSON(before)
	a, aok := flattenJSON(after)
	if !bok || !aok {
		return rawDiff(before, after)
	}
	paths := make([]string, 0, len(a)+len(b))
	for p := range b {
		paths = append(paths, p)
	}
	for p := range a {
		if _, ok := b[p]; !ok {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	var out []AuditField
	for _, p := range paths {
		bv, hb := b[p]
		av, ha := a[p]
		if hb && ha && bv == av {
			continue
		}
		out = append(out, AuditField{Path: p, Before: bv, After: av, HadBefore: hb, HasAfter: ha})
		if len(out) == maxDiffFields {
			break
		}
	}
	return out
}

func rawDiff(before, after string) []AuditField {
	if before == after {
		return nil
	}
	return []AuditField{{Before: before, After: after, HadBefore: before != "", HasAfter: after != ""}}
}

// flattenJSON turns a JSON object into path → value text. "" and null are
// the empty object (nothing before a creation). ok is false for anything
// else that is not an object.
func flattenJSON(s string) (map[string]string, bool) {
	out := map[string]string{}
	t := strings.TrimSpace(s)
	if t == "" || t == "null" {
		return out, true
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(t))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, false
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	flattenInto(out, "", obj, 0)
	return out, true
}

// flattenInto writes obj's fields under prefix; objects deeper than a few
// levels stay one value, so a hostile document cannot make paths explode.
func flattenInto(out map[string]string, prefix string, obj map[string]any, depth int) {
	for k, v := range obj {
		p := k
		if prefix != "" {
			p = prefix + "." + k
		}
		if m, ok := v.(map[string]any); ok && depth < 4 && len(m) > 0 {
			flattenInto(out, p, m, depth+1)
			continue
		}
		out[p] = jsonText(v)
	}
}

// jsonText is a value as a person reads it: a string without quotes,
// anything else as compact JSON.
func jsonText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return "null"
	case json.Number:
		return x.String()
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(buf.String(), "\n")
}
