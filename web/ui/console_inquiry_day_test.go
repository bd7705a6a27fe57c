package ui

import (
	"slices"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
)

// The snooze menu leaves out "later today" once it falls on tomorrow 9:00,
// the next choice's time: two choices at one time read as a mistake.
func TestSnoozeMenu(t *testing.T) {
	for _, c := range []struct {
		now  time.Time
		want []string
	}{
		{time.Date(2026, 3, 4, 10, 0, 0, 0, vocdesk.Seoul), []string{"later_today", "tomorrow", "next_week"}},
		{time.Date(2026, 3, 4, 19, 0, 0, 0, vocdesk.Seoul), []string{"tomorrow", "next_week"}},
	} {
		var got []string
		for _, p := range snoozeMenu(vocdesk.SnoozePresets(c.now, vocdesk.Seoul)) {
			got = append(got, p.Name)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("at %s: menu %v, want %v", c.now.Format(time.Kitchen), got, c.want)
		}
	}
}
