package ui

import (
	"net/http"
	"time"
)

// LastDay is the last day of a period that ends, exclusively, at end: the
// day a person typed as "paid until". A period of 11-27..12-06 is stored
// as [11-27 00:00, 12-07 00:00) and reads 11-27 – 12-06.
func (t tr) LastDay(end time.Time) string {
	if end.IsZero() {
		return ""
	}
	return t.Date(end.Add(-time.Nanosecond))
}

// pageZone is the zone the request's pages show dates in, so that a date
// typed into a form means the same day the page shows.
func (h *handler) pageZone(r *http.Request) *time.Location {
	return h.tr(r).loc
}
