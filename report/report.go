// Package report holds the arithmetic of the desk's reports, apart from
// storage and pages: percentiles by nearest rank, days in Seoul, backlog
// ages. Everything is integers, so a figure is exact and the same on both
// database engines.
package report

import (
	"math/bits"
	"slices"
	"strconv"
	"time"

	"github.com/vocdesk/vocdesk"
)

// Rank is the 1-based nearest rank of percentile p (1-100) among n sorted
// values: the smallest value with at least p% of the values at or below
// it (ceil(p*n/100)). 0 when n is 0.
func Rank(n int64, p int) int64 {
	if n <= 0 {
		return 0
	}
	r := (int64(p)*n + 99) / 100
	return max(r, 1)
}

// Percentile is the nearest-rank percentile p of values, which it sorts in
// place; nil when there are none.
func Percentile(values []int64, p int) *int64 {
	if len(values) == 0 {
		return nil
	}
	if !slices.IsSorted(values) {
		slices.Sort(values)
	}
	v := values[Rank(int64(len(values)), p)-1]
	return &v
}

// Summarize returns the p50 and p90 of values (sorted in place).
func Summarize(values []int64) vocdesk.Percentiles {
	return vocdesk.Percentiles{Count: int64(len(values)), P50: Percentile(values, 50), P90: Percentile(values, 90)}
}

const (
	microsPerDay = 24 * 60 * 60 * 1_000_000
	seoulOffset  = 9 * 60 * 60 * 1_000_000
)

// DayOf is the day in Seoul of a time in unix microseconds, counted from
// 1970-01-01. Seoul keeps UTC+9 all year, so the day is integer arithmetic,
// the same expression the SQL groups by (DaySQL).
func DayOf(us int64) int64 {
	d := us + seoulOffset
	if d < 0 {
		return (d - microsPerDay + 1) / microsPerDay
	}
	return d / microsPerDay
}

// DaySQL is DayOf in SQL over a column of unix microseconds (times after
// 1970, where integer division needs no floor).
func DaySQL(col string) string {
	return "((" + col + " + 32400000000) / 86400000000)"
}

// DayString formats a day number as "2006-01-02".
func DayString(day int64) string {
	return time.Unix(day*24*60*60, 0).UTC().Format(time.DateOnly)
}

// Days lists every day in Seoul from the day of from to the day before to
// (an exclusive end at midnight, as a report's range is).
func Days(from, to time.Time) []string {
	var out []string
	for d, end := DayOf(from.UnixMicro()), DayOf(to.Add(-time.Microsecond).UnixMicro()); d <= end; d++ {
		out = append(out, DayString(d))
	}
	return out
}

// ParseDay reads a day in Seoul ("2006-01-02") as the instant it starts.
func ParseDay(s string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, vocdesk.Seoul)
	if err != nil {
		return time.Time{}, vocdesk.Errorf(vocdesk.EINVALID, "%q is not a day (YYYY-MM-DD)", s)
	}
	return t, nil
}

// Range turns the days from and to (inclusive) into the instants [from, to+1 day).
func Range(from, to string) (time.Time, time.Time, error) {
	f, err := ParseDay(from)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	t, err := ParseDay(to)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	return f, t.AddDate(0, 0, 1), nil
}

// BacklogAges are the lower bounds of the backlog's age buckets: under a
// day, one to three days, three to seven, seven and more.
var BacklogAges = [4]time.Duration{0, 24 * time.Hour, 72 * time.Hour, 7 * 24 * time.Hour}

// AgeBucket is the backlog bucket of an age.
func AgeBucket(age time.Duration) int {
	for i := len(BacklogAges) - 1; i > 0; i-- {
		if age >= BacklogAges[i] {
			return i
		}
	}
	return 0
}

// Percent formats a rate as a percentage with one decimal ("12.5").
func Percent(r vocdesk.Rate) string {
	t := r.Tenths()
	return itoa(t/10) + "." + itoa(t%10)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Channels, Methods and Reasons list the keys a report always shows, zeros
// included, in the order pages and CSV files show them.
func Channels() []vocdesk.Channel {
	return []vocdesk.Channel{vocdesk.ChannelStore, vocdesk.ChannelEmail, vocdesk.ChannelPhone, vocdesk.ChannelSocial, vocdesk.ChannelAPI}
}

// Methods lists the payment methods.
func Methods() []vocdesk.Method {
	return []vocdesk.Method{vocdesk.MethodCarrier, vocdesk.MethodCard, vocdesk.MethodCash, vocdesk.MethodGift}
}

// Reasons lists the cancellation reasons.
func Reasons() []vocdesk.CancellationReason {
	return []vocdesk.CancellationReason{vocdesk.ReasonCustomerRequest, vocdesk.ReasonNotDelivered, vocdesk.ReasonDuplicatePurchase,
		vocdesk.ReasonDefective, vocdesk.ReasonFraud, vocdesk.ReasonOther}
}

// Bucket is the fixed histogram bucket of a duration in seconds, the
// expression of the fr_bucket and res_bucket columns (migration 00134):
// values under 16 are their own bucket; above, 16 buckets per doubling, so
// a bucket spans at most a sixteenth of its values. Buckets grow with the
// value: a lower bucket holds only lower values, which is what lets a
// percentile be found in one bucket and then read exactly from it.
func Bucket(secs int64) int64 {
	if secs < 16 {
		return secs
	}
	k := bits.Len64(uint64(secs)) - 1
	if k > 40 {
		return 671
	}
	return int64(k)*16 + (secs>>(k-4))&15
}

// BucketCount is one bar of a histogram: N values in Bucket.
type BucketCount struct{ Bucket, N int64 }

// Locate finds, in a histogram sorted by bucket, the bucket that holds
// the value of 1-based rank among all the histogram's values, and that
// value's rank among the bucket's own; ok is false when rank is out of
// range.
func Locate(hist []BucketCount, rank int64) (bucket, within int64, ok bool) {
	if rank < 1 {
		return 0, 0, false
	}
	for _, b := range hist {
		if rank <= b.N {
			return b.Bucket, rank, true
		}
		rank -= b.N
	}
	return 0, 0, false
}
