package vocdesk

import "time"

// Seoul is Korea Standard Time. A fixed zone rather than
// time.LoadLocation("Asia/Seoul"): Korea has kept UTC+9 without daylight
// saving since 1988, and a static binary may run where no tzdata exists.
var Seoul = time.FixedZone("KST", 9*60*60)

// BusinessCalendar counts time the way SLA targets are written: minutes
// within business hours, in a time zone, skipping holidays.
type BusinessCalendar struct {
	Hours    BusinessHours
	Location *time.Location
	holidays map[string]bool // "2006-01-02"
}

// NewBusinessCalendar returns a calendar of hours in loc (nil: Seoul) that
// skips the given dates ("2006-01-02"). Hours that never open (invalid) are
// treated as always open, so a due time always exists.
func NewBusinessCalendar(hours BusinessHours, loc *time.Location, holidays []string) *BusinessCalendar {
	if loc == nil {
		loc = Seoul
	}
	if hours.Validate() != nil {
		for d := range hours {
			hours[d] = DayHours{Open: 0, Close: 24 * 60}
		}
	}
	c := &BusinessCalendar{Hours: hours, Location: loc, holidays: make(map[string]bool, len(holidays))}
	for _, h := range holidays {
		c.holidays[h] = true
	}
	return c
}

// window returns the business hours of the local day that starts at
// midnight, as absolute times; ok is false on a closed day or a holiday.
func (c *BusinessCalendar) window(midnight time.Time) (open, close time.Time, ok bool) {
	if c.holidays[midnight.Format(time.DateOnly)] {
		return time.Time{}, time.Time{}, false
	}
	h := c.Hours[midnight.Weekday()]
	if h.Close <= h.Open {
		return time.Time{}, time.Time{}, false
	}
	// Adding minutes to midnight (not setting the clock) stays right in a
	// zone with daylight saving too, where a day may not be 24 hours.
	return midnight.Add(time.Duration(h.Open) * time.Minute), midnight.Add(time.Duration(h.Close) * time.Minute), true
}

// maxCalendarDays bounds the walk: a year of holidays cannot stop a due
// time from being found, and a bug cannot loop forever.
const maxCalendarDays = 3 * 366

// Add returns the moment d of business time after t: time outside business
// hours and on holidays does not count. A wait that starts after hours
// starts counting when business next opens.
func (c *BusinessCalendar) Add(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	local := t.In(c.Location)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, c.Location)
	cur := local
	for range maxCalendarDays {
		if open, close, ok := c.window(midnight); ok {
			start := cur
			if start.Before(open) {
				start = open
			}
			if start.Before(close) {
				if avail := close.Sub(start); d <= avail {
					return start.Add(d).In(t.Location())
				} else {
					d -= avail
				}
			}
		}
		midnight = time.Date(midnight.Year(), midnight.Month(), midnight.Day()+1, 0, 0, 0, 0, c.Location)
		cur = midnight
	}
	return t.Add(d)
}

// Between returns the business time from a to b (0 when b is not after a).
func (c *BusinessCalendar) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	local := a.In(c.Location)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, c.Location)
	var sum time.Duration
	for range maxCalendarDays {
		if !midnight.Before(b) {
			break
		}
		if open, close, ok := c.window(midnight); ok {
			lo, hi := maxTime(open, a), minTime(close, b)
			if hi.After(lo) {
				sum += hi.Sub(lo)
			}
		}
		midnight = time.Date(midnight.Year(), midnight.Month(), midnight.Day()+1, 0, 0, 0, 0, c.Location)
	}
	return sum
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// SLADeadlines are the moments an inquiry's wait turns due soon, breaches
// its target, and is escalated by the store.
type SLADeadlines struct {
	DueSoonAt  time.Time
	DueAt      time.Time
	EscalateAt time.Time
}

// Deadlines computes the deadlines of a wait that starts at start with the
// given target: in the developer's calendar for its own target, in the
// store's for the escalation (days of the store's working day).
func Deadlines(start time.Time, target time.Duration, dev, store *BusinessCalendar, escalationDays int) SLADeadlines {
	due := dev.Add(start, target)
	return SLADeadlines{
		DueSoonAt:  DueSoonAt(start, due),
		DueAt:      due,
		EscalateAt: store.Add(start, time.Duration(escalationDays)*storeDay),
	}
}

// DueSoonAt is when less than a quarter of the time from start to due is
// left. It is measured on the clock, not in business time, so that the
// state follows from WaitingSince and DueAt alone, in Go and in SQL alike.
func DueSoonAt(start, due time.Time) time.Time {
	return due.Add(-due.Sub(start) / 4)
}

// storeDay is one business day of the store's calendar (09:00-18:00).
const storeDay = 9 * time.Hour

// StoreCalendar is the store's own calendar, which the escalation deadline
// is counted in: Monday to Friday 09:00-18:00 in Seoul, skipping holidays.
func StoreCalendar(holidays []string) *BusinessCalendar {
	return NewBusinessCalendar(DefaultBusinessHours(), Seoul, holidays)
}

// SLAState derives the inquiry's SLA state at now: none when nothing waits
// for the developer, breached past DueAt, due soon in its last quarter.
func (in *Inquiry) SLAState(now time.Time) string {
	switch {
	case in.DueAt == nil:
		return SLANone
	case !now.Before(*in.DueAt):
		return SLABreached
	case in.WaitingSince != nil && !now.Before(DueSoonAt(*in.WaitingSince, *in.DueAt)):
		return SLADueSoon
	}
	return SLAOK
}
