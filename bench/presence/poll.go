package main

import (
	"context"
	"fmt"
	"time"

	"github.com/vocdesk/vocdesk"
)

// pollCost is the per-second work of one open page, measured one poll
// after another through the services, away from the HTTP streams: what
// the server does each second for a live inbox (its first page of 50 and
// the tab counts, as console_inbox_events.go reads them) and for an
// inquiry page's presence (the others present; every fourth second its
// own beat; a typing page's keystroke every third). On a machine shared
// with other work the streams' figures say how much CPU the process got;
// these say how much one poll needs, and the wall time includes the
// database server's work on PostgreSQL.
func pollCost(ctx context.Context, svc vocdesk.Services, w *world, c config, n int) error {
	ctxs := make([]context.Context, len(w.sessions))
	for i, s := range w.sessions {
		sess, err := svc.Auth.SessionBySecret(ctx, s)
		if err != nil {
			return err
		}
		ctxs[i] = vocdesk.NewContextWithActor(ctx, &sess.Actor)
	}
	inbox := func(i int) error {
		f := vocdesk.InquiryFilter{Limit: 50}
		if _, _, err := svc.Inquiries.FindInquiries(ctxs[i%len(ctxs)], f); err != nil {
			return err
		}
		_, err := svc.Inquiries.CountInquiries(ctxs[i%len(ctxs)], f)
		return err
	}
	typingPages := int(c.typing * float64(c.pages))
	presence := func(i int) error {
		page := i % c.pages
		ctx, id := ctxs[page%len(ctxs)], w.inquiries[page%len(w.inquiries)]
		// Page-seconds go round the pages: page p is at its second i/pages.
		sec := i / c.pages
		if sec%int(vocdesk.PresenceBeat/time.Second) == page%4 {
			if err := svc.Presence.Beat(ctx, id, false); err != nil {
				return err
			}
		}
		if page < typingPages && sec%3 == page%3 {
			if err := svc.Presence.Beat(ctx, id, true); err != nil {
				return err
			}
		}
		_, err := svc.Presence.Present(ctx, id)
		return err
	}
	var res [2]struct{ cpu, wall time.Duration }
	for k, fn := range []func(int) error{inbox, presence} {
		for i := range n / 10 { // warm the caches and plans
			if err := fn(i); err != nil {
				return err
			}
		}
		cpu0, t0 := cpuTime(), time.Now()
		for i := range n {
			if err := fn(i); err != nil {
				return err
			}
		}
		res[k].cpu, res[k].wall = cpuTime()-cpu0, time.Since(t0)
	}
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(n) }
	fmt.Printf("  per page-second, %d polls each, one after another (load: %s):\n", n, loadavg())
	fmt.Printf("    live inbox  %7.1f µs CPU, %7.1f µs wall; at %d pages: %5.1f%% of a core (process CPU)\n",
		per(res[0].cpu), per(res[0].wall), c.pages, per(res[0].cpu)*float64(c.pages)/1e4)
	fmt.Printf("    presence    %7.1f µs CPU, %7.1f µs wall; at %d pages: %5.1f%% of a core (process CPU)\n",
		per(res[1].cpu), per(res[1].wall), c.pages, per(res[1].cpu)*float64(c.pages)/1e4)
	fmt.Printf("    presence / live inbox: CPU %.2fx, wall %.2fx\n",
		res[1].cpu.Seconds()/res[0].cpu.Seconds(), res[1].wall.Seconds()/res[0].wall.Seconds())
	return nil
}
