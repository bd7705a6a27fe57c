package web_test

import "testing"

// TestInquiryPriorityAPI: the inquiry's JSON carries its priority, the
// inbox keeps one priority's inquiries (within the caller's developer), a
// priority that is none answers 400, and the customer sees none of it.
func TestInquiryPriorityAPI(t *testing.T) {
	t.Parallel()
	runDeskScenarios(t, func(vars map[string]string) []scenario {
		return []scenario{
			{name: "normal at first", method: "GET", url: "/api/v1/inquiries/${A.inquiry}", as: "viewerA", status: 200,
				want: []string{`"priority":"normal"`}},
			{name: "not among the urgent yet", method: "GET", url: "/api/v1/inquiries?priority=urgent", as: "agentA", status: 200,
				notWant: []string{`"id":${A.inquiry},`}},
			{name: "among the normal", method: "GET", url: "/api/v1/inquiries?priority=normal", as: "agentA", status: 200,
				want: []string{`"id":${A.inquiry},`}},
			{name: "set it", method: "PUT", url: "/api/v1/inquiries/${A.inquiry}/priority", as: "agentA", body: `{"priority":"urgent"}`, status: 200},
			{name: "the inquiry says so", method: "GET", url: "/api/v1/inquiries/${A.inquiry}", as: "viewerA", status: 200,
				want: []string{`"priority":"urgent"`}},
			{name: "the urgent list has it, with its priority", method: "GET", url: "/api/v1/inquiries?priority=urgent&sort=waiting&snoozed=hide", as: "agentA", status: 200,
				want: []string{`"id":${A.inquiry},`, `"priority":"urgent"`}, notWant: []string{`"priority":"normal"`}},
			{name: "the normal list has it no more", method: "GET", url: "/api/v1/inquiries?priority=normal", as: "agentA", status: 200,
				notWant: []string{`"id":${A.inquiry},`, `"priority":"urgent"`}},
			{name: "the operator's urgent list has it", method: "GET", url: "/api/v1/inquiries?priority=urgent", as: "op", status: 200,
				want: []string{`"id":${A.inquiry},`}},
			{name: "B's urgent list has none of A's", method: "GET", url: "/api/v1/inquiries?priority=urgent", as: "memberB", status: 200,
				notWant: []string{`"id":${A.inquiry},`}},
			{name: "counts under the filter", method: "GET", url: "/api/v1/inquiries/counts?priority=high", as: "agentA", status: 200,
				notWant: []string{`:1`, `:2`}},
			{name: "a priority that is none", method: "GET", url: "/api/v1/inquiries?priority=asap", as: "agentA", status: 400,
				code: "invalid_request", want: []string{"priority must be one of low, normal, high, urgent"}},
			{name: "counts refuse it too", method: "GET", url: "/api/v1/inquiries/counts?priority=URGENT", as: "agentA", status: 400,
				code: "invalid_request"},
			{name: "customers see no priority", method: "GET", url: "/api/v1/me/inquiries/${A.inquiry}", as: "custA", status: 200,
				notWant: []string{`priority`}},
			{name: "nor filter by it", method: "GET", url: "/api/v1/me/inquiries?priority=urgent", as: "custA", status: 400,
				code: "unknown_parameter"},
		}
	})
}
