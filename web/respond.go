package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"github.com/vocdesk/vocdesk"
)

// writeJSON answers with v as JSON. It encodes into a buffer first, so that an
// encoding failure can still become a clean 500 instead of half a body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":{"code":"internal","message":"Internal error."}}` + "\n")
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// listJSON is the shape of every list: a page of items and the cursor of the
// next page ("" on the last).
type listJSON[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// newList maps a page of domain values to their JSON form. Items is never
// null, so clients can iterate without a nil check.
func newList[D any, T any](ds []D, next string, conv func(D) T) listJSON[T] {
	l := listJSON[T]{Items: make([]T, 0, len(ds)), NextCursor: next}
	for _, d := range ds {
		l.Items = append(l.Items, conv(d))
	}
	return l
}

// timeJSON renders a time as RFC 3339 in UTC, so that equal instants read
// the same whichever engine or zone they came from.
func timeJSON(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func timePtrJSON(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := timeJSON(*t)
	return &s
}

// actorFrom is the authenticated actor of an API request. The auth wrapper
// guarantees it is non-nil for every route that is not public.
func actorFrom(r *http.Request) *vocdesk.Actor { return vocdesk.ActorFromContext(r.Context()) }
