package sqlstore

import (
	"reflect"
	"testing"
)

// TestCover checks how a range of days is read: whole 32-day blocks
// inside it (days 20544..20575 are one), then, where the counters have
// them, 4-day blocks at its ends, and the days left.
func TestCover(t *testing.T) {
	for _, c := range []struct {
		first, last int64
		sizes       []int64
		want        []daySpan
	}{
		{20513, 20520, []int64{32}, []daySpan{{20513, 20520, 1}}},
		{20544, 20574, []int64{32}, []daySpan{{20544, 20574, 1}}},
		{20544, 20575, []int64{32}, []daySpan{{20544, 20544, 32}}},
		{20543, 20576, []int64{32}, []daySpan{{20543, 20543, 1}, {20544, 20544, 32}, {20576, 20576, 1}}},
		{20545, 20607, []int64{32}, []daySpan{{20545, 20575, 1}, {20576, 20576, 32}}},
		{20500, 20700, []int64{32}, []daySpan{{20500, 20511, 1}, {20512, 20640, 32}, {20672, 20700, 1}}},
		{20500, 20700, []int64{32, 4}, []daySpan{{20500, 20508, 4}, {20512, 20640, 32}, {20672, 20696, 4}, {20700, 20700, 1}}},
		{20545, 20553, []int64{32, 4}, []daySpan{{20545, 20547, 1}, {20548, 20548, 4}, {20552, 20553, 1}}},
		{20545, 20550, []int64{32, 4}, []daySpan{{20545, 20550, 1}}},
		{20545, 20546, []int64{32, 4}, []daySpan{{20545, 20546, 1}}},
		{20546, 20545, []int64{32, 4}, nil},
	} {
		if got := cover(c.first, c.last, c.sizes...); !reflect.DeepEqual(got, c.want) {
			t.Errorf("cover(%d, %d, %v) = %v, want %v", c.first, c.last, c.sizes, got, c.want)
		}
	}
}
