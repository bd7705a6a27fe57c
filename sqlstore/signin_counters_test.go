package sqlstore_test

import (
	"sync"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk/ratelimit"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestSignInCounters: concurrent updates of the same counters are each
// counted (none reads what another is about to overwrite), keys keep all
// 64 bits, and a counter that counts nothing is forgotten.
func TestSignInCounters(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := t.Context()
		counters := sqlstore.NewSignInCounters(db)
		now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC).UnixNano()
		every := int64(time.Second)
		keys := []uint64{7, 1<<63 + 5, 1<<64 - 1}
		read := func() []ratelimit.Counter {
			t.Helper()
			var got []ratelimit.Counter
			if err := counters.Update(ctx, now, keys, func(c []ratelimit.Counter) { got = append([]ratelimit.Counter(nil), c...) }); err != nil {
				t.Fatal(err)
			}
			return got
		}

		const n = 24
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				err := counters.Update(ctx, now, keys[:2], func(c []ratelimit.Counter) {
					for i := range c {
						c[i] = ratelimit.Counter{Tat: max(c[i].Tat, now) + every, Last: now}
					}
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got := read()
		want := ratelimit.Counter{Tat: now + n*every, Last: now}
		if got[0] != want || got[1] != want || got[2] != (ratelimit.Counter{}) {
			t.Fatalf("after %d charges: %+v, want %+v twice and nothing", n, got, want)
		}

		// Spent: its tat is not after now. It reads as nothing from then on.
		err := counters.Update(ctx, now, keys[1:2], func(c []ratelimit.Counter) { c[0].Tat = now })
		if err != nil {
			t.Fatal(err)
		}
		if got := read(); got[0] != want || got[1] != (ratelimit.Counter{}) {
			t.Fatalf("after spending the second: %+v", got)
		}
	})
}
