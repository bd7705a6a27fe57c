package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// A refused settings form says which form failed, not "the message could
// not be sent", and a refused reply template keeps what was typed.
func TestKoSettingsRefusals(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		b := koOwner(e)
		b.get("/console/settings")
		form := url.Values{"first_hours": {"0"}, "first_minutes": {"0"}, "next_hours": {"1"}, "next_minutes": {"0"}}
		for d := 0; d < 7; d++ {
			form.Set(fmt.Sprintf("open_%d", d), "09:00")
			form.Set(fmt.Sprintf("close_%d", d), "18:00")
		}
		r := b.post("/console/settings/sla", form)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantContains(t, r, "응답 목표를 저장하지 못했습니다.")
		wantLacks(t, r, "메시지를 보내지 못했습니다")

		long := strings.Repeat("가", 101)
		r = b.post("/console/settings/canned", url.Values{"name": {long}, "locale": {"ko"}, "body": {"감사합니다"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantContains(t, r, `id="canned-error">답변 템플릿을 저장하지 못했습니다.`, "감사합니다</textarea>")
		wantLacks(t, r, "메시지를 보내지 못했습니다")
	})
}
