package web_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web"
)

// FuzzAPIRouteBodies is one harness over the request decoder of every API
// route that takes a body (issue 16): the input picks a route of the route
// table and is sent as its body, through the whole server (decoder, rules,
// services, a real database), as a caller the route admits. Whatever the
// bytes, the answer must be a 4xx or 2xx, never a 5xx or a panic, and an
// error must have the contract's shape. The seeds are the tenancy walk's
// bodies (walkBodies), so every route starts from a body it accepts, with
// NUL, control characters, invalid UTF-8, null and other edge cases mixed
// in. With VOCDESK_TEST_POSTGRES set it runs on PostgreSQL, where a NUL
// that slipped through used to answer 500.
func FuzzAPIRouteBodies(f *testing.F) {
	e := newEnv(f, sqlstoretest.Open(f))
	var routes []web.RouteInfo
	for _, rt := range web.Routes(e.srv) {
		if rt.API && (rt.Method == "POST" || rt.Method == "PUT" || rt.Method == "PATCH") {
			routes = append(routes, rt)
		}
	}
	a := e.aimAt(e.a)
	edge := []string{"null", "[]", "{}", `{"x":1}`, "{", `"`, "\xff\xfe", `{"name":"a\u0000b"}`, `{"body":"\u001b[2J\u202e"}`}
	for i, rt := range routes {
		tmpl, ok := walkBodies[rt.Method+" "+rt.Path]
		if !ok {
			tmpl, ok = publicBodies[rt.Method+" "+rt.Path]
		}
		if !ok {
			f.Fatalf("no seed body for %s %s: add one to walkBodies (or publicBodies)", rt.Method, rt.Path)
		}
		body := strings.NewReplacer("{slug}", a.slug, "{app}", a.app, "{item}", a.item, "{txid}", a.txid, "{tid}", a.tid,
			"{customer}", a.customer, "{inquiry}", a.inquiry, "{email}", a.email).Replace(tmpl)
		f.Add(uint8(i), body)
		f.Add(uint8(i), strings.Replace(body, `"walk"`, `"wa\u0000lk"`, 1))
		f.Add(uint8(i), edge[i%len(edge)])
	}
	f.Fuzz(func(t *testing.T, pick uint8, body string) {
		rt := routes[int(pick)%len(routes)]
		path := rt.Path
		if strings.Contains(path, "{") {
			path = a.fill(t, path, true)
		}
		secret := e.opKey
		switch {
		case len(rt.Realms) > 0 && rt.Realms[0] == vocdesk.RealmCustomer:
			secret = e.a.customerToken
		case !hasRealm(rt.Realms, vocdesk.RealmOperator) && hasRealm(rt.Realms, vocdesk.RealmDeveloper):
			secret = e.a.key
		}
		h := bearerWith(jsonCT, secret)
		h.Set("Idempotency-Key", "fuzz-"+strconv.Itoa(len(body)))
		res := serve(e.srv, rt.Method, path, body, h)
		if res.Code >= 500 {
			t.Fatalf("%s %s answered %d to %q: %s", rt.Method, path, res.Code, body, res.Body)
		}
		if res.Code >= 400 {
			var er struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(res.Body.Bytes(), &er); err != nil || er.Error.Code == "" || er.Error.Message == "" {
				t.Fatalf("%s %s answered %d without the error shape: %s", rt.Method, path, res.Code, res.Body)
			}
		}
	})
}

// publicBodies seed the routes the tenancy walk does not walk.
var publicBodies = map[string]string{
	"POST /api/v1/auth/token": `{"realm":"customer","email":"{email}","password":"walk-password"}`,
	// Not public, but the caller's own (selfOnly): no walk body aims it.
	"POST /api/v1/webhook/test": ``,
	// Signed by a connector, not a bearer: unsigned, it answers 401.
	"POST /api/v1/intake/social": `{"connector":1,"network":"x","handle":"walk","message":"walk"}`,
}

func hasRealm(rs []vocdesk.Realm, r vocdesk.Realm) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}
