package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/vocdesk/vocdesk/web"
)

// validator checks answers against the OpenAPI document with kin-openapi,
// which loads OpenAPI 3.1 and validates bodies with its JSON Schema 2020-12
// validator. Requests are matched to operations by a ServeMux built from the
// document's own paths, so the check does not trust the server's table.
type validator struct {
	doc   *openapi3.T
	mux   *http.ServeMux
	error *openapi3.Schema
}

var (
	validatorOnce sync.Once
	sharedOAS     *validator
	validatorErr  error
)

func loadValidator(t testing.TB) *validator {
	t.Helper()
	validatorOnce.Do(func() { sharedOAS, validatorErr = newValidator() })
	if validatorErr != nil {
		t.Fatalf("OpenAPI document: %v", validatorErr)
	}
	return sharedOAS
}

func newValidator() (*validator, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(web.OpenAPIDoc())
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	v := &validator{doc: doc, mux: http.NewServeMux(), error: doc.Components.Schemas["Error"].Value}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			v.mux.Handle(method+" "+path, http.NotFoundHandler())
		}
	}
	return v, nil
}

// check validates one exchange. Answers to paths the document does not
// describe (unknown routes, wrong methods) must still be JSON errors of the
// documented Error schema.
func (v *validator) check(t testing.TB, method, target, body string, header http.Header, res *httptest.ResponseRecorder) {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header = header.Clone()
	if body != "" && req.Header.Get("Content-Type") == "" {
		// The server tolerates a missing Content-Type; the document asks
		// for JSON, which is what such a body is read as.
		req.Header.Set("Content-Type", "application/json")
	}
	_, pattern := v.mux.Handler(req)
	if pattern == "" || !strings.Contains(pattern, " ") {
		v.checkError(t, method, target, res)
		return
	}
	tmpl := pattern[strings.Index(pattern, " ")+1:]
	item := v.doc.Paths.Value(tmpl)
	op := item.GetOperation(method)
	if op == nil { // HEAD on a GET route
		return
	}
	route := &routers.Route{Spec: v.doc, Path: tmpl, PathItem: item, Method: method, Operation: op}
	in := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: pathParams(tmpl, req.URL.Path),
		Route:      route,
		Options: &openapi3filter.Options{
			AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
			IncludeResponseStatus: true, // an undocumented status is a failure
			MultiError:            true,
		},
	}
	// Requests the server accepted must be valid by the document too; the
	// rejected ones are often invalid on purpose.
	if res.Code < 400 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			t.Errorf("%s %s: request does not match the OpenAPI document: %v", method, target, err)
		}
		req.Body = io.NopCloser(strings.NewReader(body))
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 res.Code,
		Header:                 res.Header(),
		Options:                in.Options,
	}
	out.SetBodyBytes(res.Body.Bytes())
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s %s: answer %d does not match the OpenAPI document: %v\n%s", method, target, res.Code, err, res.Body)
	}
}

func (v *validator) checkError(t testing.TB, method, target string, res *httptest.ResponseRecorder) {
	t.Helper()
	if !strings.HasPrefix(target, "/api/") {
		return // the browser UI
	}
	var body any
	if err := json.Unmarshal(res.Body.Bytes(), &body); err != nil {
		t.Errorf("%s %s: %d answer is not JSON: %s", method, target, res.Code, res.Body)
		return
	}
	if err := v.error.VisitJSON(body, openapi3.EnableJSONSchema2020()); err != nil {
		t.Errorf("%s %s: %d answer is not an Error: %v", method, target, res.Code, err)
	}
}

// pathParams pairs a path template's {names} with the request's segments.
func pathParams(tmpl, path string) map[string]string {
	ts, ps := strings.Split(tmpl, "/"), strings.Split(path, "/")
	out := map[string]string{}
	for i, seg := range ts {
		if i < len(ps) && strings.HasPrefix(seg, "{") {
			v, err := url.PathUnescape(ps[i])
			if err != nil {
				v = ps[i]
			}
			out[strings.Trim(seg, "{}")] = v
		}
	}
	return out
}
