package demo_test

import (
	"context"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/demo"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestSeedStoresInquiries runs the demo twice with the desk: the first run
// stores every inquiry with its story, dated in the past, and escalates the
// oldest unanswered; the second stores nothing again.
func TestSeedStoresInquiries(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		svc := services(db)
		svc.Inquiries = sqlstore.NewInquiryService(db)
		svc.Desk = sqlstore.NewDeskService(db)
		svc.Reviews = sqlstore.NewReviewService(db)
		var mu sync.Mutex
		setNow := func(now func() time.Time) { mu.Lock(); db.Now = now; mu.Unlock() }
		opts := demo.Options{Customers: 30, Purchases: 300, SetNow: setNow}
		first, err := demo.Seed(ctx, svc, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !first.InquiriesStored || first.InquiriesCreated != len(first.Inquiries) || first.InquiriesCreated != 100 {
			t.Fatalf("first run stored %d of %d inquiries", first.InquiriesCreated, len(first.Inquiries))
		}
		if first.InquiriesEscalated == 0 {
			t.Error("no inquiry was escalated, though some were left unanswered for days")
		}
		second, err := demo.Seed(ctx, svc, opts)
		if err != nil {
			t.Fatal(err)
		}
		if second.InquiriesCreated != 0 || second.InquiriesExisting != first.InquiriesCreated {
			t.Errorf("second run created %d, found %d", second.InquiriesCreated, second.InquiriesExisting)
		}
		if first.ReviewsCreated < 20 || second.ReviewsCreated != 0 || second.ReviewsExisting != first.ReviewsCreated {
			t.Errorf("reviews: first run created %d; second created %d, found %d", first.ReviewsCreated, second.ReviewsCreated, second.ReviewsExisting)
		}

		op := vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor())
		counts, err := svc.Inquiries.CountInquiries(op, vocdesk.InquiryFilter{})
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, st := range vocdesk.InquiryStatuses() {
			total += counts[st]
			if counts[st] == 0 {
				t.Errorf("no inquiry is %s: %v", st, counts)
			}
		}
		if total != 100 {
			t.Errorf("%d inquiries stored, want 100", total)
		}
		channels := map[vocdesk.Channel]int{}
		rated := 0
		for cursor := ""; ; {
			page, next, err := svc.Inquiries.FindInquiries(op, vocdesk.InquiryFilter{Limit: 200, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range page {
				checkDemoInquiry(t, svc, op, in)
				channels[in.Channel]++
				if in.Rating > 0 {
					rated++
				}
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if len(channels) < 4 || rated == 0 {
			t.Errorf("channels %v, %d rated", channels, rated)
		}
	})
}

// unresolved finds template text a person should never read: a placeholder
// left unfilled ("{item}", "{{customer.name}}") or a particle written both
// ways ("이(가)", "을(를)").
var unresolved = regexp.MustCompile(`\{[a-z_.]+\}|(이\(가\)|을\(를\)|은\(는\)|과\(와\)|으로\(로\))`)

// checkDemoInquiry fails the test for an inquiry of the demo dated after
// now (the inbox would say "-56m ago"), or one whose text, or any message
// of whose thread, has unresolved template text.
func checkDemoInquiry(t *testing.T, svc vocdesk.Services, op context.Context, in *vocdesk.Inquiry) {
	t.Helper()
	now := time.Now()
	for name, at := range map[string]time.Time{"created": in.CreatedAt, "updated": in.UpdatedAt, "last message": in.LastMessageAt} {
		if at.After(now) {
			t.Errorf("inquiry %d %q: %s at %v, after now (%v)", in.ID, in.Subject, name, at, now)
		}
	}
	if m := unresolved.FindString(in.Subject); m != "" {
		t.Errorf("inquiry %d subject %q has %q", in.ID, in.Subject, m)
	}
	_, msgs, err := svc.Inquiries.FindThread(op, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range msgs {
		if msg.CreatedAt.After(now) {
			t.Errorf("inquiry %d: message %d at %v, after now (%v)", in.ID, msg.ID, msg.CreatedAt, now)
		}
		if m := unresolved.FindString(msg.Body); m != "" {
			t.Errorf("inquiry %d: message %d %q has %q", in.ID, msg.ID, msg.Body, m)
		}
	}
}
