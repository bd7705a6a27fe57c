package crashtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// operator is an operator at the API who retries each failed request, at
// once, until it has had max retries. The server may be down (killed): the
// operator tries again next round. A retry refused with 422 (another
// request took the money meanwhile, or the request is no longer failed
// because an earlier retry went through unanswered) is the operator's
// last word on that request.
type operator struct {
	api     *client
	key     string
	max     int
	retries atomic.Int64

	mu     sync.Mutex
	done   map[int64]int
	gaveUp map[int64]bool
}

func (o *operator) run(stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case <-time.After(100 * time.Millisecond):
		}
		status, b, err := o.api.do("GET", "/api/v1/cancellation-requests?status=failed&limit=100", o.key, "", "")
		if err != nil || status != http.StatusOK {
			continue
		}
		var page struct {
			Items []struct{ ID int64 }
		}
		if json.Unmarshal(b, &page) != nil {
			continue
		}
		for _, r := range page.Items {
			if o.settled(r.ID) {
				continue
			}
			status, _, err := o.api.do("POST", fmt.Sprintf("/api/v1/cancellation-requests/%d/retry", r.ID), o.key, "", "")
			o.mu.Lock()
			switch {
			case err == nil && status == http.StatusOK:
				o.done[r.ID]++
				o.retries.Add(1)
			case err == nil && status == http.StatusUnprocessableEntity:
				o.gaveUp[r.ID] = true
			}
			o.mu.Unlock()
		}
	}
}

// settled reports whether the operator will not retry request id again.
func (o *operator) settled(id int64) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.gaveUp[id] || o.done[id] >= o.max
}
