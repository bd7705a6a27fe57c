package web_test

import "testing"

func TestDeskSettings(t *testing.T) {
	t.Parallel()
	runDeskScenarios(t, func(vars map[string]string) []scenario {
		return []scenario{
			// Canned replies: every member reads them; admins and owners keep them.
			{name: "canned replies", method: "GET", url: "/api/v1/canned-replies", as: "agentA", status: 200,
				want: []string{`"id":${A.canned}`, `"name":"alpha refund"`, `{{customer.name}}님`}},
			{name: "by locale", method: "GET", url: "/api/v1/canned-replies?locale=en", as: "memberA", status: 200, want: []string{`"items":[]`}},
			{name: "bad locale filter", method: "GET", url: "/api/v1/canned-replies?locale=jp", as: "memberA", status: 400},
			{name: "B's list has none of A's", method: "GET", url: "/api/v1/canned-replies", as: "memberB", status: 200, notWant: []string{"alpha"}},
			{name: "agents may not add", method: "POST", url: "/api/v1/canned-replies", as: "agentA",
				body: `{"name":"Thanks","locale":"en","body":"Thank you, {{customer.name}}."}`, status: 403},
			{name: "add", method: "POST", url: "/api/v1/canned-replies", as: "memberA",
				body: `{"name":"Thanks","locale":"en","body":"Thank you, {{customer.name}}."}`, status: 201,
				want: []string{`"locale":"en"`}, after: capture(vars, "canned", "id")},
			{name: "the same name again", method: "POST", url: "/api/v1/canned-replies", as: "memberA",
				body: `{"name":"Thanks","locale":"en","body":"Again"}`, status: 409},
			{name: "bad locale", method: "POST", url: "/api/v1/canned-replies", as: "memberA",
				body: `{"name":"x","locale":"jp","body":"x"}`, status: 400, want: []string{"locale"}},
			{name: "change", method: "PUT", url: "/api/v1/canned-replies/{{canned}}", as: "devA",
				body: `{"name":"Thanks","locale":"en","body":"Thanks a lot, {{customer.name}}."}`, status: 200, want: []string{"Thanks a lot"}},
			{name: "change another developer's", method: "PUT", url: "/api/v1/canned-replies/{{canned}}", as: "memberB",
				body: `{"name":"x","locale":"en","body":"x"}`, status: 404},
			{name: "operators have no canned replies", method: "GET", url: "/api/v1/canned-replies", as: "op", status: 404},
			{name: "delete", method: "DELETE", url: "/api/v1/canned-replies/{{canned}}", as: "memberA", status: 204},
			{name: "deleted", method: "DELETE", url: "/api/v1/canned-replies/{{canned}}", as: "memberA", status: 404},

			// The SLA policy.
			{name: "default policy", method: "GET", url: "/api/v1/sla-policy", as: "agentA", status: 200,
				want:    []string{`"developer":"${A.slug}"`, `"is_default":true`, `"monday":{"open":"09:00","close":"18:00"}`, `"escalation_days":3`},
				notWant: []string{"saturday"}},
			{name: "agents may not set it", method: "PUT", url: "/api/v1/sla-policy", as: "agentA",
				body: `{"first_response_minutes":120,"next_response_minutes":60}`, status: 403},
			{name: "set it", method: "PUT", url: "/api/v1/sla-policy", as: "memberA",
				body:   `{"first_response_minutes":120,"next_response_minutes":60,"hours":{"monday":{"open":"08:30","close":"24:00"},"saturday":{"open":"10:00","close":"14:00"}}}`,
				status: 200, want: []string{`"is_default":false`, `"first_response_minutes":120`, `"saturday":{"open":"10:00","close":"14:00"}`, `"close":"24:00"`},
				notWant: []string{"tuesday"}},
			{name: "bad hours", method: "PUT", url: "/api/v1/sla-policy", as: "memberA",
				body: `{"first_response_minutes":120,"next_response_minutes":60,"hours":{"monday":{"open":"25:00","close":"26:00"}}}`, status: 400},
			{name: "closing before opening", method: "PUT", url: "/api/v1/sla-policy", as: "memberA",
				body: `{"first_response_minutes":120,"next_response_minutes":60,"hours":{"monday":{"open":"18:00","close":"09:00"}}}`, status: 400},
			{name: "unknown day", method: "PUT", url: "/api/v1/sla-policy", as: "memberA",
				body: `{"first_response_minutes":120,"next_response_minutes":60,"hours":{"moonday":{"open":"09:00","close":"18:00"}}}`, status: 400},
			{name: "zero target", method: "PUT", url: "/api/v1/sla-policy", as: "memberA",
				body: `{"first_response_minutes":0,"next_response_minutes":60}`, status: 400},
			{name: "operators name the developer", method: "GET", url: "/api/v1/sla-policy", as: "op", status: 400},
			{name: "an operator reads A's", method: "GET", url: "/api/v1/sla-policy?developer=${A.slug}", as: "op", status: 200,
				want: []string{`"first_response_minutes":120`}},
			{name: "an operator sets B's", method: "PUT", url: "/api/v1/sla-policy", as: "op",
				body: `{"developer":"${B.slug}","first_response_minutes":30,"next_response_minutes":30}`, status: 200,
				want: []string{`"developer":"${B.slug}"`, `"first_response_minutes":30`}},
			{name: "B may not read A's", method: "GET", url: "/api/v1/sla-policy?developer=${A.slug}", as: "memberB", status: 404},

			// Saved views belong to people.
			{name: "my views", method: "GET", url: "/api/v1/saved-views", as: "memberA", status: 200, want: []string{`"name":"alpha open"`, `"query":"status=open\u0026sort=due"`}},
			{name: "another member's views are not mine", method: "GET", url: "/api/v1/saved-views", as: "agentA", status: 200, want: []string{`"items":[]`}},
			{name: "keys have no views", method: "GET", url: "/api/v1/saved-views", as: "devA", status: 403},
			{name: "save a view", method: "POST", url: "/api/v1/saved-views", as: "agentA",
				body: `{"name":"Due soon","query":"sla=due_soon&sort=due"}`, status: 201, after: capture(vars, "view", "id")},
			{name: "no name", method: "POST", url: "/api/v1/saved-views", as: "agentA", body: `{"query":"x=1"}`, status: 400},
			{name: "a bad query", method: "POST", url: "/api/v1/saved-views", as: "agentA", body: `{"name":"bad","query":"%zz"}`, status: 400},
			{name: "delete someone else's view", method: "DELETE", url: "/api/v1/saved-views/{{view}}", as: "memberA", status: 404},
			{name: "delete my view", method: "DELETE", url: "/api/v1/saved-views/{{view}}", as: "agentA", status: 204},
			{name: "a key deletes nothing", method: "DELETE", url: "/api/v1/saved-views/${A.view}", as: "devA", status: 404},

			// The store's oversight.
			{name: "the escalation queue", method: "GET", url: "/api/v1/escalations", as: "op", status: 200, want: []string{`"items":[]`}},
			{name: "not for developers", method: "GET", url: "/api/v1/escalations", as: "devA", status: 404},
			{name: "escalation counts", method: "GET", url: "/api/v1/escalations/counts", as: "op", status: 200},
			{name: "the deadline", method: "PUT", url: "/api/v1/escalations/deadline", as: "op", body: `{"days":5}`, status: 200, want: []string{`"days":5`}},
			{name: "a bad deadline", method: "PUT", url: "/api/v1/escalations/deadline", as: "op", body: `{"days":0}`, status: 400},
			{name: "the deadline shows in policies", method: "GET", url: "/api/v1/sla-policy", as: "memberA", status: 200, want: []string{`"escalation_days":5`}},
			{name: "note on a developer", method: "POST", url: "/api/v1/developers/${A.slug}/notes", as: "op",
				body: `{"body":"Slow answers in May; called the owner."}`, status: 201, want: []string{`"developer":"${A.slug}"`}},
			{name: "an empty note", method: "POST", url: "/api/v1/developers/${A.slug}/notes", as: "op", body: `{"body":""}`, status: 400},
			{name: "a note on nobody", method: "POST", url: "/api/v1/developers/zulu/notes", as: "op", body: `{"body":"x"}`, status: 404},
			{name: "the notes", method: "GET", url: "/api/v1/developers/${A.slug}/notes", as: "op", status: 200, want: []string{"Slow answers in May"}},
			{name: "notes of nobody", method: "GET", url: "/api/v1/developers/zulu/notes", as: "op", status: 404},
			{name: "developers never see them", method: "GET", url: "/api/v1/developers/${A.slug}/notes", as: "memberA", status: 404},
			{name: "add a holiday", method: "POST", url: "/api/v1/holidays", as: "op", body: `{"date":"2026-09-25","name":"추석"}`, status: 201},
			{name: "a bad date", method: "POST", url: "/api/v1/holidays", as: "op", body: `{"date":"2026-13-01","name":"x"}`, status: 400},
			{name: "the calendar", method: "GET", url: "/api/v1/holidays?year=2026", as: "custA", status: 200, want: []string{`{"date":"2026-09-25","name":"추석"}`}},
			{name: "a bad year", method: "GET", url: "/api/v1/holidays?year=26", as: "custA", status: 400},
			{name: "customers keep no calendar", method: "POST", url: "/api/v1/holidays", as: "custA", body: `{"date":"2026-09-26","name":"x"}`, status: 404},
			{name: "remove it", method: "DELETE", url: "/api/v1/holidays/2026-09-25", as: "op", status: 204},
		}
	})
}
