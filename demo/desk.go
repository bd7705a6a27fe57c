package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
)

// The desk's part of the demo: the generated inquiries stored through the
// InquiryService as the people in them would (customers on My Page, the
// store's intake for mail, phone and social), then worked on by each
// studio's team so every state of the workflow shows: answered, waiting,
// reopened, noted, tagged, assigned, resolved and rated, closed, and, when
// the clock can be set, overdue and escalated.

// team is a studio's people as actors.
type team struct {
	dev                 *vocdesk.Developer
	owner, admin, agent *vocdesk.Actor
	locale              string
}

// cannedReplies are each studio's canned replies, in both languages.
var cannedReplies = []vocdesk.CannedReply{
	{Name: "환불 접수 안내", Locale: "ko", Body: "{{customer.name}}님, 안녕하세요. {{app.name}} 고객지원 {{agent.name}}입니다.\n\n{{purchase.item}}({{purchase.amount}}, 거래번호 {{purchase.txid}}) 환불 요청이 접수되었습니다. 영업일 기준 3일 안에 결제하신 수단으로 환불됩니다.\n\n감사합니다."},
	{Name: "아이템 지급 확인", Locale: "ko", Body: "{{customer.name}}님, 불편을 드려 죄송합니다. 거래번호 {{purchase.txid}} 건을 서버 기록과 대조해 {{purchase.item}} 상품을 다시 지급해 드렸습니다. 게임을 재시작해 확인 부탁드립니다.\n\n{{agent.name}} 드림"},
	{Name: "Refund accepted", Locale: "en", Body: "Hello {{customer.name}},\n\nwe have received your refund request for {{purchase.item}} ({{purchase.amount}}, TxID {{purchase.txid}}). The refund goes back to your original payment method within 3 business days.\n\n{{agent.name}}, {{app.name}} support"},
	{Name: "Item redelivered", Locale: "en", Body: "Hi {{customer.name}},\n\nsorry for the trouble. We matched transaction {{purchase.txid}} with our server log and delivered {{purchase.item}} again. Please restart {{app.name}} to see it.\n\n{{agent.name}}"},
}

var replies = map[string][]string{
	"ko": {
		"안녕하세요, 문의 주셔서 감사합니다. 확인해 보니 결제는 정상 처리되었습니다. 게임을 재시작하신 뒤에도 같은 문제가 있으면 말씀해 주세요.",
		"불편을 드려 죄송합니다. 요청하신 내용은 처리되었습니다. 추가로 궁금한 점이 있으시면 언제든 문의해 주세요.",
		"확인을 위해 사용 중인 기기 모델과 앱 버전을 알려 주시겠어요?",
	},
	"en": {
		"Thanks for reaching out. The payment went through on our side; if the problem remains after a restart, please let us know.",
		"Sorry for the trouble. This is taken care of now. Let us know if there is anything else.",
		"Could you tell us your device model and the app version, so we can look into it?",
	},
}

var followUps = map[string]string{
	"ko": "아직 해결되지 않았어요. 다시 확인 부탁드립니다.",
	"en": "It still doesn't work, could you check again?",
}

var notes = []string{
	"서버 로그 확인 필요 (check the server log)",
	"Repeat asker: check earlier inquiries before answering.",
	"환불 정책상 7일 이내 미사용 건, 승인 가능",
}

// desk stores the demo's inquiries once: an inquiry whose customer already
// has one with the same subject about the same app is there from an
// earlier run.
func (s *seeder) desk(ctx context.Context) error {
	teams, err := s.teams(ctx)
	if err != nil {
		return err
	}
	if s.opts.SetNow != nil {
		defer s.opts.SetNow(time.Now)
	}
	existing := map[int64][]*vocdesk.Inquiry{}
	created, found := 0, 0
	for i, q := range s.res.Inquiries {
		p, err := s.svc.Purchases.FindPurchaseByTxID(ctx, q.FromTxID)
		if vocdesk.ErrorCode(err) == vocdesk.ENOTFOUND {
			continue // the customer was skipped by the ledger
		} else if err != nil {
			return err
		}
		have, ok := existing[p.CustomerID]
		if !ok {
			have, _, err = s.svc.Inquiries.FindInquiries(ctx, vocdesk.InquiryFilter{CustomerID: p.CustomerID, Limit: 200})
			if err != nil {
				return err
			}
			existing[p.CustomerID] = have
		}
		if hasInquiry(have, q) {
			found++
			continue
		}
		tm := teams[p.DeveloperSlug]
		if tm == nil {
			continue
		}
		if err := s.storeInquiry(ctx, i, q, p, tm); err != nil {
			return fmt.Errorf("inquiry %d (%s): %w", i, q.Subject, err)
		}
		created++
	}
	if s.opts.SetNow != nil {
		s.opts.SetNow(time.Now)
	}
	n, err := s.svc.Desk.EscalateOverdue(ctx)
	if err != nil {
		return err
	}
	s.res.InquiriesCreated, s.res.InquiriesExisting, s.res.InquiriesEscalated = created, found, n
	s.opts.Logf("%d inquiries stored, %d already there, %d escalated", created, found, n)
	st := &studios[0]
	s.opts.Logf("inquiries: answer them as %s or %s at /developer/login (Manage Customer Inquiries), "+
		"watch the escalation queue as %s at /operator/login, and see a customer's side as %s at /login (My inquiries)",
		memberEmail(st, vocdesk.RoleAgent), memberEmail(st, vocdesk.RoleOwner), operatorLogin.Email, s.res.Inquiries[0].CustomerEmail)
	return nil
}

func hasInquiry(have []*vocdesk.Inquiry, q Inquiry) bool {
	for _, in := range have {
		if in.Subject == strings.TrimSpace(q.Subject) && in.AppSlug == q.AppSlug {
			return true
		}
	}
	return false
}

// teams finds each studio's developer and members, and gives the studio
// its canned replies once.
func (s *seeder) teams(ctx context.Context) (map[string]*team, error) {
	out := map[string]*team{}
	for i := range studios {
		st := &studios[i]
		dev, err := s.svc.Developers.FindDeveloperBySlug(ctx, st.Slug)
		if err != nil {
			return nil, err
		}
		ms, err := s.svc.Developers.FindMembers(ctx, st.Slug)
		if err != nil {
			return nil, err
		}
		tm := &team{dev: dev, locale: "en"}
		if st.Korean {
			tm.locale = "ko"
		}
		for _, m := range ms {
			a := &vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: dev.ID, MemberID: m.ID, Role: m.Role, Name: m.Name, Email: m.Email}
			switch m.Email {
			case memberEmail(st, vocdesk.RoleOwner):
				tm.owner = a
			case memberEmail(st, vocdesk.RoleAdmin):
				tm.admin = a
			case memberEmail(st, vocdesk.RoleAgent):
				tm.agent = a
			}
		}
		if tm.owner == nil || tm.admin == nil || tm.agent == nil {
			return nil, fmt.Errorf("studio %s lacks its demo members", st.Slug)
		}
		actx := vocdesk.NewContextWithActor(ctx, tm.admin)
		have, err := s.svc.Desk.FindCannedReplies(actx, "")
		if err != nil {
			return nil, err
		}
		if len(have) == 0 {
			for _, c := range cannedReplies {
				c := c
				if err := s.svc.Desk.CreateCannedReply(actx, &c); err != nil {
					return nil, err
				}
			}
		}
		out[st.Slug] = tm
	}
	return out, nil
}

// storeInquiry creates one inquiry and plays its story, chosen by its
// index so that every run tells the same stories.
func (s *seeder) storeInquiry(ctx context.Context, i int, q Inquiry, p *vocdesk.Purchase, tm *team) error {
	// at dates what follows d after the question, but never after the
	// demo's "now" (the anchor): an inquiry asked a minute before it has
	// its whole story in that minute, rather than replies stamped hours in
	// the future ("-56m ago" in the inbox).
	at := func(d time.Duration) {
		if s.opts.SetNow != nil {
			t := q.CreatedAt.Add(d)
			if t.After(s.res.Anchor) {
				t = s.res.Anchor
			}
			s.opts.SetNow(func() time.Time { return t })
		}
	}
	at(0)
	in := &vocdesk.Inquiry{
		Channel: vocdesk.Channel(q.Channel), Category: vocdesk.Category(q.Category),
		Subject: q.Subject, TxID: q.TxID,
	}
	if q.TxID == "" {
		in.AppSlug = q.AppSlug
	}
	customer := vocdesk.NewContextWithActor(ctx, &vocdesk.Actor{Realm: vocdesk.RealmCustomer, CustomerID: p.CustomerID, Name: q.CustomerName, Email: q.CustomerEmail})
	cctx := ctx // the store's intake (the system) logs mail, calls and posts
	if in.Channel == vocdesk.ChannelStore {
		cctx = customer
	} else {
		in.CustomerID = p.CustomerID
	}
	if err := s.svc.Inquiries.CreateInquiry(cctx, in, &vocdesk.Message{Body: q.Body}); err != nil {
		return err
	}
	agent := vocdesk.NewContextWithActor(ctx, tm.agent)
	admin := vocdesk.NewContextWithActor(ctx, tm.admin)
	lang := q.Locale
	if lang != "ko" {
		lang = "en"
	}

	// A tenth stay new and untouched, the oldest of them past the store's
	// deadline by the end of the demo.
	if i%10 == 0 {
		return nil
	}
	if i%3 == 0 {
		id := tm.agent.MemberID
		at(20 * time.Minute)
		if _, err := s.svc.Inquiries.UpdateInquiry(admin, in.ID, vocdesk.InquiryUpdate{AssigneeID: &id}); err != nil {
			return err
		}
	}
	if i%5 == 3 {
		tag := map[string]string{"refund": "refund-check", "not_received": "redeliver", "bug": "bug-report"}[q.Category]
		if tag == "" {
			tag = "vip"
		}
		if _, err := s.svc.Inquiries.UpdateInquiry(agent, in.ID, vocdesk.InquiryUpdate{AddTags: []string{tag}}); err != nil {
			return err
		}
	}
	if i%7 == 2 {
		at(40 * time.Minute)
		if err := s.svc.Inquiries.AddMessage(admin, in.ID, &vocdesk.Message{Body: notes[i%len(notes)], Internal: true}); err != nil {
			return err
		}
	}
	// Some are still waiting for their first answer.
	if i%4 == 0 {
		return nil
	}
	at(time.Duration(1+i%5) * time.Hour)
	if err := s.svc.Inquiries.AddMessage(agent, in.ID, &vocdesk.Message{Body: replies[lang][i%len(replies[lang])]}); err != nil {
		return err
	}
	switch {
	case i%6 == 1: // the customer writes back: open again
		at(time.Duration(3+i%5) * time.Hour)
		return s.svc.Inquiries.AddMessage(customer, in.ID, &vocdesk.Message{Body: followUps[lang]})
	case i%4 == 1 || i%9 == 6: // solved by the customer, and rated
		at(time.Duration(5+i%5) * time.Hour)
		st := vocdesk.InquiryResolved
		if _, err := s.svc.Inquiries.UpdateInquiry(customer, in.ID, vocdesk.InquiryUpdate{Status: &st}); err != nil {
			return err
		}
		rating := 5 - i%3
		comment := map[string]string{"ko": "빠른 답변 감사합니다.", "en": "Quick and helpful, thanks!"}[lang]
		if rating < 4 {
			comment = map[string]string{"ko": "해결은 됐지만 답변이 늦었어요.", "en": "Solved, but it took a while."}[lang]
		}
		if err := s.svc.Inquiries.RateInquiry(customer, in.ID, rating, comment); err != nil {
			return err
		}
		if i%9 == 6 {
			closed := vocdesk.InquiryClosed
			_, err := s.svc.Inquiries.UpdateInquiry(agent, in.ID, vocdesk.InquiryUpdate{Status: &closed})
			return err
		}
	}
	return nil
}
