package ui_test

import (
	"net/http"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// A viewer picks their time zone in the footer: every time on every page
// is then shown in it and names it, in both languages; the store's zone is
// the default, and the choice never sends the browser off-site.
func TestTimeZone(t *testing.T) {
	e := newEnv(t, sqlstoretest.OpenSQLite(t), nil)
	b := e.browser()
	b.login("/login", e.m.Minji.Email, "/my")
	r := b.get("/my/purchases")
	wantContains(t, r, "2026-03-10 10:30 KST", `action="/zone"`, `<option value="Asia/Seoul" selected>`, `name="next" value="/my/purchases"`)

	wantRedirect(t, b.get("/zone?tz=America/New_York&next=%2Fmy%2Fpurchases"), "/my/purchases")
	r = b.get("/my/purchases")
	// 10:30 in Seoul on 10 March is 21:30 the day before in New York, on
	// daylight saving time since 8 March (EDT).
	wantContains(t, r, "2026-03-09 21:30 EDT", "Times are shown in E", `<option value="America/New_York" selected>`)
	wantLacks(t, r, "10:30 KST")
	b.get("/lang/ko?next=%2F")
	wantContains(t, b.get("/my/purchases"), "2026-03-09 21:30 EDT", "시간은 E")

	wantRedirect(t, b.get("/zone?tz=UTC&next=%2Fmy"), "/my")
	wantContains(t, b.get("/my/purchases"), "2026-03-10 01:30 UTC")

	// Only the offered zones, only paths on this site.
	wantStatus(t, b.get("/zone?tz=Mars/Olympus"), http.StatusNotFound)
	wantStatus(t, b.get("/zone?tz=Local"), http.StatusNotFound)
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example", ""} {
		wantRedirect(t, b.get("/zone?tz=UTC&next="+next), "/")
	}
}
