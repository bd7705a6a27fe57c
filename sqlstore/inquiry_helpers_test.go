package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
)

// deskFixture is the marketplace of fixture plus the desk: customer A
// bought pA1 and pA2 from developer A, customer B bought pB1 from developer
// B; agentA and viewerA are members of developer A. The clock is a
// Wednesday morning in Seoul and moves only when a test moves it.
type deskFixture struct {
	*fixture
	inq  vocdesk.InquiryService
	desk vocdesk.DeskService
	jobs *sqlstore.JobQueue

	now              time.Time
	pA1, pA2, pB1    *vocdesk.Purchase
	agentA, viewerA  *vocdesk.Member
	adminA, agentB   *vocdesk.Member
	asAgentA, asCust context.Context
}

// wed is Wednesday 2026-03-04 10:00 in Seoul.
var wed = time.Date(2026, 3, 4, 10, 0, 0, 0, vocdesk.Seoul)

func newDeskFixture(t testing.TB, db *sqlstore.DB) *deskFixture {
	t.Helper()
	f := &deskFixture{fixture: newFixture(t, db), inq: sqlstore.NewInquiryService(db), desk: sqlstore.NewDeskService(db),
		jobs: sqlstore.NewJobQueue(db), now: wed}
	db.Now = func() time.Time { return f.now }
	f.pA1 = f.record(t, f.purchase("TXA1", "ORD-A1", f.custA, f.appA, "gems-100", 1200, t0))
	f.pA2 = f.record(t, f.purchase("TXA2", "ORD-A2", f.custA, f.appA, "gems-500", 5500, t0.Add(time.Hour)))
	f.pB1 = f.record(t, f.purchase("TXB1", "ORD-B1", f.custB, f.appB, "", 3300, t0))
	f.agentA = f.member(t, "dev-a", "agent@a.example", "에이전트 A", vocdesk.RoleAgent)
	f.viewerA = f.member(t, "dev-a", "viewer@a.example", "Viewer A", vocdesk.RoleViewer)
	f.adminA = f.member(t, "dev-a", "admin@a.example", "Admin A", vocdesk.RoleAdmin)
	f.agentB = f.member(t, "dev-b", "agent@b.example", "Agent B", vocdesk.RoleAgent)
	f.asAgentA = f.as(f.devA, f.agentA)
	f.asCust = asCustomer(f.custA)
	return f
}

func (f *deskFixture) member(t testing.TB, dev, email, name string, role vocdesk.Role) *vocdesk.Member {
	t.Helper()
	m := &vocdesk.Member{Email: email, Name: name, Role: role}
	must(t, f.devs.CreateMember(asOperator(), dev, m, ""))
	return m
}

// as is the context of a signed-in member.
func (f *deskFixture) as(d *vocdesk.Developer, m *vocdesk.Member) context.Context {
	return vocdesk.NewContextWithActor(context.Background(), &vocdesk.Actor{Realm: vocdesk.RealmDeveloper,
		DeveloperID: d.ID, MemberID: m.ID, Role: m.Role, Name: m.Name, Email: m.Email})
}

// ask creates an inquiry as customer c about txid (or app when txid is "").
func (f *deskFixture) ask(t testing.TB, c *vocdesk.Customer, txid, app, subject, body string) *vocdesk.Inquiry {
	t.Helper()
	in := &vocdesk.Inquiry{TxID: txid, AppSlug: app, Category: vocdesk.CategoryRefund, Subject: subject}
	must(t, f.inq.CreateInquiry(asCustomer(c), in, &vocdesk.Message{Body: body}))
	return in
}

func (f *deskFixture) reload(t testing.TB, ctx context.Context, id int64) *vocdesk.Inquiry {
	t.Helper()
	in, err := f.inq.FindInquiryByID(ctx, id)
	must(t, err)
	return in
}

func status(s vocdesk.InquiryStatus) *vocdesk.InquiryStatus { return &s }
