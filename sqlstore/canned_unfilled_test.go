package sqlstore_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestCannedUnfilledNotSent: a reply that goes out unread (a macro's, a
// rule's) is not sent with a placeholder the inquiry has no value for: the
// macro fails on that inquiry, saying which, and changes nothing of it;
// the rule skips its reply and does the rest.
func TestCannedUnfilledNotSent(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newAutomationFixture(t, db)
		canned := &vocdesk.CannedReply{Name: "지급 완료", Locale: "ko", Body: "{{customer.name}}님, {{purchase.item}}을 다시 지급했습니다."}
		must(t, f.desk.CreateCannedReply(f.asAdmin, canned))
		m := &vocdesk.Macro{Name: "재지급", Actions: vocdesk.MacroActions{CannedReplyID: canned.ID, AddTags: []string{"redeliver"}}}
		must(t, f.auto.CreateMacro(f.asAdmin, m))

		about := f.ask(t, f.custA, "TXA1", "", "아이템 미지급", "안 들어왔어요")
		general := f.ask(t, f.custA, "", "app-a", "일반 문의", "궁금해요")
		res, err := f.auto.ApplyMacro(f.asAgentA, m.ID, []int64{about.ID, general.ID})
		must(t, err)
		if res[0].Code != "" {
			t.Fatalf("macro on the purchase's inquiry: %+v", res[0])
		}
		if r := res[1]; r.Code != vocdesk.EUNPROCESSABLE || r.Reason != "canned_unfilled" || !strings.Contains(r.Error, "{{purchase.item}}") {
			t.Fatalf("macro on the general inquiry: %+v", r)
		}
		_, msgs, err := f.inq.FindThread(f.asAgentA, general.ID)
		must(t, err)
		for _, msg := range msgs {
			if strings.Contains(msg.Body, "{{") {
				t.Fatalf("sent with a placeholder: %q", msg.Body)
			}
		}
		if got := f.reload(t, f.asAgentA, general.ID); slices.Contains(got.Tags, "redeliver") || len(msgs) != 1 {
			t.Fatalf("the refused macro changed the inquiry: tags %v, %d messages", got.Tags, len(msgs))
		}

		must(t, f.auto.CreateRule(f.asAdmin, &vocdesk.Rule{Name: "자동 답변", Enabled: true, Events: []vocdesk.RuleEvent{vocdesk.RuleOnCreated},
			Actions: vocdesk.RuleActions{AddTags: []string{"auto"}, CannedReplyID: canned.ID}}))
		ruled := f.ask(t, f.custA, "", "app-a", "또 일반 문의", "궁금해요")
		_, msgs, err = f.inq.FindThread(f.asAgentA, ruled.ID)
		must(t, err)
		if got := f.reload(t, f.asAgentA, ruled.ID); !slices.Contains(got.Tags, "auto") || len(msgs) != 1 {
			t.Fatalf("rule on a general inquiry: tags %v, %d messages (want the tag, no reply)", got.Tags, len(msgs))
		}
		withPurchase := f.ask(t, f.custA, "TXA2", "", "구매 문의", "확인해 주세요")
		_, msgs, err = f.inq.FindThread(f.asAgentA, withPurchase.ID)
		must(t, err)
		if last := msgs[len(msgs)-1]; !strings.Contains(last.Body, "다시 지급했습니다") || strings.Contains(last.Body, "{{") {
			t.Fatalf("rule's reply on the purchase's inquiry: %q", last.Body)
		}
	})
}
