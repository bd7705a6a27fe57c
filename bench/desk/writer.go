package main

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
)

// writer makes the writes of a live desk while the clients read: an agent
// tags an inquiry and takes the tag off again, rate times a second. On
// SQLite every commit sends each reader to its next read with an empty page
// cache, so a read-only measurement flatters it.
type writer struct {
	stop   context.CancelFunc
	wg     sync.WaitGroup
	writes atomic.Int64
	errs   atomic.Int64
}

func startWriter(db *sqlstore.DB, w *world, rate int) *writer {
	wr := &writer{}
	if rate <= 0 {
		wr.stop = func() {}
		return wr
	}
	ctx, cancel := context.WithCancel(context.Background())
	wr.stop = cancel
	inq := sqlstore.NewInquiryService(db)
	wr.wg.Go(func() {
		r := rand.New(rand.NewPCG(7, uint64(time.Now().UnixNano())))
		tick := time.NewTicker(time.Second / time.Duration(rate))
		defer tick.Stop()
		tagged := 0 // the inquiry tagged last, whose tag comes off next
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			id, u := tagged, vocdesk.InquiryUpdate{RemoveTags: []string{"bench"}}
			if tagged == 0 {
				id, u = 1+r.IntN(w.inquiries), vocdesk.InquiryUpdate{AddTags: []string{"bench"}}
				tagged = id
			} else {
				tagged = 0
			}
			if _, err := inq.UpdateInquiry(as(int(w.inquiryDev[id])), int64(id), u); err != nil {
				wr.errs.Add(1)
			}
			wr.writes.Add(1)
		}
	})
	return wr
}

// close stops the writer and reports how many writes it made and how many
// failed.
func (wr *writer) close() (writes, errs int64) {
	wr.stop()
	wr.wg.Wait()
	return wr.writes.Load(), wr.errs.Load()
}
