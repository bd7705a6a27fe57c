package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

const (
	authorCustomer = iota
	authorDeveloper
	authorNote
)

// world is the shape of the generated store. Developers' shares follow a
// Zipf law, as app stores do: the largest developer has about a tenth of
// all inquiries, most have a handful.
type world struct {
	developers, appsPer, customers, purchases, inquiries int
	now                                                  time.Time
	zipf                                                 []float64 // cumulative developer weights
	purchaseDev, purchaseCust                            []int32
	inquiryDev                                           []int32
	inquiryCust                                          []int32
}

func newWorld(scale float64, now time.Time) *world {
	w := &world{
		developers: max(20, int(2000*scale)), appsPer: 3,
		customers: max(1000, int(2_000_000*scale)), purchases: max(10_000, int(10_000_000*scale)),
		inquiries: max(1000, int(1_000_000*scale)), now: now,
	}
	w.zipf = make([]float64, w.developers)
	sum := 0.0
	for k := range w.zipf {
		sum += 1 / math.Pow(float64(k+1), 1.0)
		w.zipf[k] = sum
	}
	for k := range w.zipf {
		w.zipf[k] /= sum
	}
	return w
}

// developer picks a developer id (1-based) by its share.
func (w *world) developer(r *rand.Rand) int {
	x := r.Float64()
	lo, hi := 0, len(w.zipf)-1
	for lo < hi {
		m := (lo + hi) / 2
		if w.zipf[m] < x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo + 1
}

func (w *world) app(r *rand.Rand, dev int) int { return (dev-1)*w.appsPer + 1 + r.IntN(w.appsPer) }

func txid(id int) string { return fmt.Sprintf("T%08d", id) }

// customerContact is customer c's name, email and phone.
func customerContact(c int) (name, email, phone string) {
	return fmt.Sprintf("고객%d", c), fmt.Sprintf("c%d@example.com", c), fmt.Sprintf("010-%04d-%04d", c/10000%10000, c%10000)
}

var statuses = []string{"new", "open", "waiting_on_customer", "resolved", "closed"}

// inquiryRow and messageRow are what the loader writes.
type inquiryRow struct {
	id, dev, app, cust, purchase int
	channel, category, subject   string
	status                       string
	created, updated, lastMsg    int64
	firstResp, waiting, due      int64 // 0 for NULL
	dueSoon, escalate, escalated int64
}

type messageRow struct {
	id, inquiry int
	author      string
	authorID    int
	body        string
	internal    bool
	created     int64
}

var categories = []string{"refund", "not_received", "payment", "bug", "account", "other"}
var channels = []string{"store", "store", "store", "store", "email", "phone", "social", "api"}

// eachInquiry generates the inquiries in id order (= creation order) with
// their messages.
func (w *world) eachInquiry(seed uint64, fn func(in *inquiryRow, msgs []messageRow) error) error {
	r := rand.New(rand.NewPCG(seed, 2))
	w.inquiryDev = make([]int32, w.inquiries+1)
	w.inquiryCust = make([]int32, w.inquiries+1)
	span := 365 * 24 * time.Hour
	start := w.now.Add(-span)
	msgID := 0
	msgs := make([]messageRow, 0, 16)
	for id := 1; id <= w.inquiries; id++ {
		created := start.Add(time.Duration(float64(span) * float64(id) / float64(w.inquiries+1)))
		in := &inquiryRow{id: id, channel: channels[r.IntN(len(channels))], category: categories[r.IntN(len(categories))]}
		if r.IntN(5) > 0 { // most are about a purchase
			p := 1 + r.IntN(w.purchases)
			in.purchase, in.dev, in.cust = p, int(w.purchaseDev[p]), int(w.purchaseCust[p])
		} else {
			in.dev, in.cust = w.developer(r), 1+r.IntN(w.customers)
		}
		in.app = w.app(r, in.dev)
		w.inquiryDev[id], w.inquiryCust[id] = int32(in.dev), int32(in.cust)
		korean := r.IntN(10) < 7
		in.subject = subject(r, korean)
		n := 1 + r.IntN(9)
		msgs = msgs[:0]
		t := created
		lastCustomer := created
		answered := false
		for k := range n {
			author := authorCustomer
			if k%2 == 1 {
				author = authorDeveloper
				if r.IntN(10) == 0 {
					author = authorNote
				}
			}
			msgID++
			m := messageRow{id: msgID, inquiry: id, created: micros(t), body: message(r, korean, author, txid(in.purchase))}
			switch author {
			case authorCustomer:
				m.author, m.authorID = "customer", in.cust
				lastCustomer = t
				answered = false
			case authorDeveloper:
				m.author = "developer"
				answered = true
				if in.firstResp == 0 {
					in.firstResp = micros(t)
				}
			default:
				m.author, m.internal = "developer", true
			}
			msgs = append(msgs, m)
			t = t.Add(time.Duration(1+r.IntN(48)) * time.Hour)
			if t.After(w.now) {
				t = w.now.Add(-time.Minute)
			}
		}
		in.created, in.updated, in.lastMsg = micros(created), msgs[len(msgs)-1].created, msgs[len(msgs)-1].created
		if !answered {
			in.status = "open"
			if in.firstResp == 0 {
				in.status = "new"
			}
			// Old unanswered ones were resolved or closed long ago.
			if w.now.Sub(lastCustomer) > 30*24*time.Hour && r.IntN(10) > 0 {
				in.status = statuses[3+r.IntN(2)]
			}
		} else {
			in.status = statuses[2+r.IntN(3)]
		}
		if in.status == "new" || in.status == "open" {
			in.waiting = micros(lastCustomer)
			in.due = micros(lastCustomer.Add(8 * time.Hour))
			in.dueSoon = in.due - (in.due-in.waiting)/4
			in.escalate = micros(lastCustomer.Add(3 * 24 * time.Hour))
			if in.escalate < micros(w.now) {
				in.escalated = in.escalate
			}
		}
		if err := fn(in, msgs); err != nil {
			return err
		}
	}
	return nil
}

func micros(t time.Time) int64 { return t.UnixMicro() }

// nullable turns 0 into NULL.
func nullable(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

func nullableID(v int) any {
	if v == 0 {
		return nil
	}
	return int64(v)
}

const notWaiting = math.MaxInt64

func sortKey(v int64) int64 {
	if v == 0 {
		return notWaiting
	}
	return v
}
