package vocdesk

import (
	"testing"
	"time"
)

func kst(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, Seoul)
}

func TestBusinessCalendarAdd(t *testing.T) {
	// 2026-02-13 is a Friday; 2026-02-16..18 is Seollal.
	holidays := []string{"2026-02-16", "2026-02-17", "2026-02-18", "2026-03-02"}
	cal := NewBusinessCalendar(DefaultBusinessHours(), Seoul, holidays)
	tests := []struct {
		name  string
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		{"within the day", kst(2026, 2, 10, 10, 0), 2 * time.Hour, kst(2026, 2, 10, 12, 0)},
		{"ends exactly at close", kst(2026, 2, 10, 10, 0), 8 * time.Hour, kst(2026, 2, 10, 18, 0)},
		{"across midnight to the next morning", kst(2026, 2, 10, 17, 0), 2 * time.Hour, kst(2026, 2, 11, 10, 0)},
		{"before opening starts at opening", kst(2026, 2, 10, 6, 30), 30 * time.Minute, kst(2026, 2, 10, 9, 30)},
		{"after hours starts next morning", kst(2026, 2, 10, 22, 0), time.Hour, kst(2026, 2, 11, 10, 0)},
		{"just after midnight", kst(2026, 2, 11, 0, 5), time.Hour, kst(2026, 2, 11, 10, 0)},
		{"over the weekend", kst(2026, 3, 6, 17, 0), 2 * time.Hour, kst(2026, 3, 9, 10, 0)},
		{"saturday waits for monday", kst(2026, 3, 7, 11, 0), time.Hour, kst(2026, 3, 9, 10, 0)},
		{"over weekend and Seollal", kst(2026, 2, 13, 17, 0), 2 * time.Hour, kst(2026, 2, 19, 10, 0)},
		{"substitute holiday Monday", kst(2026, 2, 27, 18, 0), 9 * time.Hour, kst(2026, 3, 3, 18, 0)},
		{"three business days", kst(2026, 2, 12, 10, 0), 27 * time.Hour, kst(2026, 2, 20, 10, 0)},
		{"zero is now", kst(2026, 2, 14, 3, 0), 0, kst(2026, 2, 14, 3, 0)},
		{"seconds are kept", kst(2026, 2, 10, 10, 0).Add(30 * time.Second), time.Minute, kst(2026, 2, 10, 10, 1).Add(30 * time.Second)},
		{"UTC input, same instant", kst(2026, 2, 10, 17, 0).UTC(), 2 * time.Hour, kst(2026, 2, 11, 10, 0)},
	}
	for _, tt := range tests {
		got := cal.Add(tt.start, tt.d)
		if !got.Equal(tt.want) {
			t.Errorf("%s: Add(%v, %v) = %v, want %v", tt.name, tt.start, tt.d, got.In(Seoul), tt.want)
		}
		if tt.d > 0 {
			if b := cal.Between(tt.start, got); b != tt.d {
				t.Errorf("%s: Between = %v, want %v", tt.name, b, tt.d)
			}
		}
	}
}

func TestBusinessCalendarHours(t *testing.T) {
	// A desk open on Saturdays 10-14 and late on weekdays 13-22: across
	// midnight the clock stops at 22:00 and starts again at 13:00.
	var h BusinessHours
	for d := time.Monday; d <= time.Friday; d++ {
		h[d] = DayHours{Open: 13 * 60, Close: 22 * 60}
	}
	h[time.Saturday] = DayHours{Open: 10 * 60, Close: 14 * 60}
	cal := NewBusinessCalendar(h, nil, nil)
	if got, want := cal.Add(kst(2026, 3, 5, 21, 0), 2*time.Hour), kst(2026, 3, 6, 14, 0); !got.Equal(want) {
		t.Errorf("late shift across midnight: %v, want %v", got, want)
	}
	if got, want := cal.Add(kst(2026, 3, 6, 21, 0), 3*time.Hour), kst(2026, 3, 7, 12, 0); !got.Equal(want) {
		t.Errorf("into Saturday: %v, want %v", got, want)
	}
	if got, want := cal.Add(kst(2026, 3, 7, 13, 0), 2*time.Hour), kst(2026, 3, 9, 14, 0); !got.Equal(want) {
		t.Errorf("over Sunday: %v, want %v", got, want)
	}
	// Hours that never open count every minute rather than never ending.
	always := NewBusinessCalendar(BusinessHours{}, nil, nil)
	if got, want := always.Add(kst(2026, 3, 7, 13, 0), 25*time.Hour), kst(2026, 3, 8, 14, 0); !got.Equal(want) {
		t.Errorf("invalid hours: %v, want %v", got, want)
	}
}

func TestDeadlinesAndState(t *testing.T) {
	store := StoreCalendar([]string{"2026-02-16", "2026-02-17", "2026-02-18"})
	start := kst(2026, 2, 12, 10, 0) // Thursday
	dl := Deadlines(start, 4*time.Hour, store, store, 3)
	if want := kst(2026, 2, 12, 14, 0); !dl.DueAt.Equal(want) {
		t.Errorf("DueAt %v, want %v", dl.DueAt, want)
	}
	if want := kst(2026, 2, 12, 13, 0); !dl.DueSoonAt.Equal(want) {
		t.Errorf("DueSoonAt %v, want %v", dl.DueSoonAt, want)
	}
	// Three business days: Thu 10:00 + 27h skips the weekend and Seollal.
	if want := kst(2026, 2, 20, 10, 0); !dl.EscalateAt.Equal(want) {
		t.Errorf("EscalateAt %v, want %v", dl.EscalateAt, want)
	}
	in := &Inquiry{}
	if s := in.SLAState(start); s != SLANone {
		t.Errorf("nothing waiting: %s", s)
	}
	in.WaitingSince, in.DueAt = &start, &dl.DueAt
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{start, SLAOK}, {kst(2026, 2, 12, 12, 59), SLAOK}, {kst(2026, 2, 12, 13, 0), SLADueSoon},
		{kst(2026, 2, 12, 13, 59), SLADueSoon}, {kst(2026, 2, 12, 14, 0), SLABreached},
	} {
		if s := in.SLAState(c.at); s != c.want {
			t.Errorf("at %v: %s, want %s", c.at, s, c.want)
		}
	}
}

func TestBusinessHoursValidate(t *testing.T) {
	if err := DefaultBusinessHours().Validate(); err != nil {
		t.Fatal(err)
	}
	bad := DefaultBusinessHours()
	bad[time.Monday] = DayHours{Open: 600, Close: 500}
	if ErrorCode(bad.Validate()) != EINVALID {
		t.Error("close before open accepted")
	}
	if ErrorCode((BusinessHours{}).Validate()) != EINVALID {
		t.Error("never open accepted")
	}
	p := DefaultSLAPolicy()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	p.FirstResponseMinutes = 0
	if ErrorCode(p.Validate()) != EINVALID {
		t.Error("zero target accepted")
	}
}
