package ui_test

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// The audit trail names actions, entities and the system in the page's
// language, keeps the action's code (what the search takes) beside its
// name, and shows an instant in a diff as a time in the viewer's zone.
func TestKoAuditTrail(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		in := askHoppin(t, e.m, "보석 미지급")
		b := koOwner(e)
		r := b.get("/console/audit")
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, `<span class="audit-what">문의 접수</span> <code class="audit-action">inquiry.created</code>`,
			fmt.Sprintf(`>문의 #%d</a>`, in.ID), `<span class="audit-what">구성원 추가</span>`,
			`<span class="audit-actor">시스템</span>`, "문의 접수의 변경 내용")
		wantLacks(t, r, `<span class="audit-actor">system</span>`, fmt.Sprintf(">inquiry #%d<", in.ID))
		// The members' created_at: a readable time, the stored instant in
		// its title.
		if regexp.MustCompile(`<ins>\d{4}-\d\d-\d\dT`).MatchString(r.body) {
			t.Error("a diff shows an instant as RFC 3339")
		}
		if !regexp.MustCompile(`<ins title="\d{4}-\d\d-\d\dT[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d KST</ins>`).MatchString(r.body) {
			t.Error("a diff lacks an instant shown in KST")
		}

		b.get("/lang/en?next=%2Fconsole%2Faudit")
		wantContains(t, b.get("/console/audit"), `<span class="audit-what">Inquiry received</span> <code class="audit-action">inquiry.created</code>`)
	})
}
