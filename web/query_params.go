package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// codeUnknownParameter answers a query parameter the route does not know. A
// filter that is silently ignored returns the wrong list and looks right
// (?phone= used to list every purchase), so it is an error instead.
const codeUnknownParameter = "unknown_parameter"

// queryParams holds, per route pattern ("GET /api/v1/purchases"), the query
// parameters the route takes. They are read from the OpenAPI document, so the
// document and the check cannot disagree: a parameter a handler reads but
// the document does not name is refused, and the test that walks every route
// (TestUnknownQueryParameters) finds it.
type queryParams map[string]map[string]bool

// declaredQueryParams reads the query parameters of every operation of an
// OpenAPI document, following $refs to components.parameters and merging
// path-level parameters.
func declaredQueryParams(doc []byte) (queryParams, error) {
	type param struct {
		Ref  string `json:"$ref"`
		Name string `json:"name"`
		In   string `json:"in"`
	}
	var d struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Parameters map[string]param `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	resolve := func(p param) (param, error) {
		if p.Ref == "" {
			return p, nil
		}
		c, ok := d.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
		if !ok || !strings.HasPrefix(p.Ref, "#/components/parameters/") {
			return p, fmt.Errorf("openapi document: unresolved parameter %s", p.Ref)
		}
		return c, nil
	}
	out := queryParams{}
	for path, item := range d.Paths {
		var shared []param
		if raw, ok := item["parameters"]; ok {
			if err := json.Unmarshal(raw, &shared); err != nil {
				return nil, fmt.Errorf("openapi document: %s parameters: %w", path, err)
			}
		}
		for method, raw := range item {
			if method == "parameters" || !strings.Contains("get put post patch delete", method) {
				continue
			}
			var op struct {
				Parameters []param `json:"parameters"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("openapi document: %s %s: %w", method, path, err)
			}
			names := map[string]bool{}
			for _, p := range append(slices.Clone(shared), op.Parameters...) {
				p, err := resolve(p)
				if err != nil {
					return nil, err
				}
				if p.In == "query" {
					names[p.Name] = true
				}
			}
			out[strings.ToUpper(method)+" "+path] = names
		}
	}
	return out, nil
}

// check refuses a request whose query names a parameter the route does not
// take. A route the document does not describe is not checked here; the
// route-walking test fails for it instead, so a missing entry is found
// before it ships rather than turning every call of that route into a 400.
func (qp queryParams) check(pattern string, r *http.Request) error {
	known, ok := qp[pattern]
	if !ok || r.URL.RawQuery == "" {
		return nil
	}
	var unknown []string
	for name := range r.URL.Query() {
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	takes := "no query parameters"
	if len(known) > 0 {
		names := make([]string, 0, len(known))
		for n := range known {
			names = append(names, n)
		}
		slices.Sort(names)
		takes = strings.Join(names, ", ")
	}
	noun := "parameter"
	if len(unknown) > 1 {
		noun = "parameters"
	}
	return vocdesk.Errorf(codeUnknownParameter, "unknown query %s %s; this route takes %s", noun, strings.Join(unknown, ", "), takes)
}
