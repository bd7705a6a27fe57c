package ui_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// stream opens a presence stream as b and returns a function that waits
// for a presence event whose data holds want (or, with want "", any).
func (b *browser) stream(t *testing.T, path string) (next func(want string) string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.e.srv.URL+path, nil)
	req.Header.Set("Accept-Language", b.lang)
	resp, err := b.c.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		cancel()
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				lines <- d
			}
		}
	}()
	next = func(want string) string {
		t.Helper()
		deadline := time.After(8 * time.Second)
		for {
			select {
			case d, ok := <-lines:
				if !ok {
					t.Fatalf("stream %s ended before %q", path, want)
				}
				if strings.Contains(d, want) {
					return d
				}
			case <-deadline:
				t.Fatalf("stream %s: no event with %q", path, want)
			}
		}
	}
	return next, func() { cancel(); resp.Body.Close() }
}

// TestPresencePages: two members of hoppin on one inquiry see each other
// view and type through the presence stream; a closed stream leaves at
// once; a member of nimbus gets the answer of a missing inquiry.
func TestPresencePages(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m
		s := seedInquiries(t, m)
		path := fmt.Sprintf("/console/inquiries/%d/presence", s.minji.ID)

		owner, agent := e.browser(), e.browser()
		owner.login("/developer/login", m.HoppinOwner.Email, "/console")
		agent.login("/developer/login", m.HoppinAgent.Email, "/console")
		r := owner.get(fmt.Sprintf("/console/inquiries/%d", s.minji.ID))
		wantContains(t, r, `data-presence="`+path+`"`, `aria-live="polite"`)

		ownerSees, stopOwner := owner.stream(t, path)
		defer stopOwner()
		if d := ownerSees(`"people"`); !strings.Contains(d, `"people":[]`) {
			t.Fatalf("owner alone sees %s", d)
		}
		agentSees, stopAgent := agent.stream(t, path)
		ownerSees(`"name":"Alex Agent","typing":false`)
		agentSees(`"name":"박지훈"`)

		agent.get(fmt.Sprintf("/console/inquiries/%d", s.minji.ID))
		wantStatus(t, agent.post(path, url.Values{"typing": {"1"}}), http.StatusNoContent)
		if d := ownerSees(`"typing":true`); !strings.Contains(d, "Typing a reply: Alex Agent") {
			t.Fatalf("owner sees %s", d)
		}
		stopAgent()
		ownerSees(`"people":[]`)

		nimbus := e.browser()
		nimbus.login("/developer/login", m.NimbusOwner.Email, "/console")
		missing := "/console/inquiries/999999/presence"
		sameNotFound(t, nimbus.get(path), nimbus.get(missing), path, missing)
		nimbus.get("/console")
		wantStatus(t, nimbus.post(path, url.Values{"typing": {"1"}}), http.StatusNotFound)
	})
}

var seenRE = regexp.MustCompile(`name="seen" value="(\d+)"`)

// TestReplyTrafficCop: a reply written while a teammate answered is
// refused with 409, the draft kept and "send anyway" offered; sending
// anyway sends; a note or one's own reply in between refuses nothing.
func TestReplyTrafficCop(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m
		s := seedInquiries(t, m)
		page := fmt.Sprintf("/console/inquiries/%d", s.minji.ID)

		owner, agent := e.browser(), e.browser()
		owner.login("/developer/login", m.HoppinOwner.Email, "/console")
		agent.login("/developer/login", m.HoppinAgent.Email, "/console")
		seen := seenRE.FindStringSubmatch(agent.get(page).body)
		if seen == nil {
			t.Fatal("the reply form carries no seen id")
		}

		// A note by the owner does not count.
		owner.get(page)
		wantStatus(t, owner.post(page+"/note", url.Values{"body": {"internal only"}}), http.StatusSeeOther)
		// The owner answers the customer.
		wantStatus(t, owner.post(page+"/reply", url.Values{"body": {"환불 처리했습니다"}, "seen": {seenRE.FindStringSubmatch(owner.get(page).body)[1]}}), http.StatusSeeOther)

		draft := "Agent's draft <b>kept</b>"
		r := agent.post(page+"/reply", url.Values{"body": {draft}, "seen": {seen[1]}, "then": {"resolve"}})
		wantStatus(t, r, http.StatusConflict)
		wantContains(t, r, "박지훈 replied to this inquiry while you were writing", "Agent&#39;s draft &lt;b&gt;kept&lt;/b&gt;",
			`name="force" value="resolve"`, `name="seen" value="`+seen[1]+`"`, "환불 처리했습니다")
		// Pressing plain "send" again on the refused page warns again.
		wantStatus(t, agent.post(page+"/reply", url.Values{"body": {draft}, "seen": {seen[1]}}), http.StatusConflict)
		// "Send anyway" sends, and resolves as the refused post asked.
		r = agent.post(page+"/reply", url.Values{"body": {draft}, "seen": {seen[1]}, "force": {"resolve"}})
		wantStatus(t, r, http.StatusSeeOther)
		in, err := m.Svc.Inquiries.FindInquiryByID(uitest.As(m.MemberActor(m.Hoppin, m.HoppinAgent)), s.minji.ID)
		if err != nil || in.Status != "resolved" {
			t.Fatalf("after send anyway with resolve: %v, %v", in, err)
		}

		// The agent's own reply after what they saw is no collision.
		seen = seenRE.FindStringSubmatch(agent.get(page).body)
		wantStatus(t, agent.post(page+"/reply", url.Values{"body": {"one more thing"}, "seen": {seen[1]}}), http.StatusSeeOther)
		wantStatus(t, agent.post(page+"/reply", url.Values{"body": {"and another"}, "seen": {seen[1]}}), http.StatusSeeOther)
		// A malformed or absent seen skips the check, as before it existed.
		wantStatus(t, agent.post(page+"/reply", url.Values{"body": {"old page"}, "seen": {"x"}}), http.StatusSeeOther)
	})
}

// TestMentionPages: a note mentioning a teammate lights their bell and
// lists it on their notifications page; they open and mark it; nobody
// else, in the team or outside it, sees or marks it.
func TestMentionPages(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m
		s := seedInquiries(t, m)
		page := fmt.Sprintf("/console/inquiries/%d", s.minji.ID)

		owner, agent, nimbus := e.browser(), e.browser(), e.browser()
		owner.login("/developer/login", m.HoppinOwner.Email, "/console")
		agent.login("/developer/login", m.HoppinAgent.Email, "/console")
		nimbus.login("/developer/login", m.NimbusOwner.Email, "/console")

		r := owner.get(page)
		wantContains(t, r, `data-mention="mention-list"`, `data-name="Alex Agent"`, `data-name="Vera Viewer"`)
		wantLacks(t, r, `data-name="Nora Nimbus"`)
		wantStatus(t, owner.post(page+"/note", url.Values{"body": {"@Alex Agent 확인 부탁 @Nora Nimbus"}}), http.StatusSeeOther)

		r = agent.get("/console")
		wantContains(t, r, `aria-label="Notifications: 1 unread"`, `class="bell-count"`)
		r = agent.get("/console/notifications")
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, "박지훈 mentioned you in", "보석 환불 요청", "@Alex Agent 확인 부탁")
		id := regexp.MustCompile(`id="notify-(\d+)"`).FindStringSubmatch(r.body)
		if id == nil {
			t.Fatal("no notification listed")
		}
		readPath := "/console/notifications/" + id[1] + "/read"

		for _, b := range []*browser{owner, nimbus} {
			r := b.get("/console/notifications")
			wantContains(t, r, "No notifications yet")
			wantLacks(t, r, `aria-label="Notifications: 1 unread"`)
			wantStatus(t, b.post(readPath, url.Values{"open": {"1"}}), http.StatusNotFound)
		}
		wantStatus(t, agent.post("/console/notifications/x/read", url.Values{}), http.StatusNotFound)

		wantRedirect(t, agent.post(readPath, url.Values{"open": {"1"}}), page+"#m"+regexp.MustCompile(`#m(\d+)`).FindStringSubmatch(r.body)[1])
		r = agent.get("/console/notifications?unread=1")
		wantContains(t, r, "Nothing unread", `aria-label="Notifications: 0 unread"`)
		wantLacks(t, r, `class="bell-count"`)
		wantRedirect(t, agent.post("/console/notifications/read", url.Values{}), "/console/notifications")

		// Customers have no bell, and the page is the console's alone.
		cust := e.browser()
		cust.login("/login", m.Minji.Email, "/my")
		wantLacks(t, cust.get("/my"), `id="bell"`, "keys.js")
		wantRedirect(t, cust.get("/console/notifications"), "/developer/login?next=%2Fconsole%2Fnotifications")
	})
}
