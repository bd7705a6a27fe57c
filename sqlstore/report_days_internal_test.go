package sqlstore

import (
	"reflect"
	"testing"
)

// TestSpans checks how a range of days is read: whole 32-day blocks
// inside it (days 20544..20575 are one) and the days at its ends.
func TestSpans(t *testing.T) {
	for _, c := range []struct {
		first, last int64
		want        []daySpan
	}{
		{20513, 20520, []daySpan{{20513, 20520, false}}},
		{20544, 20574, []daySpan{{20544, 20574, false}}},
		{20544, 20575, []daySpan{{20544, 20544, true}}},
		{20543, 20576, []daySpan{{20543, 20543, false}, {20544, 20544, true}, {20576, 20576, false}}},
		{20545, 20607, []daySpan{{20545, 20575, false}, {20576, 20576, true}}},
		{20500, 20700, []daySpan{{20500, 20511, false}, {20512, 20640, true}, {20672, 20700, false}}},
	} {
		if got := spans(c.first, c.last); !reflect.DeepEqual(got, c.want) {
			t.Errorf("spans(%d, %d) = %v, want %v", c.first, c.last, got, c.want)
		}
	}
}
