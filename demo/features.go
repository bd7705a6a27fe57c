package demo

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/vocdesk/vocdesk"
)

// The agents' day on top of the stored inquiries, for the first studio (the
// one the printed logins start with): its macros and rules and who is in,
// phone calls the store's call centre logged with and without the caller's
// consent, a social connector with two posts, a month of answered, resolved
// and rated inquiries for the reports, a snoozed inquiry, a merged pair and
// a note that mentions a teammate (the bell). Each part is looked up by
// name or subject first, so a second run adds nothing.

// FeatureCounts says what the agents' day part of a run created.
type FeatureCounts struct {
	Macros, Rules, Connectors, Calls, SocialPosts, History, Snoozed, Merged, Mentions int
}

// historyStory is one of the month's finished inquiries: asked, answered,
// resolved and rated.
type historyStory struct {
	Category        vocdesk.Category
	Subject, Body   string
	Reply           string
	Rating          int
	Comment         string
	AnswerH, CloseH int // hours after the question: first answer, resolution
}

var historyKo = []historyStory{
	{"refund", "시즌 패스 환불 요청", "실수로 시즌 패스를 두 번 결제했어요. 한 건 환불 부탁드립니다.", "중복 결제 한 건을 환불 처리했습니다. 영업일 3일 안에 반영됩니다.", 5, "빠르게 환불해 주셔서 감사해요!", 1, 5},
	{"not_received", "다이아가 지급되지 않았어요", "결제는 됐는데 다이아 330개가 안 들어왔어요.", "서버 기록을 확인해 다이아 330개를 다시 지급했습니다. 게임을 재시작해 주세요.", 4, "재접속하니 들어왔어요.", 2, 6},
	{"bug", "스테이지 12에서 게임이 멈춰요", "보스전 시작하면 화면이 멈추고 앱이 꺼집니다.", "다음 업데이트(1.8.2)에서 수정됩니다. 그 전까지 그래픽 설정을 '보통'으로 바꿔 주세요.", 3, "해결은 됐는데 업데이트까지 오래 걸렸어요.", 4, 30},
	{"payment", "결제 수단 변경 문의", "카드 결제 대신 휴대폰 결제로 바꿀 수 있나요?", "스토어 결제 설정에서 기본 결제 수단을 바꾸실 수 있습니다.", 5, "친절한 안내 감사합니다.", 1, 3},
	{"account", "계정 연동이 풀렸어요", "기기를 바꿨더니 예전 계정 진행 상황이 안 보여요.", "예전 계정을 새 기기에 다시 연동해 드렸습니다.", 2, "답변이 너무 늦었어요.", 20, 48},
	{"other", "쿠폰 코드 사용 방법", "이벤트 쿠폰은 어디에 입력하나요?", "설정 > 쿠폰 입력에서 사용하실 수 있습니다.", 4, "", 2, 4},
}

var historyEn = []historyStory{
	{"refund", "Refund for an accidental purchase", "My kid bought the starter pack by accident. Can I get a refund?", "We refunded the starter pack; it goes back to your card within 3 business days.", 5, "Fast and friendly, thank you.", 1, 4},
	{"not_received", "Gems missing after purchase", "I paid for 60 gems but my balance did not change.", "We delivered the 60 gems again. Please restart the game.", 4, "Works now.", 3, 8},
	{"bug", "Crash when opening the shop", "The app closes every time I open the shop screen.", "Thanks for the report. Version 1.8.2 fixes the crash; please update.", 3, "Fixed, but it took a few days.", 6, 28},
	{"payment", "Charged in the wrong currency", "I was charged in KRW instead of USD, is that right?", "Prices follow your store country; your bank converted the amount.", 4, "Clear answer.", 2, 5},
}

// features runs the agents' day part when the services for it are there.
func (s *seeder) features(ctx context.Context) error {
	svc := s.svc
	if svc.Inquiries == nil || svc.Desk == nil || svc.Automation == nil || svc.Calls == nil || svc.Social == nil ||
		svc.Merges == nil || svc.Snoozes == nil || svc.Notifications == nil {
		return nil
	}
	teams, err := s.teams(ctx)
	if err != nil {
		return err
	}
	tm := teams[studios[0].Slug]
	cs, err := s.studioCustomers(ctx, &studios[0])
	if err != nil {
		return err
	}
	if len(cs) < 6 {
		s.opts.Logf("agents' day skipped: %d customers of %s, too few", len(cs), studios[0].Slug)
		return nil
	}
	if s.opts.SetNow != nil {
		defer s.opts.SetNow(time.Now)
	}
	fc := &s.res.Features
	s.res.Mentioned = tm.admin.Email
	steps := []func(context.Context, *team, []*buyer) error{s.automation, s.calls, s.social, s.history, s.snoozeMergeMention}
	for _, step := range steps {
		if err := step(ctx, tm, cs); err != nil {
			return err
		}
	}
	s.opts.Logf("agents' day: %d macros, %d rules, %d connectors, %d calls, %d social posts, %d resolved and rated, %d snoozed, %d merged, %d mentions",
		fc.Macros, fc.Rules, fc.Connectors, fc.Calls, fc.SocialPosts, fc.History, fc.Snoozed, fc.Merged, fc.Mentions)
	s.opts.Logf("agents' day: sign in as %s at /developer/login for the bell's mention, the macros and rules, and /console/reports; as %s at /operator/login for /operator/reports",
		memberEmail(&studios[0], vocdesk.RoleAdmin), operatorLogin.Email)
	return nil
}

// buyer is a customer of the studio with one of their purchases of it.
type buyer struct {
	c *vocdesk.Customer
	p *vocdesk.Purchase
}

// studioCustomers lists the studio's customers, each once, with a purchase
// of theirs, in the ledger's order (the same every run).
func (s *seeder) studioCustomers(ctx context.Context, st *studio) ([]*buyer, error) {
	var out []*buyer
	seen := map[int64]bool{}
	for _, a := range st.Apps {
		ps, _, err := s.svc.Purchases.FindPurchases(ctx, vocdesk.PurchaseFilter{AppSlug: a.Slug, Limit: 200})
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if seen[p.CustomerID] {
				continue
			}
			seen[p.CustomerID] = true
			c, err := s.svc.Customers.FindCustomerByID(ctx, p.CustomerID)
			if err != nil {
				return nil, err
			}
			out = append(out, &buyer{c, p})
		}
	}
	return out, nil
}

// clock sets the database's clock, when the demo may.
func (s *seeder) clock(t time.Time) {
	if s.opts.SetNow != nil {
		s.opts.SetNow(func() time.Time { return t })
	}
}

// findSubject finds the customer's inquiry with the subject; nil if none.
func (s *seeder) findSubject(ctx context.Context, customerID int64, subject string) (*vocdesk.Inquiry, error) {
	have, _, err := s.svc.Inquiries.FindInquiries(ctx, vocdesk.InquiryFilter{CustomerID: customerID, Limit: 200})
	if err != nil {
		return nil, err
	}
	for _, in := range have {
		if in.Subject == subject {
			return in, nil
		}
	}
	return nil, nil
}

func customerCtx(ctx context.Context, b *buyer) context.Context {
	return vocdesk.NewContextWithActor(ctx, &vocdesk.Actor{Realm: vocdesk.RealmCustomer, CustomerID: b.c.ID, Name: b.c.Name, Email: b.c.Email})
}

// automation gives the studio two macros, a round-robin rule for refunds
// and a tag rule for social posts, and sets who is in: the agent and the
// admin take the round-robin, the owner is away.
func (s *seeder) automation(ctx context.Context, tm *team, _ []*buyer) error {
	admin := vocdesk.NewContextWithActor(ctx, tm.admin)
	canned, err := s.svc.Desk.FindCannedReplies(admin, "")
	if err != nil {
		return err
	}
	var refundReply int64
	for _, c := range canned {
		if c.Name == cannedReplies[0].Name {
			refundReply = c.ID
		}
	}
	macros := []*vocdesk.Macro{
		{Name: "환불 접수 후 대기 (Refund: accept and wait)", Actions: vocdesk.MacroActions{CannedReplyID: refundReply, AddTags: []string{"refund-check"}, Status: vocdesk.InquiryWaitingOnCustomer}},
		{Name: "개발팀 확인 요청 (Escalate to dev team)", Actions: vocdesk.MacroActions{Note: "개발팀 확인 요청: 재현 기기와 앱 버전을 함께 전달했습니다. (Sent to the dev team with device and version.)", AddTags: []string{"bug-report"}, AssignToMe: true}},
	}
	have, err := s.svc.Automation.FindMacros(admin)
	if err != nil {
		return err
	}
	for _, m := range macros {
		if !hasName(len(have), func(i int) string { return have[i].Name }, m.Name) {
			if err := s.svc.Automation.CreateMacro(admin, m); err != nil {
				return fmt.Errorf("macro %q: %w", m.Name, err)
			}
			s.res.Features.Macros++
		}
	}
	rules := []*vocdesk.Rule{
		{Name: "환불 문의 순서대로 배정 (Refunds: round-robin)", Enabled: true, Events: []vocdesk.RuleEvent{vocdesk.RuleOnCreated},
			Conditions: vocdesk.RuleConditions{Categories: []vocdesk.Category{vocdesk.CategoryRefund}},
			Actions:    vocdesk.RuleActions{AssignRoundRobin: true}},
		{Name: "소셜 문의 태그 (Tag social posts)", Enabled: true, Events: []vocdesk.RuleEvent{vocdesk.RuleOnCreated},
			Conditions: vocdesk.RuleConditions{Channels: []vocdesk.Channel{vocdesk.ChannelSocial}},
			Actions:    vocdesk.RuleActions{AddTags: []string{"social"}, Priority: vocdesk.PriorityHigh}},
	}
	haveRules, err := s.svc.Automation.FindRules(admin)
	if err != nil {
		return err
	}
	for _, r := range rules {
		if !hasName(len(haveRules), func(i int) string { return haveRules[i].Name }, r.Name) {
			if err := s.svc.Automation.CreateRule(admin, r); err != nil {
				return fmt.Errorf("rule %q: %w", r.Name, err)
			}
			s.res.Features.Rules++
		}
	}
	for _, av := range []struct {
		a  *vocdesk.Actor
		in vocdesk.Availability
	}{{tm.agent, vocdesk.AvailabilityIn}, {tm.admin, vocdesk.AvailabilityIn}, {tm.owner, vocdesk.AvailabilityAway}} {
		if err := s.svc.Automation.SetAvailability(admin, av.a.MemberID, av.in); err != nil {
			return err
		}
	}
	return nil
}

func hasName(n int, name func(int) string, want string) bool {
	for i := range n {
		if name(i) == want {
			return true
		}
	}
	return false
}

// calls logs two phone calls as the store's operator: one caller agreed to
// share their payment ids with the developer, one did not.
func (s *seeder) calls(ctx context.Context, _ *team, cs []*buyer) error {
	op := vocdesk.NewContextWithActor(ctx, &vocdesk.Actor{Realm: vocdesk.RealmOperator, Name: operatorLogin.Name, Email: operatorLogin.Email})
	calls := []vocdesk.Call{
		{Caller: cs[0].c.Email, TxID: cs[0].p.TxID, Category: "not_received", Consent: true,
			Subject: "전화 문의: 결제한 아이템 미지급 (Call: item not delivered)",
			Summary: "고객이 전화로 결제한 아이템이 지급되지 않았다고 알림. 결제 내역 확인함, 거래번호 공유에 동의.\n(Caller says the item never arrived; payment confirmed; agreed to share the payment ids.)"},
		{Caller: cmp.Or(cs[1].c.Phone, cs[1].c.Email), TxID: cs[1].p.TxID, Category: "refund", Consent: false,
			Subject: "전화 문의: 환불 요청 (Call: refund request)",
			Summary: "고객이 전화로 환불을 요청함. 결제 정보 공유에는 동의하지 않음: 개발사는 거래번호 없이 확인해야 함.\n(Caller asks for a refund and did not agree to share the payment ids.)"},
	}
	for i, c := range calls {
		have, err := s.findSubject(ctx, cs[i].c.ID, c.Subject)
		if err != nil || have != nil {
			if err == nil && have.Channel != vocdesk.ChannelPhone {
				return fmt.Errorf("call %q is there as a %s inquiry", c.Subject, have.Channel)
			}
			continue
		}
		s.clock(s.res.Anchor.Add(-time.Duration(3+i*2) * time.Hour))
		if _, err := s.svc.Calls.LogCall(op, &c); err != nil {
			return fmt.Errorf("call %d: %w", i, err)
		}
		s.res.Features.Calls++
	}
	return nil
}

// demoConnector is the studio's KakaoTalk channel.
const demoConnector = "카카오톡 채널 @스타퀘스트 (KakaoTalk)"

// social connects the studio's KakaoTalk channel and takes in two posts
// through the intake's own method (the HTTP intake calls ReceivePost once
// the signature checks out); their webhook ids make them once.
func (s *seeder) social(ctx context.Context, tm *team, cs []*buyer) error {
	admin := vocdesk.NewContextWithActor(ctx, tm.admin)
	have, err := s.svc.Social.FindConnectors(admin)
	if err != nil {
		return err
	}
	var conn *vocdesk.SocialConnector
	for _, c := range have {
		if c.Name == demoConnector {
			conn = c
		}
	}
	if conn == nil {
		conn = &vocdesk.SocialConnector{Network: "kakao", Name: demoConnector, AppSlug: studios[0].Apps[0].Slug}
		if err := s.svc.Social.CreateConnector(admin, conn); err != nil {
			return err
		}
		s.res.Features.Connectors++
	}
	posts := []struct {
		id string
		p  vocdesk.SocialPost
	}{
		{"msg_demo_kakao_1", vocdesk.SocialPost{Handle: "@별빛러버", Message: "어제 산 다이아 1100개가 아직 안 들어왔어요 ㅠㅠ 확인 부탁드려요", CustomerEmail: cs[2].c.Email, ExternalID: "kakao-7731"}},
		{"msg_demo_kakao_2", vocdesk.SocialPost{Handle: "@questfan_jay", Message: "Hi! Is the season pass shared between my phone and tablet?", ExternalID: "kakao-7745"}},
	}
	for i, p := range posts {
		p.p.ConnectorID, p.p.Network = conn.ID, conn.Network
		s.clock(s.res.Anchor.Add(-time.Duration(90-i*30) * time.Minute))
		got, err := s.svc.Social.ReceivePost(ctx, &p.p, p.id)
		if err != nil {
			return fmt.Errorf("social post %d: %w", i, err)
		}
		if !got.Duplicate {
			s.res.Features.SocialPosts++
		}
	}
	return nil
}

// weekdayAt is the day days before t at hour:minute in Seoul, moved back
// to the Friday before when it falls on a weekend, so the story runs in
// business hours and the reports' business times are not zero.
func weekdayAt(t time.Time, days, hour, minute int) time.Time {
	d := t.In(vocdesk.Seoul).AddDate(0, 0, -days)
	switch d.Weekday() {
	case time.Saturday:
		d = d.AddDate(0, 0, -1)
	case time.Sunday:
		d = d.AddDate(0, 0, -2)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, vocdesk.Seoul)
}

// history stores a month of finished inquiries: asked on the store, answered
// by the agent hours later, resolved and rated by the customer, spread over
// the last 30 days so the reports' default range has every chart.
func (s *seeder) history(ctx context.Context, tm *team, cs []*buyer) error {
	agent := vocdesk.NewContextWithActor(ctx, tm.agent)
	stories := append(append([]historyStory{}, historyKo...), historyEn...)
	for i, st := range stories {
		b := cs[(6+i)%len(cs)] // a small demo has fewer customers than stories
		have, err := s.findSubject(ctx, b.c.ID, st.Subject)
		if err != nil {
			return err
		}
		if have != nil {
			continue
		}
		asked := weekdayAt(s.res.Anchor, 2+i*27/len(stories), 10, 7*i%50)
		if asked.After(s.res.Anchor) {
			asked = s.res.Anchor.Add(-48 * time.Hour)
		}
		at := func(h int) {
			t := asked.Add(time.Duration(h) * time.Hour)
			if t.After(s.res.Anchor) {
				t = s.res.Anchor
			}
			s.clock(t)
		}
		at(0)
		customer := customerCtx(ctx, b)
		in := &vocdesk.Inquiry{Category: st.Category, Subject: st.Subject, TxID: b.p.TxID}
		if err := s.svc.Inquiries.CreateInquiry(customer, in, &vocdesk.Message{Body: st.Body}); err != nil {
			return fmt.Errorf("history %d: %w", i, err)
		}
		at(st.AnswerH)
		if err := s.svc.Inquiries.AddMessage(agent, in.ID, &vocdesk.Message{Body: st.Reply}); err != nil {
			return err
		}
		at(st.CloseH)
		resolved := vocdesk.InquiryResolved
		if _, err := s.svc.Inquiries.UpdateInquiry(agent, in.ID, vocdesk.InquiryUpdate{Status: &resolved}); err != nil {
			return err
		}
		at(st.CloseH + 1)
		if err := s.svc.Inquiries.RateInquiry(customer, in.ID, st.Rating, st.Comment); err != nil {
			return err
		}
		s.res.Features.History++
	}
	return nil
}

// snoozeMergeMention stores three more stories: an inquiry the agent
// snoozed until the customer's update is due, a customer who asked the same
// thing twice (merged into the first), and a note that names the admin.
func (s *seeder) snoozeMergeMention(ctx context.Context, tm *team, cs []*buyer) error {
	agent := vocdesk.NewContextWithActor(ctx, tm.agent)
	ask := func(b *buyer, cat vocdesk.Category, subject, body string, ago time.Duration) (*vocdesk.Inquiry, bool, error) {
		have, err := s.findSubject(ctx, b.c.ID, subject)
		if err != nil || have != nil {
			return have, false, err
		}
		s.clock(s.res.Anchor.Add(-ago))
		in := &vocdesk.Inquiry{Category: cat, Subject: subject, TxID: b.p.TxID}
		err = s.svc.Inquiries.CreateInquiry(customerCtx(ctx, b), in, &vocdesk.Message{Body: body})
		return in, err == nil, err
	}

	// Snoozed: the agent asked for a screen recording and waits for it.
	in, created, err := ask(cs[3], "account", "업데이트 후 로그인이 안 돼요", "1.8.1로 업데이트한 뒤 로그인 버튼을 눌러도 반응이 없어요.", 26*time.Hour)
	if err != nil {
		return err
	}
	if created {
		s.clock(s.res.Anchor.Add(-25 * time.Hour))
		if err := s.svc.Inquiries.AddMessage(agent, in.ID, &vocdesk.Message{Body: "확인을 위해 로그인 화면을 녹화해 보내 주시겠어요? 받는 대로 다시 확인하겠습니다."}); err != nil {
			return err
		}
		until := s.res.Anchor.Add(48 * time.Hour)
		if _, err := s.svc.Snoozes.SnoozeInquiry(agent, in.ID, &until); err != nil {
			return err
		}
		s.res.Features.Snoozed++
	}

	// Merged: the same question twice, an hour apart.
	first, _, err := ask(cs[4], "bug", "Sound stops after a few minutes", "The music in Star Quest stops after about five minutes of play.", 30*time.Hour)
	if err != nil {
		return err
	}
	second, created, err := ask(cs[4], "bug", "Music goes silent (again)", "Sorry to write again: the music still cuts out mid-game. iPhone 13, latest version.", 29*time.Hour)
	if err != nil {
		return err
	}
	if created {
		s.clock(s.res.Anchor.Add(-28 * time.Hour))
		if _, err := s.svc.Merges.MergeInquiry(agent, second.ID, first.ID); err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		s.res.Features.Merged++
	}

	// Mentioned: the agent asks the admin to approve a refund.
	in, created, err = ask(cs[5], "refund", "VIP 30일 중복 결제", "VIP 30일 상품이 두 번 결제됐어요. 하나 취소해 주세요.", 5*time.Hour)
	if err != nil {
		return err
	}
	if created {
		s.clock(s.res.Anchor.Add(-4 * time.Hour))
		note := fmt.Sprintf("@%s님 중복 결제 확인했습니다. 환불 승인 부탁드립니다. (Double charge confirmed; please approve the refund.)", tm.admin.Name)
		if err := s.svc.Inquiries.AddMessage(agent, in.ID, &vocdesk.Message{Body: note, Internal: true}); err != nil {
			return err
		}
		s.res.Features.Mentions++
	}
	return nil
}
