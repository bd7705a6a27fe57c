package sqlstore_test

import (
	"context"
	"slices"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestAuditFreeText checks the audit trail's free text (q) through its
// trigram indexes (migration 00117): what is typed is found as a substring,
// case folded, in before or in after, never across the two, never in
// another developer's entries, the same for entries written before the
// index existed (the migration's backfill) and after.
func TestAuditFreeText(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		raw := db.RawForTest()
		add := func(t *testing.T, entity string, dev int64, before, after any) {
			t.Helper()
			_, err := raw.ExecContext(ctx, db.RebindForTest(`INSERT INTO audit_log (at, actor_realm, actor_name, developer_id, action, entity, entity_id, before_json, after_json)
				VALUES ($1, 'operator', 'system', $2, 'inquiry.updated', 'inquiry', $3, $4, $5)`), t0.UnixMicro(), dev, entity, before, after)
			must(t, err)
		}
		// find returns the entity ids of the entries of a search's first
		// page, newest first.
		find := func(t *testing.T, ctx context.Context, f vocdesk.AuditFilter) []string {
			t.Helper()
			list, _, err := sqlstore.NewAuditService(db).FindAudit(ctx, f)
			must(t, err)
			var ids []string
			for _, e := range list {
				ids = append(ids, e.EntityID)
			}
			return ids
		}
		entries := func(t *testing.T) {
			add(t, "1", f.devA.ID, `{"note":"Watch Refunds closely"}`, nil)
			add(t, "2", f.devA.ID, `{"status":"open"}`, `{"assignee":"김민지","tags":["tag-7","tag-70"]}`)
			add(t, "3", f.devA.ID, nil, `{"price":"50%","tags":["tag-8"]}`)
			add(t, "4", f.devA.ID, `{"a":"xy"}`, `{"b":"500"}`)
			add(t, "5", f.devB.ID, `{"note":"watch refunds for dev-b"}`, `{"assignee":"김민지"}`)
		}
		// These entries exist before migration 00117, so its backfill
		// indexes them; a member's creation below is indexed as it is
		// appended.
		must(t, db.MigrateDownToForTest(ctx, 116))
		entries(t)
		must(t, db.Migrate(ctx))
		before := len(find(t, asOperator(), vocdesk.AuditFilter{Q: "watch refunds"}))
		if before != 2 {
			t.Fatalf("%d backfilled entries hold %q, want 2", before, "watch refunds")
		}
		must(t, f.devs.CreateMember(asOperator(), "dev-a", &vocdesk.Member{Email: "m@dev-a.example", Name: "Watch Refunds Agent", Role: vocdesk.RoleAgent}, ""))
		owner := func(dev int64) context.Context {
			return vocdesk.NewContextWithActor(ctx, &vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: dev, MemberID: 1, Role: vocdesk.RoleOwner, Name: "owner"})
		}
		check := func(t *testing.T) {
			for _, c := range []struct {
				q    string
				want []string // entity ids of dev-a's entries, newest first
			}{
				{"watch refunds", []string{"1"}},         // before, case folded
				{"WATCH REFUNDS CLOSELY", []string{"1"}}, // upper case typed
				{"김민지", []string{"2"}},                   // Korean, in after
				{"민지", []string{"2"}},                    // two characters: no trigram, still found
				{`"tag-7"`, []string{"2"}},               // quotes and punctuation are text
				{"tag-7", []string{"2"}},                 // a substring: tag-7 and tag-70 are one entry
				{"tag-", []string{"3", "2"}},             // the latest first
				{"50%", []string{"3"}},                   // % is a character, not a wildcard
				{"5_0", nil},                             // and so is _
				{`"xy"}{"b"`, nil},                       // never across before and after
				{"for dev-b", nil},                       // dev-b's entry is not dev-a's
				{"closely watch", nil},                   // a substring, not words in any order
			} {
				got := find(t, owner(f.devA.ID), vocdesk.AuditFilter{Q: c.q, Entity: "inquiry"})
				if !slices.Equal(got, c.want) {
					t.Errorf("dev-a q=%q: entries %v, want %v", c.q, got, c.want)
				}
			}
			// Page by page: a page filled by the newest entries, then the
			// rest after its cursor.
			page, next, err := sqlstore.NewAuditService(db).FindAudit(owner(f.devA.ID), vocdesk.AuditFilter{Q: "TAG-", Limit: 1})
			must(t, err)
			if len(page) != 1 || page[0].EntityID != "3" || next == "" {
				t.Fatalf("first page of tag-: %v, next %q", page, next)
			}
			if got := find(t, owner(f.devA.ID), vocdesk.AuditFilter{Q: "TAG-", Limit: 1, Cursor: next}); !slices.Equal(got, []string{"2"}) {
				t.Errorf("second page of tag-: %v, want [2]", got)
			}
			if got := find(t, owner(f.devB.ID), vocdesk.AuditFilter{Q: "김민지"}); !slices.Equal(got, []string{"5"}) {
				t.Errorf("dev-b q=김민지: entries %v, want [5]", got)
			}
		}
		check(t)
		if db.Dialect() == "sqlite" {
			// The index is written after the entries (migration 00147):
			// entries past its mark are found all the same, and then
			// through the index once it has them.
			_, err := raw.ExecContext(ctx, `INSERT INTO audit_text (audit_text) VALUES ('delete-all')`)
			must(t, err)
			_, err = raw.ExecContext(ctx, `UPDATE audit_text_indexed SET upto = 0`)
			must(t, err)
			t.Run("past the mark", check)
			must(t, db.IndexAuditText(ctx))
			var upto, last int64
			must(t, raw.QueryRowContext(ctx, `SELECT (SELECT upto FROM audit_text_indexed), (SELECT MAX(id) FROM audit_log)`).Scan(&upto, &last))
			if upto != last {
				t.Fatalf("the mark is at %d, the last entry %d", upto, last)
			}
			t.Run("indexed", check)
		}
		// Entries appended now, through the service's own writes, are
		// found as well.
		if got := find(t, asOperator(), vocdesk.AuditFilter{Q: "Watch Refunds Agent", Action: "member.created"}); len(got) != 1 {
			t.Errorf("the new member's entry: %v", got)
		}
	})
}
