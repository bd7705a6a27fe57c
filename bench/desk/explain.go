package main

import (
	"context"
	"fmt"
	"os"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
)

// explain prints the plans of the inbox's and search's queries for the
// largest developer of a loaded database (-explain DSN).
func explain(ctx context.Context, dsn string) error {
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	a := &vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: 1, MemberID: 1, Role: vocdesk.RoleAgent}
	open := []vocdesk.InquiryStatus{vocdesk.InquiryNew, vocdesk.InquiryOpen}
	for _, f := range []vocdesk.InquiryFilter{
		{Limit: 50}, {Status: open, Limit: 50}, {Status: open, Sort: "waiting", Limit: 50}, {Sort: "due", Limit: 50},
		{Limit: 50, Snoozed: vocdesk.SnoozedHide}, {Status: open, Limit: 50, Snoozed: vocdesk.SnoozedHide},
		{Status: open, Sort: "waiting", Limit: 50, Snoozed: vocdesk.SnoozedHide},
		{Limit: 50, Snoozed: vocdesk.SnoozedHide, Priority: vocdesk.PriorityUrgent},
		{Sort: "waiting", Limit: 50, Snoozed: vocdesk.SnoozedHide, Priority: vocdesk.PriorityHigh},
		{Q: "환불", Limit: 20}, {Q: "블랙리스트", Limit: 20}, {Q: "T0000123", Limit: 20}, {Q: "젬", Limit: 20},
	} {
		plan, err := db.ExplainInquiries(ctx, a, f, true)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stdout, "--- %+v\n%s\n", f, plan)
	}
	return nil
}
