package report

import (
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
)

func TestRank(t *testing.T) {
	for _, c := range []struct {
		n    int64
		p    int
		want int64
	}{
		{0, 50, 0}, {1, 50, 1}, {1, 90, 1}, {2, 50, 1}, {2, 90, 2}, {10, 50, 5}, {10, 90, 9},
		{11, 50, 6}, {11, 90, 10}, {100, 90, 90}, {101, 90, 91}, {3, 1, 1}, {3, 100, 3},
	} {
		if got := Rank(c.n, c.p); got != c.want {
			t.Errorf("Rank(%d, %d) = %d, want %d", c.n, c.p, got, c.want)
		}
	}
}

func TestPercentile(t *testing.T) {
	if Percentile(nil, 50) != nil {
		t.Fatal("percentile of nothing is not nil")
	}
	s := Summarize([]int64{50, 10, 40, 20, 30})
	if s.Count != 5 || *s.P50 != 30 || *s.P90 != 50 {
		t.Fatalf("summary = %d %d %d", s.Count, *s.P50, *s.P90)
	}
}

func TestDays(t *testing.T) {
	// 23:30 UTC is 08:30 the next day in Seoul.
	late := time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC)
	if got := DayString(DayOf(late.UnixMicro())); got != "2026-03-03" {
		t.Fatalf("day of %v = %s", late, got)
	}
	early := time.Date(2026, 3, 2, 14, 59, 59, 0, time.UTC) // 23:59:59 KST
	if got := DayString(DayOf(early.UnixMicro())); got != "2026-03-02" {
		t.Fatalf("day of %v = %s", early, got)
	}
	from, to, err := Range("2026-02-27", "2026-03-02")
	if err != nil {
		t.Fatal(err)
	}
	if !from.Equal(time.Date(2026, 2, 26, 15, 0, 0, 0, time.UTC)) || !to.Equal(time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)) {
		t.Fatalf("range = %v %v", from, to)
	}
	got := Days(from, to)
	want := []string{"2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"}
	if len(got) != len(want) {
		t.Fatalf("days = %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("days = %v", got)
		}
	}
	for _, bad := range []string{"", "2026-2-1", "2026-02-30", "20260201", "2026-02-01T00:00"} {
		if _, _, err := Range(bad, "2026-02-01"); vocdesk.ErrorCode(err) != vocdesk.EINVALID {
			t.Errorf("Range(%q) = %v", bad, err)
		}
	}
}

func TestAgeBucketAndPercent(t *testing.T) {
	for _, c := range []struct {
		age  time.Duration
		want int
	}{{0, 0}, {23 * time.Hour, 0}, {24 * time.Hour, 1}, {71 * time.Hour, 1}, {72 * time.Hour, 2}, {7 * 24 * time.Hour, 3}, {1000 * time.Hour, 3}} {
		if got := AgeBucket(c.age); got != c.want {
			t.Errorf("AgeBucket(%v) = %d", c.age, got)
		}
	}
	for _, c := range []struct {
		r    vocdesk.Rate
		want string
	}{{vocdesk.Rate{}, "0.0"}, {vocdesk.Rate{N: 1, D: 3}, "33.3"}, {vocdesk.Rate{N: 2, D: 3}, "66.7"}, {vocdesk.Rate{N: 1, D: 8}, "12.5"}, {vocdesk.Rate{N: 5, D: 5}, "100.0"}} {
		if got := Percent(c.r); got != c.want {
			t.Errorf("Percent(%v) = %s, want %s", c.r, got, c.want)
		}
	}
}

// TestBucket checks that buckets only grow with the value (a lower bucket
// holds only lower values, which narrowing relies on) and that none spans
// more than a sixteenth of its values.
func TestBucket(t *testing.T) {
	prev := int64(-1)
	first := map[int64]int64{}
	for s := int64(0); s < 1<<22; s++ {
		b := Bucket(s)
		if b < prev {
			t.Fatalf("Bucket(%d) = %d after %d", s, b, prev)
		}
		if _, ok := first[b]; !ok {
			first[b] = s
		}
		if lo := first[b]; s-lo > lo/16 {
			t.Fatalf("bucket %d spans %d..%d", b, lo, s)
		}
		prev = b
	}
	for _, c := range []struct{ s, want int64 }{{0, 0}, {15, 15}, {16, 64}, {31, 79}, {32, 80}, {33, 80}, {34, 81}, {60000, 15*16 + 13}, {1 << 41, 671}} {
		if got := Bucket(c.s); got != c.want {
			t.Errorf("Bucket(%d) = %d, want %d", c.s, got, c.want)
		}
	}
}

func TestLocate(t *testing.T) {
	hist := []BucketCount{{3, 2}, {9, 5}, {40, 1}}
	for _, c := range []struct {
		rank, bucket, within int64
		ok                   bool
	}{{1, 3, 1, true}, {2, 3, 2, true}, {3, 9, 1, true}, {7, 9, 5, true}, {8, 40, 1, true}, {9, 0, 0, false}, {0, 0, 0, false}} {
		b, w, ok := Locate(hist, c.rank)
		if b != c.bucket || w != c.within || ok != c.ok {
			t.Errorf("Locate(%d) = %d %d %v, want %d %d %v", c.rank, b, w, ok, c.bucket, c.within, c.ok)
		}
	}
}
