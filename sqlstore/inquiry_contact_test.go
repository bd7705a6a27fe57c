package sqlstore_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// An inquiry keeps who asked and its purchase's txid (migration 00051): the
// store account's name, the channel's email and phone else the account's.
// Rows opened before the migration get the same from its backfill.
func TestInquiryContactCopy(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newDeskFixture(t, db)
		store := f.ask(t, f.custA, "TXA1", "", "환불", "환불해 주세요")
		call := &vocdesk.Inquiry{AppSlug: "app-a", CustomerID: f.custA.ID, CustomerName: "전화한 사람", ContactPhone: "02-555-0100",
			Channel: vocdesk.ChannelAPI, Category: vocdesk.CategoryPayment, Subject: "call"} // api: a phone call without consent hides contacts (TestCallConsent)
		must(t, f.inq.CreateInquiry(asOperator(), call, &vocdesk.Message{Body: "결제 문의"}))
		anon := &vocdesk.Inquiry{AppSlug: "app-a", CustomerName: "Guest", ContactEmail: "guest@example.com",
			Channel: vocdesk.ChannelEmail, Category: vocdesk.CategoryOther, Subject: "mail"}
		must(t, f.inq.CreateInquiry(asOperator(), anon, &vocdesk.Message{Body: "hello"}))

		type shown struct{ name, email, phone, txid string }
		want := map[int64]shown{
			store.ID: {"김민지", "minji.kim@example.com", "010-1234-5678", "TXA1"},
			call.ID:  {"김민지", "minji.kim@example.com", "02-555-0100", ""},
			anon.ID:  {"Guest", "guest@example.com", "", ""},
		}
		check := func(when string) {
			t.Helper()
			list, _, err := f.inq.FindInquiries(f.asAgentA, vocdesk.InquiryFilter{})
			must(t, err)
			if len(list) != len(want) {
				t.Fatalf("%s: %d inquiries, want %d", when, len(list), len(want))
			}
			for _, in := range list {
				got := shown{in.CustomerName, in.ContactEmail, in.ContactPhone, in.TxID}
				if got != want[in.ID] {
					t.Errorf("%s: inquiry %d shows %+v, want %+v", when, in.ID, got, want[in.ID])
				}
			}
		}
		check("opened")

		// As a row written before 00051 was: the channel's contact only.
		raw := db.RawForTest()
		_, err := raw.ExecContext(ctx, db.RebindForTest(`UPDATE inquiries SET contact_name = '', contact_email = '', contact_phone = '' WHERE id = $1`), store.ID)
		must(t, err)
		_, err = raw.ExecContext(ctx, db.RebindForTest(`UPDATE inquiries SET contact_name = 'Caller', contact_email = '' WHERE id = $1`), call.ID)
		must(t, err)
		must(t, db.MigrateDownToForTest(ctx, 50))
		must(t, db.Migrate(ctx))
		check("migrated")
	})
}

// An inquiry keeps its tags, sorted, on its row (migration 00054), as
// changeTags writes them; rows tagged before the migration get them from
// its backfill.
func TestInquiryTagsCopy(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newDeskFixture(t, db)
		tagged := f.ask(t, f.custA, "TXA1", "", "환불", "환불해 주세요")
		cleared := f.ask(t, f.custA, "", "app-a", "버그", "앱이 멈춰요")
		plain := f.ask(t, f.custA, "", "app-a", "문의", "질문")
		_, err := f.inq.UpdateInquiry(f.asAgentA, tagged.ID, vocdesk.InquiryUpdate{AddTags: []string{"vip", "Refund", "환불"}})
		must(t, err)
		_, err = f.inq.UpdateInquiry(f.asAgentA, cleared.ID, vocdesk.InquiryUpdate{AddTags: []string{"crash"}})
		must(t, err)
		_, err = f.inq.UpdateInquiry(f.asAgentA, cleared.ID, vocdesk.InquiryUpdate{RemoveTags: []string{"crash"}})
		must(t, err)
		want := map[int64]string{tagged.ID: `["refund","vip","환불"]`, cleared.ID: "[]", plain.ID: "[]"}
		check := func(when string) {
			t.Helper()
			list, _, err := f.inq.FindInquiries(f.asAgentA, vocdesk.InquiryFilter{})
			must(t, err)
			for _, in := range list {
				got, _ := json.Marshal(in.Tags)
				if len(in.Tags) == 0 {
					got = []byte("[]")
				}
				if string(got) != want[in.ID] {
					t.Errorf("%s: inquiry %d has tags %s, want %s", when, in.ID, got, want[in.ID])
				}
			}
		}
		check("tagged")
		// As rows were before 00054: tags in inquiry_tags only.
		must(t, db.MigrateDownToForTest(ctx, 53))
		must(t, db.Migrate(ctx))
		check("migrated")
	})
}
