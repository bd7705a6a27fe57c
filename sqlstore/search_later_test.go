package sqlstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestSearchSeesCommittedChanges checks that a search finds every change
// committed before it, on SQLite too, where the documents are written
// after the change (search_later.go): a creation, a reply, more changes
// than one round of the worker takes, and what a process left queued when
// it ended. The queue is empty once the worker caught up, even with a row
// whose inquiry does not exist.
func TestSearchSeesCommittedChanges(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		ctx := context.Background()
		owner := f.as(f.devA, f.adminA)
		found := func(t *testing.T, q string) int {
			t.Helper()
			hits, _, err := f.inq.SearchInquiries(owner, vocdesk.InquiryFilter{Q: q, Limit: 200})
			must(t, err)
			return len(hits)
		}

		in := f.ask(t, f.custA, "TXA1", "", "환불 요청", "zebrafish 아이템이 오지 않았어요")
		if n := found(t, "zebrafish"); n != 1 {
			t.Fatalf("right after the creation, %d hits for its word, want 1", n)
		}
		must(t, f.inq.AddMessage(f.asCust, in.ID, &vocdesk.Message{Body: "quokka 도 확인해 주세요"}))
		if n := found(t, "quokka"); n != 1 {
			t.Fatalf("right after the reply, %d hits for its word, want 1", n)
		}
		for i := range 70 { // more than a round's batch (64)
			f.ask(t, f.custA, "", "app-a", fmt.Sprintf("문의 %d", i), "wombat 결제 확인")
		}
		if n := found(t, "wombat"); n != 70 {
			t.Fatalf("right after 70 creations, %d hits, want 70", n)
		}
		if db.Dialect() != "sqlite" {
			return
		}

		raw := db.RawForTest()
		db.StopSearchIndexerForTest()
		f.ask(t, f.custA, "", "app-a", "문의", "platypus 결제 확인")
		if n := found(t, "platypus"); n != 0 {
			t.Fatalf("with no worker, %d hits for a queued document, want 0 (the test would show nothing)", n)
		}
		// A row whose inquiry is not there must not hold up the queue.
		_, err := raw.ExecContext(ctx, `INSERT INTO search_pending (inquiry_id) VALUES (987654321)`)
		must(t, err)
		db.StartSearchIndexerForTest()
		if n := found(t, "platypus"); n != 1 {
			t.Fatalf("after a restart, %d hits for the document left queued, want 1", n)
		}
		f.ask(t, f.custA, "", "app-a", "문의", "numbat")
		if n := found(t, "numbat"); n != 1 {
			t.Fatalf("%d hits for numbat, want 1", n)
		}
		var queued int
		must(t, raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM search_pending`).Scan(&queued))
		if queued != 0 {
			t.Fatalf("%d rows still queued once the worker caught up, want 0", queued)
		}
	})
}
