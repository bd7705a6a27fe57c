package web_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// TestNotificationsAPI: a note sent through the API that mentions a
// teammate notifies them; they list and mark it through the API; keys,
// other members and other developers see nothing of it.
func TestNotificationsAPI(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		agent := e.memberSession(e.a, vocdesk.RoleAgent) // "agent alpha"
		note := `{"body":"@agent alpha please look, not @agent bravo"}`
		res := e.do("POST", "/api/v1/inquiries/"+strconv.FormatInt(e.a.desk.inquiryID, 10)+"/notes", note, bearer(e.a.memberToken))
		if res.Code != http.StatusCreated {
			t.Fatalf("note: %d %s", res.Code, res.Body)
		}

		res = e.do("GET", "/api/v1/notifications?unread=true", "", bearer(agent))
		var list struct {
			Items []struct {
				ID        int64   `json:"id"`
				Kind      string  `json:"kind"`
				InquiryID int64   `json:"inquiry_id"`
				By        string  `json:"by"`
				Excerpt   string  `json:"excerpt"`
				ReadAt    *string `json:"read_at"`
			} `json:"items"`
		}
		if res.Code != http.StatusOK || json.Unmarshal(res.Body.Bytes(), &list) != nil || len(list.Items) != 1 {
			t.Fatalf("agent's notifications: %d %s", res.Code, res.Body)
		}
		n := list.Items[0]
		if n.Kind != "mention" || n.InquiryID != e.a.desk.inquiryID || !strings.Contains(n.Excerpt, "please look") || n.ReadAt != nil {
			t.Errorf("notification: %+v", n)
		}
		id := strconv.FormatInt(n.ID, 10)

		for _, c := range []struct {
			name, secret string
			list, read   int
		}{
			{"the author", e.a.memberToken, http.StatusOK, http.StatusNotFound},
			{"A's key", e.a.key, http.StatusForbidden, http.StatusNotFound},
			{"B's member", e.b.memberToken, http.StatusOK, http.StatusNotFound},
			{"B's customer", e.b.customerToken, http.StatusNotFound, http.StatusNotFound},
			{"the operator", e.opKey, http.StatusNotFound, http.StatusNotFound},
		} {
			res := e.do("GET", "/api/v1/notifications", "", bearer(c.secret))
			if res.Code != c.list || (res.Code == http.StatusOK && !strings.Contains(res.Body.String(), `"items":[]`)) {
				t.Errorf("%s lists: %d %s", c.name, res.Code, res.Body)
			}
			if res := e.do("POST", "/api/v1/notifications/"+id+"/read", "", bearer(c.secret)); res.Code != c.read {
				t.Errorf("%s marks: %d %s", c.name, res.Code, res.Body)
			}
		}
		if res := e.do("GET", "/api/v1/notifications?unread=maybe", "", bearer(agent)); res.Code != http.StatusBadRequest {
			t.Errorf("unread=maybe: %d", res.Code)
		}
		if res := e.do("GET", "/api/v1/notifications?since=1", "", bearer(agent)); res.Code != http.StatusBadRequest {
			t.Errorf("an unknown parameter: %d", res.Code)
		}
		if res := e.do("POST", "/api/v1/notifications/"+id+"/read", "", bearer(agent)); res.Code != http.StatusNoContent {
			t.Fatalf("mark read: %d %s", res.Code, res.Body)
		}
		res = e.do("GET", "/api/v1/notifications", "", bearer(agent))
		if !strings.Contains(res.Body.String(), `"read_at":"`) {
			t.Errorf("after marking: %s", res.Body)
		}
		if res := e.do("POST", "/api/v1/notifications/read", "", bearer(agent)); res.Code != http.StatusNoContent {
			t.Errorf("mark all: %d", res.Code)
		}
		if res := e.do("GET", "/api/v1/notifications?unread=true", "", bearer(agent)); !strings.Contains(res.Body.String(), `"items":[]`) {
			t.Errorf("unread after mark all: %s", res.Body)
		}
	})
}
