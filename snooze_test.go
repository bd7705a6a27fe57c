package vocdesk_test

import (
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
)

// wed is Wednesday 2026-03-04 10:00 in Seoul.
var wed = time.Date(2026, 3, 4, 10, 0, 0, 0, vocdesk.Seoul)

// The presets fall in the viewer's zone: tomorrow and next week at 9:00
// there, later today three hours on unless that passes 21:00.
func TestSnoozePresets(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		now                    time.Time
		loc                    *time.Location
		later, tomorrow, nextW string
	}{
		// wed is Wednesday 10:00 in Seoul.
		{wed, vocdesk.Seoul, "2026-03-04T13:00:00+09:00", "2026-03-05T09:00:00+09:00", "2026-03-09T09:00:00+09:00"},
		// The same instant is Tuesday 20:00 in New York: later today would
		// be 23:00, so tomorrow morning.
		{wed, ny, "2026-03-04T09:00:00-05:00", "2026-03-04T09:00:00-05:00", "2026-03-09T09:00:00-04:00"},
		// A Monday: next week is the Monday after.
		{time.Date(2026, 3, 9, 8, 0, 0, 0, vocdesk.Seoul), vocdesk.Seoul, "2026-03-09T11:00:00+09:00", "2026-03-10T09:00:00+09:00", "2026-03-16T09:00:00+09:00"},
	} {
		p := vocdesk.SnoozePresets(c.now, c.loc)
		got := []string{p[0].Until.Format(time.RFC3339), p[1].Until.Format(time.RFC3339), p[2].Until.Format(time.RFC3339)}
		want := []string{c.later, c.tomorrow, c.nextW}
		for k := range want {
			if got[k] != want[k] {
				t.Errorf("%s in %s: %s = %s, want %s", c.now, c.loc, p[k].Name, got[k], want[k])
			}
		}
	}
}

// DecodeWakeJob takes exactly a job's two fields and nothing else.
func TestDecodeWakeJob(t *testing.T) {
	if j, err := vocdesk.DecodeWakeJob([]byte(`{"inquiry_id":7,"until":1700000000000000}`)); err != nil || j.InquiryID != 7 || j.Until != 1700000000000000 {
		t.Errorf("good payload: %+v %v", j, err)
	}
	for _, bad := range []string{``, `{}`, `{"inquiry_id":7}`, `{"inquiry_id":-1,"until":5}`, `{"inquiry_id":7,"until":5,"x":1}`,
		`{"inquiry_id":7,"until":5}{}`, `[1,2]`, `{"inquiry_id":"7","until":5}`, `{"inquiry_id":1e99,"until":5}`, "\xff"} {
		if _, err := vocdesk.DecodeWakeJob([]byte(bad)); vocdesk.ErrorCode(err) != vocdesk.EINVALID {
			t.Errorf("%q: %v, want invalid", bad, err)
		}
	}
}

// FuzzDecodeWakeJob: any payload is read or refused, never a panic, and a
// payload read is one a job could have been given.
func FuzzDecodeWakeJob(f *testing.F) {
	for _, s := range []string{`{"inquiry_id":7,"until":1700000000000000}`, `{}`, `{"inquiry_id":7,"until":5,"x":1}`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		j, err := vocdesk.DecodeWakeJob(b)
		if err == nil && (j.InquiryID <= 0 || j.Until <= 0) {
			t.Errorf("accepted %q as %+v", b, j)
		}
	})
}
