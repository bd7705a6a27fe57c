package web_test

import "testing"

func TestMacrosAPI(t *testing.T) {
	t.Parallel()
	runDeskScenarios(t, func(vars map[string]string) []scenario {
		return []scenario{
			{name: "every member reads macros", method: "GET", url: "/api/v1/macros", as: "agentA", status: 200,
				want: []string{`"id":${A.macro}`, `"name":"alpha macro"`, `"canned_reply_id":${A.canned}`}},
			{name: "B's list has none of A's", method: "GET", url: "/api/v1/macros", as: "memberB", status: 200, notWant: []string{"alpha"}},
			{name: "agents may not add", method: "POST", url: "/api/v1/macros", as: "agentA",
				body: `{"name":"Close","actions":{"status":"closed"}}`, status: 403},
			{name: "a macro that does nothing", method: "POST", url: "/api/v1/macros", as: "memberA",
				body: `{"name":"Nothing","actions":{}}`, status: 400},
			{name: "B's canned reply is not there", method: "POST", url: "/api/v1/macros", as: "memberA",
				body: `{"name":"Steal","actions":{"canned_reply_id":${B.canned}}}`, status: 400, want: []string{"does not exist"}},
			{name: "B's member is not there", method: "POST", url: "/api/v1/macros", as: "memberA",
				body: `{"name":"Steal","actions":{"assignee_id":${B.owner}}}`, status: 400, want: []string{"does not exist"}},
			{name: "add", method: "POST", url: "/api/v1/macros", as: "memberA",
				body:   `{"name":"Refund done","actions":{"canned_reply_id":${A.canned},"note":"refunded","add_tags":["refund-done"],"assign_to_me":true,"status":"resolved"}}`,
				status: 201, want: []string{`"status":"resolved"`, `"assign_to_me":true`}, after: capture(vars, "macro", "id")},
			{name: "the same name again", method: "POST", url: "/api/v1/macros", as: "memberA",
				body: `{"name":"Refund done","actions":{"status":"closed"}}`, status: 409},
			{name: "change", method: "PUT", url: "/api/v1/macros/{{macro}}", as: "memberA",
				body:   `{"name":"Refund done","actions":{"canned_reply_id":${A.canned},"note":"refunded","add_tags":["refund-done"],"assign_to_me":true,"status":"waiting_on_customer"}}`,
				status: 200, want: []string{`"status":"waiting_on_customer"`}},
			{name: "get", method: "GET", url: "/api/v1/macros/{{macro}}", as: "viewerA", status: 200, want: []string{`"name":"Refund done"`}},
			{name: "viewers may not apply", method: "POST", url: "/api/v1/macros/{{macro}}/apply", as: "viewerA",
				body: `{"inquiry_ids":[${A.inquiry}]}`, status: 403},
			{name: "apply to A's and B's inquiries: one result each", method: "POST", url: "/api/v1/macros/{{macro}}/apply", as: "agentA",
				body: `{"inquiry_ids":[${A.inquiry},${B.inquiry},987654321]}`, status: 200,
				want: []string{`{"inquiry_id":${A.inquiry},"applied":true}`,
					`{"inquiry_id":${B.inquiry},"applied":false,"error":{"code":"not_found","message":"inquiry not found"}}`,
					`{"inquiry_id":987654321,"applied":false,"error":{"code":"not_found","message":"inquiry not found"}}`}},
			{name: "the inquiry got every action", method: "GET", url: "/api/v1/inquiries/${A.inquiry}", as: "agentA", status: 200,
				want: []string{`"status":"waiting_on_customer"`, `"refund-done"`, `환불을 요청했습니다`, `"body":"refunded"`}},
			{name: "no inquiries", method: "POST", url: "/api/v1/macros/{{macro}}/apply", as: "agentA", body: `{"inquiry_ids":[]}`, status: 400},
			{name: "operators have no macros", method: "GET", url: "/api/v1/macros", as: "op", status: 404},
			{name: "delete", method: "DELETE", url: "/api/v1/macros/{{macro}}", as: "memberA", status: 204},
			{name: "deleted", method: "GET", url: "/api/v1/macros/{{macro}}", as: "memberA", status: 404},
		}
	})
}

func TestRulesAPI(t *testing.T) {
	t.Parallel()
	runDeskScenarios(t, func(vars map[string]string) []scenario {
		return []scenario{
			{name: "list", method: "GET", url: "/api/v1/rules", as: "agentA", status: 200, want: []string{`"id":${A.rule}`, `"alpha rule"`}},
			{name: "agents may not add", method: "POST", url: "/api/v1/rules", as: "agentA",
				body: `{"name":"Tag","events":["created"],"actions":{"add_tags":["x"]}}`, status: 403},
			{name: "a spend as a number is refused", method: "POST", url: "/api/v1/rules", as: "memberA",
				body: `{"name":"VIP","events":["created"],"conditions":{"min_spend":{"amount":10000,"currency":"KRW"}},"actions":{"priority":"high"}}`, status: 400},
			{name: "a spend in a fraction of a won is refused", method: "POST", url: "/api/v1/rules", as: "memberA",
				body: `{"name":"VIP","events":["created"],"conditions":{"min_spend":{"amount":"0.5","currency":"KRW"}},"actions":{"priority":"high"}}`, status: 400},
			{name: "B's app is not there", method: "POST", url: "/api/v1/rules", as: "memberA",
				body: `{"name":"VIP","events":["created"],"conditions":{"apps":["${B.app}"]},"actions":{"priority":"high"}}`, status: 400},
			{name: "B's canned reply is not there", method: "POST", url: "/api/v1/rules", as: "memberA",
				body: `{"name":"VIP","events":["created"],"actions":{"canned_reply_id":${B.canned}}}`, status: 400},
			{name: "add", method: "POST", url: "/api/v1/rules", as: "memberA",
				body: `{"name":"VIP","events":["created","customer_replied"],"conditions":{"channels":["store"],"words":["charged twice"],` +
					`"min_spend":{"amount":"1200","currency":"KRW"}},"actions":{"assign_round_robin":true,"add_tags":["vip"],"priority":"urgent"}}`,
				status: 201, want: []string{`"min_spend":{"amount":"1200","currency":"KRW"}`, `"enabled":true`}, after: capture(vars, "rule", "id")},
			{name: "get", method: "GET", url: "/api/v1/rules/{{rule}}", as: "memberA", status: 200, want: []string{`"priority":"urgent"`}},
			{name: "dry run: A's seeded inquiry would match", method: "POST", url: "/api/v1/rules/dry-run", as: "memberA",
				body:   `{"name":"VIP","events":["created"],"conditions":{"words":["charged twice"]},"actions":{"assign_round_robin":true,"add_tags":["vip"]}}`,
				status: 200, want: []string{`"matched":1`, `"inquiry_id":${A.inquiry}`, `"tag: vip"`, `assign (round-robin): `}, notWant: []string{"bravo"}},
			{name: "the dry run wrote nothing", method: "GET", url: "/api/v1/inquiries/${A.inquiry}", as: "memberA", status: 200, notWant: []string{`"vip"`}},
			{name: "change", method: "PUT", url: "/api/v1/rules/{{rule}}", as: "memberA",
				body: `{"name":"VIP","enabled":false,"events":["created"],"actions":{"priority":"high"}}`, status: 200, want: []string{`"enabled":false`}},
			{name: "change another developer's", method: "PUT", url: "/api/v1/rules/{{rule}}", as: "memberB",
				body: `{"name":"x","events":["created"],"actions":{"priority":"high"}}`, status: 404},
			{name: "availability", method: "GET", url: "/api/v1/availability", as: "agentA", status: 200, want: []string{`"member_id":${A.owner},"availability":"in"`}},
			{name: "set the owner away", method: "PUT", url: "/api/v1/availability", as: "memberA",
				body: `{"member_id":${A.owner},"availability":"away"}`, status: 200},
			{name: "an agent may not set the owner", method: "PUT", url: "/api/v1/availability", as: "agentA",
				body: `{"member_id":${A.owner},"availability":"in"}`, status: 403},
			{name: "away", method: "GET", url: "/api/v1/availability", as: "agentA", status: 200, want: []string{`"member_id":${A.owner},"availability":"away"`}},
			{name: "priority is normal at first", method: "GET", url: "/api/v1/inquiries/${A.inquiry}/priority", as: "viewerA", status: 200,
				want: []string{`{"priority":"normal"}`}},
			{name: "viewers may not set it", method: "PUT", url: "/api/v1/inquiries/${A.inquiry}/priority", as: "viewerA",
				body: `{"priority":"urgent"}`, status: 403},
			{name: "a priority that is not one", method: "PUT", url: "/api/v1/inquiries/${A.inquiry}/priority", as: "agentA",
				body: `{"priority":"asap"}`, status: 400},
			{name: "set it", method: "PUT", url: "/api/v1/inquiries/${A.inquiry}/priority", as: "agentA", body: `{"priority":"urgent"}`, status: 200},
			{name: "an operator reads it", method: "GET", url: "/api/v1/inquiries/${A.inquiry}/priority", as: "op", status: 200,
				want: []string{`{"priority":"urgent"}`}},
			{name: "delete", method: "DELETE", url: "/api/v1/rules/{{rule}}", as: "memberA", status: 204},
			{name: "deleted", method: "GET", url: "/api/v1/rules/{{rule}}", as: "memberA", status: 404},
		}
	})
}

// TestRuleAssignsOnCreation creates an inquiry through the API with a
// round-robin rule in place: the answer already carries the assignee.
func TestRuleAssignsOnCreation(t *testing.T) {
	t.Parallel()
	runDeskScenarios(t, func(vars map[string]string) []scenario {
		return []scenario{
			{name: "rule", method: "POST", url: "/api/v1/rules", as: "memberA",
				body: `{"name":"Everyone","events":["created"],"actions":{"assign_round_robin":true,"priority":"high"}}`, status: 201},
			{name: "created and assigned", method: "POST", url: "/api/v1/inquiries", as: "devA",
				body:   `{"channel":"api","app":"${A.app}","customer_id":${A.customer},"category":"bug","subject":"Crash","body":"It crashes"}`,
				status: 201, want: []string{`"assignee_name":"Owner alpha"`, `"event":{"kind":"assigned"`}},
		}
	})
}
