package ui

import (
	"testing"

	"github.com/vocdesk/vocdesk/netfail"
	"github.com/vocdesk/vocdesk/webhooks"
)

// Every kind netfail and the deliverers keep has words in every language,
// with as many values as it is kept with (TestRefusalReasonsInCatalog sees
// only reasons written as literals).
func TestDeliveryKindsInCatalog(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{netfail.Refused, netfail.NoHost, netfail.Timeout, netfail.TLS, netfail.Reset,
		netfail.Unreachable, netfail.Status, netfail.StatusBody, netfail.PeerSaid, webhooks.ReasonPrivate} {
		for lang, msgs := range c.msgs {
			if _, ok := msgs["reason."+k]; !ok {
				t.Errorf("kind %q has no words in %s", k, lang)
			}
		}
	}
}

// A kept failure is worded from its kind in the page's language, the
// peer's words as they came; one kept without a kind shows its English.
func TestDeliveryErrorWorded(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	ko, en := c.translator("ko", nil), c.translator("en", nil)
	const refused = "webhooks: dial failed: connection refused"
	for _, c := range []struct {
		t                     tr
		english, reason, want string
		args                  []string
	}{
		{ko, refused, netfail.Refused, "연결이 거부되었습니다. 그 주소와 포트에서 연결을 받는 서버가 없습니다.", nil},
		{en, refused, netfail.Refused, "The connection was refused: nothing takes connections at that address and port.", nil},
		{ko, "webhooks: the server answered 500 Internal Server Error", netfail.StatusBody,
			"서버 응답: 500 Internal Server Error — quota exceeded", []string{"500 Internal Server Error", "quota exceeded"}},
		{ko, refused, "", refused, nil},
		{en, refused, "", refused, nil},
		{ko, "something new", "net_unknown_kind", "something new", nil},
	} {
		if got := c.t.DeliveryError(c.english, c.reason, c.args); got != c.want {
			t.Errorf("%s %q %q: %q, want %q", c.t.Lang, c.english, c.reason, got, c.want)
		}
	}
}
