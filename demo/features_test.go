package demo_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/demo"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestSeedAgentsDay runs the demo twice with every service, as the command
// does, and reads the agents' day back through the services as the first
// studio's people see it: macros, rules and availability, calls with and
// without consent, the connector's posts (tagged by the rule), reports with
// ratings over the last 30 days, the snooze, the merge and the mention.
func TestSeedAgentsDay(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		svc := sqlstore.Services(db)
		var mu sync.Mutex
		setNow := func(now func() time.Time) { mu.Lock(); db.Now = now; mu.Unlock() }
		opts := demo.Options{Customers: 30, Purchases: 300, SetNow: setNow}
		first, err := demo.Seed(ctx, svc, opts)
		if err != nil {
			t.Fatal(err)
		}
		want := demo.FeatureCounts{Macros: 2, Rules: 2, Connectors: 1, Calls: 2, SocialPosts: 2, History: 10, Snoozed: 1, Merged: 1, Mentions: 1}
		if first.Features != want {
			t.Errorf("first run: %+v, want %+v", first.Features, want)
		}
		second, err := demo.Seed(ctx, svc, opts)
		if err != nil {
			t.Fatal(err)
		}
		if second.Features != (demo.FeatureCounts{}) {
			t.Errorf("second run added %+v", second.Features)
		}

		sys := vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor())
		dev, err := svc.Developers.FindDeveloperBySlug(sys, "hanbit-games")
		if err != nil {
			t.Fatal(err)
		}
		members, err := svc.Developers.FindMembers(sys, dev.Slug)
		if err != nil {
			t.Fatal(err)
		}
		as := map[vocdesk.Role]context.Context{}
		ids := map[vocdesk.Role]int64{}
		for _, m := range members {
			ids[m.Role] = m.ID
			as[m.Role] = vocdesk.NewContextWithActor(ctx, &vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: dev.ID, MemberID: m.ID, Role: m.Role, Name: m.Name, Email: m.Email})
		}
		admin := as[vocdesk.RoleAdmin]

		macros, err := svc.Automation.FindMacros(admin)
		if err != nil || len(macros) != 2 {
			t.Errorf("%d macros, %v", len(macros), err)
		}
		rules, err := svc.Automation.FindRules(admin)
		if err != nil || len(rules) != 2 {
			t.Errorf("%d rules, %v", len(rules), err)
		}
		av, err := svc.Automation.FindAvailability(admin)
		if err != nil || av[ids[vocdesk.RoleAgent]] != vocdesk.AvailabilityIn || av[ids[vocdesk.RoleOwner]] != vocdesk.AvailabilityAway {
			t.Errorf("availability %v, %v", av, err)
		}

		// The calls: one with consent, one without, as the operator sees them.
		calls, _, err := svc.Inquiries.FindInquiries(sys, vocdesk.InquiryFilter{Channel: vocdesk.ChannelPhone, AppSlug: "star-quest", Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		consents := map[bool]int{}
		for _, in := range calls {
			c, err := svc.Calls.FindConsent(sys, in.ID)
			if vocdesk.ErrorCode(err) == vocdesk.ENOTFOUND {
				continue // the generated phone inquiries were not logged as calls
			} else if err != nil {
				t.Fatal(err)
			}
			consents[c.Given]++
		}
		if consents[true] != 1 || consents[false] != 1 {
			t.Errorf("calls with consent: %v", consents)
		}

		conns, err := svc.Social.FindConnectors(admin)
		if err != nil || len(conns) != 1 {
			t.Fatalf("%d connectors, %v", len(conns), err)
		}
		tagged, _, err := svc.Inquiries.FindInquiries(admin, vocdesk.InquiryFilter{Channel: vocdesk.ChannelSocial, Tag: "social", Limit: 200})
		if err != nil || len(tagged) != 2 {
			t.Errorf("%d social inquiries tagged by the rule, %v", len(tagged), err)
		}

		snoozed, _, err := svc.Inquiries.FindInquiries(admin, vocdesk.InquiryFilter{Snoozed: vocdesk.SnoozedOnly, Limit: 200})
		if err != nil || len(snoozed) != 1 {
			t.Errorf("%d snoozed, %v", len(snoozed), err)
		}
		merged := 0
		for cursor := ""; ; {
			page, next, err := svc.Inquiries.FindInquiries(admin, vocdesk.InquiryFilter{Limit: 200, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range page {
				checkDemoInquiry(t, svc, sys, in)
				out, _, err := svc.Merges.FindMerges(admin, in.ID)
				if err != nil {
					t.Fatal(err)
				}
				if out != nil {
					merged++
				}
			}
			if cursor = next; next == "" {
				break
			}
		}
		if merged != 1 {
			t.Errorf("%d merged inquiries, want 1", merged)
		}

		// The bell: the admin was mentioned, nobody else.
		for role, actx := range as {
			n, err := svc.Notifications.CountUnread(actx)
			if err != nil {
				t.Fatal(err)
			}
			if (role == vocdesk.RoleAdmin) != (n == 1) {
				t.Errorf("%s has %d unread notifications", role, n)
			}
		}

		// The reports' default range, the last 30 days, has every chart.
		to := time.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
		rep, err := svc.Reports.InquiryReport(admin, vocdesk.ReportFilter{From: to.AddDate(0, 0, -30), To: to})
		if err != nil {
			t.Fatal(err)
		}
		days := 0
		for _, d := range rep.ByDay {
			if d.N > 0 {
				days++
			}
		}
		if days < 10 || rep.Rating.Count() < 10 || rep.Resolution.Count < 10 || rep.FirstResponse.Count < 10 || len(rep.Comments) == 0 {
			t.Errorf("report: %d days with inquiries, %d ratings, %d resolutions, %d first responses, %d comments",
				days, rep.Rating.Count(), rep.Resolution.Count, rep.FirstResponse.Count, len(rep.Comments))
		}
	})
}
