package sqlstore_test

import (
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestMergeWithheldCall: a call whose customer did not agree to hand their
// ids to the developer cannot be merged by the developer, in either
// direction, with the same answer as a missing inquiry: a merge that went
// through would tell them the caller is that customer, and the survivor
// would take the call's purchase. Nor does it appear among the customer's
// merge candidates, or list theirs, and its contact is not linked to an
// account by the developer. With consent it merges as any inquiry.
func TestMergeWithheldCall(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		merges := sqlstore.NewMergeService(db)
		calls := sqlstore.NewCallService(db)
		mine := f.ask(t, f.custA, "", "app-a", "일반 문의", "b")
		no, err := calls.LogCall(asAgent(), &vocdesk.Call{Caller: "010 1234 5678", TxID: "TXA1", Category: vocdesk.CategoryNotReceived,
			Summary: "보석 미지급", Consent: false})
		must(t, err)
		yes, err := calls.LogCall(asAgent(), &vocdesk.Call{Caller: "010 1234 5678", TxID: "TXA2", Category: vocdesk.CategoryPayment,
			Summary: "두 번 결제", Consent: true})
		must(t, err)
		_, missing := merges.MergeInquiry(f.asAgentA, mine.ID, 987654)
		wantCode(t, missing, vocdesk.ENOTFOUND)
		for name, c := range map[string][2]int64{
			"withheld into the customer's": {no.ID, mine.ID},
			"the customer's into withheld": {mine.ID, no.ID},
			"withheld into consented":      {no.ID, yes.ID},
		} {
			_, err := merges.MergeInquiry(f.asAgentA, c[0], c[1])
			if vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND || vocdesk.ErrorMessage(err) != vocdesk.ErrorMessage(missing) {
				t.Errorf("%s: %v, want the answer for a missing inquiry (%v)", name, err, missing)
			}
		}
		// Nothing moved: the survivor has no purchase from the call.
		if got := f.reload(t, f.asAgentA, mine.ID); got.PurchaseID != 0 || got.Status == vocdesk.InquiryClosed {
			t.Fatalf("the customer's inquiry after the refused merges: %+v", got)
		}
		if list, err := merges.MergeCandidates(f.asAgentA, no.ID); err != nil || len(list) != 0 {
			t.Fatalf("candidates of the withheld call: %d, %v", len(list), err)
		}
		list, err := merges.MergeCandidates(f.asAgentA, mine.ID)
		must(t, err)
		var sawYes bool
		for _, in := range list {
			if in.ID == no.ID {
				t.Fatalf("the withheld call is a candidate of the customer's inquiry")
			}
			sawYes = sawYes || in.ID == yes.ID
		}
		if !sawYes {
			t.Fatalf("the consented call is no candidate: %d candidates", len(list))
		}
		// Linking its contact to a store account would say whether the
		// caller has one (and the answer names the address).
		_, err = merges.MergeContact(f.asAgentA, no.ID)
		if vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND || vocdesk.ErrorMessage(err) != vocdesk.ErrorMessage(missing) {
			t.Errorf("contact merge of the withheld call: %v", err)
		}
		_, err = merges.MergeInquiry(f.asAgentA, yes.ID, mine.ID)
		must(t, err)
	})
}
