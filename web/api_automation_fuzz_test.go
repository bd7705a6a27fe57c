package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/web"
)

// FuzzDecodeMacro feeds any body to the macros' decoder: it must never
// panic, and must return a macro that passes Validate or a 4xx error.
func FuzzDecodeMacro(f *testing.F) {
	for _, seed := range []string{
		`{"name":"환불 접수","actions":{"canned_reply_id":3,"note":"n","add_tags":["vip"],"assign_to_me":true,"status":"resolved"}}`,
		`{"name":"x","actions":{"assignee_id":2,"assign_to_me":true}}`, `{"name":"x","actions":{"status":"new"}}`,
		`{"name":"x","actions":{}}`, `{"name":"","actions":{"note":"a"}}`, `{"name":"x","actions":{"add_tags":[""]}}`,
		`{"name":"x","actions":{"canned_reply_id":-1}}`, `{"name":"x","actions":{"canned_reply_id":1e99}}`,
		`{"name":"x","actions":{"note":"\u0000"}}`, `{"name":"x","actions":{"bogus":1}}`, `{}`, `[]`, `null`, ``, `{`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		m, err := web.DecodeMacroForTest(httptest.NewRequest("POST", "/api/v1/macros", strings.NewReader(body)))
		if err != nil {
			wantRequestError(t, err, body)
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("decoded macro fails Validate: %v (%q)", err, body)
		}
		if m.Actions.Empty() {
			t.Fatalf("decoded a macro that does nothing: %q", body)
		}
	})
}

// FuzzDecodeRule feeds any body to the rules' decoder: it must never
// panic, and must return a valid rule or a 4xx error. A spend is parsed
// into minor units exactly: never a float, never a negative.
func FuzzDecodeRule(f *testing.F) {
	for _, seed := range []string{
		`{"name":"VIP","events":["created"],"conditions":{"channels":["email"],"categories":["refund"],"apps":["a"],"words":["환불"],` +
			`"min_spend":{"amount":"10000","currency":"KRW"},"sla":["breached"]},"actions":{"assign_round_robin":true,"add_tags":["vip"],"priority":"high","canned_reply_id":1}}`,
		`{"name":"x","events":["created"],"conditions":{"min_spend":{"amount":"9.99","currency":"USD"}},"actions":{"priority":"low"}}`,
		`{"name":"x","events":["created"],"conditions":{"min_spend":{"amount":"9.999","currency":"USD"}},"actions":{"priority":"low"}}`,
		`{"name":"x","events":["created"],"conditions":{"min_spend":{"amount":10000,"currency":"KRW"}},"actions":{"priority":"low"}}`,
		`{"name":"x","events":["created"],"conditions":{"min_spend":{"amount":"-1","currency":"KRW"}},"actions":{"priority":"low"}}`,
		`{"name":"x","events":["created"],"conditions":{"min_spend":{"amount":"1","currency":"XXX"}},"actions":{"priority":"low"}}`,
		`{"name":"x","events":["sometimes"],"actions":{"priority":"low"}}`, `{"name":"x","events":[],"actions":{"priority":"low"}}`,
		`{"name":"x","events":["created"],"actions":{}}`, `{"name":"x","events":["created"],"actions":{"priority":"now"}}`,
		`{"name":"x","events":["created"],"actions":{"assign_round_robin":true,"assignee_id":3}}`,
		`{"name":"x","events":["created"],"conditions":{"sla":["late"]},"actions":{"priority":"low"}}`,
		`{"name":"x","enabled":false,"position":-5,"events":["status_changed"],"conditions":{"words":[" "]},"actions":{"add_tags":["t"]}}`,
		`{}`, `[]`, `null`, ``, `{`, `{"x":1}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r, err := web.DecodeRuleForTest(httptest.NewRequest("POST", "/api/v1/rules", strings.NewReader(body)))
		if err != nil {
			wantRequestError(t, err, body)
			return
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("decoded rule fails Validate: %v (%q)", err, body)
		}
		if m := r.Conditions.MinSpend; m != nil {
			if m.Amount < 0 {
				t.Fatalf("negative spend %d from %q", m.Amount, body)
			}
			// The amount reads back as it was parsed: exact minor units.
			if back, err := vocdesk.ParseAmount(vocdesk.FormatAmount(m.Amount, m.Currency), m.Currency); err != nil || back != m.Amount {
				t.Fatalf("spend %d %s does not round-trip: %d, %v", m.Amount, m.Currency, back, err)
			}
		}
	})
}

// wantRequestError fails unless err is one of the request errors that
// answer 4xx: invalid, too large, or text no field accepts.
func wantRequestError(t *testing.T, err error, body string) {
	t.Helper()
	if vocdesk.ErrorCode(err) == vocdesk.EINVALIDTEXT {
		return
	}
	want4xx(t, err, body)
}
