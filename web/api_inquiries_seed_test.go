package web_test

import (
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// deskSeed is one developer's desk, seeded for every API test: the
// customer's inquiry about the purchase with a screenshot, the owner's reply,
// an internal note with a PDF, a canned reply and the owner's saved view.
// Like everything of alpha's, its texts hold "alpha".
type deskSeed struct {
	inquiryID    int64
	attachmentID int64 // the customer's screenshot
	noteFileID   int64 // the internal note's PDF: never for the customer
	cannedID     int64
	viewID       int64
	macroID      int64 // a macro that tags, and a rule that never matches
	ruleID       int64
	ownerID      int64  // the owner member's id
	viewerToken  string // set by runDeskScenarios, for A only
	agentToken   string
}

// Small files whose bytes sniff as what they claim to be.
var (
	pngBytes  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	pdfBytes  = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	htmlBytes = []byte("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>")
)

// seedDesk stores tn's desk through the services, acting as its customer
// and its owner.
func (e *env) seedDesk(tn tenant) deskSeed {
	t := e.t
	t.Helper()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed desk of %s: %s: %v", tn.slug, what, err)
		}
	}
	ctx := systemCtx()
	members, err := e.svc.Developers.FindMembers(ctx, tn.slug)
	must("members", err)
	var ds deskSeed
	var owner *vocdesk.Member
	for _, m := range members {
		if m.Email == tn.memberEmail {
			owner = m
		}
	}
	if owner == nil {
		t.Fatalf("seed desk: no owner of %s", tn.slug)
	}
	ds.ownerID = owner.ID
	dev, err := e.svc.Developers.FindDeveloperBySlug(ctx, tn.slug)
	must("developer", err)
	asCustomer := vocdesk.NewContextWithActor(ctx, &vocdesk.Actor{Realm: vocdesk.RealmCustomer, CustomerID: tn.customerID, Name: "Customer"})
	asOwner := vocdesk.NewContextWithActor(ctx, &vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: dev.ID,
		MemberID: owner.ID, Role: vocdesk.RoleOwner, Name: owner.Name, Email: owner.Email})

	name := strings.SplitN(tn.slug, "-", 2)[0]
	in := &vocdesk.Inquiry{TxID: tn.txid, Category: vocdesk.CategoryRefund, Subject: "Refund " + name + " gems 환불요청"}
	first := &vocdesk.Message{Body: "I was charged twice for " + name + " gems.",
		Attachments: []*vocdesk.Attachment{{Filename: name + "-shot.png", Data: pngBytes}}}
	must("inquiry", e.svc.Inquiries.CreateInquiry(asCustomer, in, first))
	ds.inquiryID, ds.attachmentID = in.ID, first.Attachments[0].ID
	must("reply", e.svc.Inquiries.AddMessage(asOwner, in.ID, &vocdesk.Message{Body: "We are looking into it, " + name + "."}))
	note := &vocdesk.Message{Body: "Internal " + name + " note: check the server log.", Internal: true,
		Attachments: []*vocdesk.Attachment{{Filename: name + "-log.pdf", Data: pdfBytes}}}
	must("note", e.svc.Inquiries.AddMessage(asOwner, in.ID, note))
	ds.noteFileID = note.Attachments[0].ID
	c := &vocdesk.CannedReply{Name: name + " refund", Locale: "ko", Body: "{{customer.name}}님, {{purchase.txid}} ({{purchase.tid}}) 환불을 요청했습니다. {{agent.name}}"}
	must("canned reply", e.svc.Desk.CreateCannedReply(asOwner, c))
	ds.cannedID = c.ID
	v := &vocdesk.SavedView{Name: name + " open", Query: "status=open&sort=due"}
	must("saved view", e.svc.Desk.CreateSavedView(asOwner, v))
	ds.viewID = v.ID
	if e.svc.Automation != nil {
		mc := &vocdesk.Macro{Name: name + " macro", Actions: vocdesk.MacroActions{AddTags: []string{name}, CannedReplyID: c.ID}}
		must("macro", e.svc.Automation.CreateMacro(asOwner, mc))
		rl := &vocdesk.Rule{Name: name + " rule", Enabled: true, Events: []vocdesk.RuleEvent{vocdesk.RuleOnCreated},
			Conditions: vocdesk.RuleConditions{Words: []string{name + " never-said"}}, Actions: vocdesk.RuleActions{AddTags: []string{name}}}
		must("rule", e.svc.Automation.CreateRule(asOwner, rl))
		ds.macroID, ds.ruleID = mc.ID, rl.ID
	}

	return ds
}

// memberSession adds a member of role to tn's developer and returns a
// session token, without a password (hashing one costs a test seconds).
func (e *env) memberSession(tn tenant, role vocdesk.Role) string {
	e.t.Helper()
	ctx := systemCtx()
	name := strings.SplitN(tn.slug, "-", 2)[0]
	m := &vocdesk.Member{Email: name + "." + string(role) + "@example.com", Name: string(role) + " " + name, Role: role}
	if err := e.svc.Developers.CreateMember(ctx, tn.slug, m, ""); err != nil {
		e.t.Fatal(err)
	}
	dev, err := e.svc.Developers.FindDeveloperBySlug(ctx, tn.slug)
	if err != nil {
		e.t.Fatal(err)
	}
	secret, _, err := e.svc.Auth.CreateSession(ctx, &vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: dev.ID,
		MemberID: m.ID, Role: role, Name: m.Name, Email: m.Email}, time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// pairs are the desk's ${A.x} placeholders for scenarios.
func (ds deskSeed) pairs(prefix string) []string {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	return []string{
		"${" + prefix + ".inquiry}", id(ds.inquiryID),
		"${" + prefix + ".attachment}", id(ds.attachmentID),
		"${" + prefix + ".notefile}", id(ds.noteFileID),
		"${" + prefix + ".canned}", id(ds.cannedID),
		"${" + prefix + ".view}", id(ds.viewID),
		"${" + prefix + ".owner}", id(ds.ownerID),
		"${" + prefix + ".macro}", id(ds.macroID),
		"${" + prefix + ".rule}", id(ds.ruleID),
	}
}

// runDeskScenarios runs a table on every engine like runScenarios, with
// more callers (viewerA, agentA) and {{name}} values that earlier
// scenarios captured (see capture).
func runDeskScenarios(t *testing.T, table func(vars map[string]string) []scenario) {
	sqlstoretest.EnginesInTurn(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		e.a.desk.viewerToken = e.memberSession(e.a, vocdesk.RoleViewer)
		e.a.desk.agentToken = e.memberSession(e.a, vocdesk.RoleAgent)
		vars := map[string]string{}
		for _, sc := range table(vars) {
			switch sc.as {
			case "viewerA":
				sc.as = "Bearer " + e.a.desk.viewerToken
			case "agentA":
				sc.as = "Bearer " + e.a.desk.agentToken
			}
			prepare := sc.prepare
			sc.prepare = func(sc *scenario) {
				for k, v := range vars {
					r := strings.NewReplacer("{{"+k+"}}", v)
					sc.url, sc.body = r.Replace(sc.url), r.Replace(sc.body)
					for i := range sc.want {
						sc.want[i] = r.Replace(sc.want[i])
					}
				}
				if prepare != nil {
					prepare(sc)
				}
			}
			sc.run(t, e)
		}
	})
}

// capture stores the JSON answer's field (a top-level number or string) as
// {{name}} for later scenarios.
func capture(vars map[string]string, name, field string) func(t *testing.T, e *env, res *httptest.ResponseRecorder) {
	return func(t *testing.T, e *env, res *httptest.ResponseRecorder) {
		t.Helper()
		var m map[string]any
		if err := json.Unmarshal(res.Body.Bytes(), &m); err != nil {
			t.Fatalf("capture %s: %v", name, err)
		}
		switch v := m[field].(type) {
		case float64:
			vars[name] = strconv.FormatInt(int64(v), 10)
		case string:
			vars[name] = v
		default:
			t.Fatalf("capture %s: field %s is %T", name, field, v)
		}
	}
}

func newJobQueue(e *env) *sqlstore.JobQueue { return sqlstore.NewJobQueue(e.db) }
