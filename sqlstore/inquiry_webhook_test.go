package sqlstore_test

import (
	"encoding/json"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestInquiryWebhooks checks that the developer's server hears of a new
// inquiry and of every visible message, never of internal notes, and that a
// developer without an endpoint gets nothing queued.
func TestInquiryWebhooks(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		hooks := sqlstore.NewWebhookService(db)
		if _, err := hooks.SetWebhook(f.as(f.devA, f.adminA), "https://hooks.dev-a.example/vocdesk", false); err != nil {
			t.Fatal(err)
		}
		in := f.ask(t, f.custA, "TXA1", "", "환불 요청", "아이템이 안 들어왔어요")
		must(t, f.inq.AddMessage(f.asAgentA, in.ID, &vocdesk.Message{Body: "확인 중입니다", Internal: true}))
		must(t, f.inq.AddMessage(f.asAgentA, in.ID, &vocdesk.Message{Body: "환불해 드리겠습니다"}))
		f.ask(t, f.custB, "TXB1", "", "refund", "please") // developer B has no endpoint

		ds, _, err := hooks.FindWebhookDeliveries(f.as(f.devA, f.adminA), vocdesk.WebhookDeliveryFilter{})
		must(t, err)
		var got []string
		for _, d := range ds {
			var ev struct {
				Type string
				Data struct {
					InquiryID int64 `json:"inquiry_id"`
					TxID      string
					Author    string
				}
			}
			must(t, json.Unmarshal(d.Body, &ev))
			if ev.Data.InquiryID != in.ID || ev.Data.TxID != "TXA1" {
				t.Errorf("event %s carries %+v", ev.Type, ev.Data)
			}
			got = append(got, ev.Type+":"+ev.Data.Author)
		}
		want := map[string]bool{"inquiry.created:customer": true, "inquiry.replied:developer": true}
		if len(got) != len(want) || !want[got[0]] || !want[got[1]] {
			t.Errorf("deliveries %v, want one inquiry.created and one inquiry.replied (no note)", got)
		}
		ds, _, err = hooks.FindWebhookDeliveries(f.as(f.devB, f.agentB), vocdesk.WebhookDeliveryFilter{})
		must(t, err)
		if len(ds) != 0 {
			t.Errorf("developer B without an endpoint got %d deliveries", len(ds))
		}
	})
}
