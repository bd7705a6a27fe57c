package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/vocdesk/vocdesk"
)

// DefaultPurchases is the size of the demo ledger, spread over historyDays.
const (
	DefaultPurchases = 2000
	historyDays      = 182
)

// kst is Korea's time zone: TxIDs carry the store's local date and time.
var kst = time.FixedZone("KST", 9*60*60)

// purchase is a generated order before the customers have database ids.
type purchase struct {
	TxID, TID string
	Customer  int // index into customers()
	Studio    *studio
	App       *app
	Item      *item
	Method    vocdesk.Method
	PaidAt    time.Time
	Amount    int64
	Currency  string
}

// hourWeights is when people buy, by hour of the Korean day: little at
// night, a lunch bump, most in the evening.
var hourWeights = [24]int{3, 2, 1, 1, 1, 1, 2, 3, 4, 4, 4, 5, 7, 6, 5, 5, 5, 6, 7, 9, 10, 11, 10, 6}

// purchases generates the ledger: each customer keeps to a few favourite
// apps, mostly from studios of their own language; Korean customers pay
// mostly on their phone bill, others by card. The newest order is paid
// exactly one hour before anchor, and every order is a whole second, so the
// same anchor and seed always give the same ledger.
func purchases(r *rand.Rand, cs []customer, n int, anchor time.Time) []purchase {
	type pick struct {
		s *studio
		a *app
	}
	var korean, global []pick
	for i := range studios {
		s := &studios[i]
		for j := range s.Apps {
			if s.Korean {
				korean = append(korean, pick{s, &s.Apps[j]})
			} else {
				global = append(global, pick{s, &s.Apps[j]})
			}
		}
	}
	favourites := make([][]pick, len(cs))
	for i, c := range cs {
		n := 1 + r.IntN(3)
		for range n {
			pool := global
			if (c.Locale == "ko") == (r.IntN(5) != 0) {
				pool = korean
			}
			favourites[i] = append(favourites[i], pool[r.IntN(len(pool))])
		}
	}
	totalHours := 0
	for _, w := range hourWeights {
		totalHours += w
	}
	ps := make([]purchase, max(n, 12))
	for i := range ps {
		// A few heavy spenders and a long tail: squaring a uniform number
		// favours the low customer indexes, the fixed demo logins first.
		ci := int(float64(len(cs)) * sq(r.Float64()))
		if i < 12 {
			ci = i % 2 // the two demo logins always have a history to show
		}
		f := favourites[ci][r.IntN(len(favourites[ci]))]
		it := &f.a.Items[r.IntN(len(f.a.Items))]
		// More orders in recent months, as a growing store has.
		day := int(float64(historyDays) * sq(r.Float64()))
		h := pickHour(r, totalHours)
		paid := anchor.In(kst).Truncate(time.Second).AddDate(0, 0, -day)
		paid = time.Date(paid.Year(), paid.Month(), paid.Day(), h, r.IntN(60), r.IntN(60), 0, kst)
		if !paid.Before(anchor.Add(-time.Hour)) {
			paid = paid.AddDate(0, 0, -1)
		}
		ps[i] = purchase{
			Customer: ci, Studio: f.s, App: f.a, Item: it,
			Method: method(r, f.s.Korean), PaidAt: paid,
			Amount: it.Price, Currency: f.s.currency(),
		}
	}
	ps[0].PaidAt = anchor.Add(-time.Hour).Truncate(time.Second)
	slices.SortStableFunc(ps, func(a, b purchase) int { return a.PaidAt.Compare(b.PaidAt) })
	seq := map[string]int{}
	for i := range ps {
		p := &ps[i]
		p.TxID = fmt.Sprintf("TX%s%06d", p.PaidAt.In(kst).Format("20060102150405"), i+1)
		seq[p.Studio.Slug]++
		p.TID = tidFor(r, p.Studio, p.PaidAt, seq[p.Studio.Slug])
	}
	return ps
}

func sq(x float64) float64 { return x * x }

func pickHour(r *rand.Rand, total int) int {
	n := r.IntN(total)
	for h, w := range hourWeights {
		if n < w {
			return h
		}
		n -= w
	}
	return 21
}

// method picks how an order was paid: carrier billing is the Korean habit,
// cards elsewhere.
func method(r *rand.Rand, korean bool) vocdesk.Method {
	n := r.IntN(100)
	if korean {
		switch {
		case n < 45:
			return vocdesk.MethodCarrier
		case n < 80:
			return vocdesk.MethodCard
		case n < 92:
			return vocdesk.MethodCash
		}
		return vocdesk.MethodGift
	}
	switch {
	case n < 70:
		return vocdesk.MethodCard
	case n < 80:
		return vocdesk.MethodCarrier
	case n < 90:
		return vocdesk.MethodCash
	}
	return vocdesk.MethodGift
}

// tidFor is the studio's own order id, in the studio's own format.
func tidFor(r *rand.Rand, s *studio, paid time.Time, n int) string {
	switch s.TIDFormat {
	case "hanbit":
		return fmt.Sprintf("HB-%s-%07d", paid.In(kst).Format("20060102"), n)
	case "pixel":
		return fmt.Sprintf("pf_%016x", r.Uint64())
	case "dalbit":
		return fmt.Sprintf("DLB%010d", 3000000000+n*7)
	default:
		return fmt.Sprintf("BW-ORD-%06d", 100000+n)
	}
}
