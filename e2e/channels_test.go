package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/jobs"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
	"github.com/vocdesk/vocdesk/webhooks"
)

// logCall signs in as the operator, finds Minji by her phone number (shown
// masked), picks her newest purchase, and logs the call with consent (or
// without); it answers the new inquiry's id and the purchase.
func logCall(t *testing.T, s *Suite, consent bool, shots string) (int64, *vocdesk.Purchase) {
	t.Helper()
	m := s.M
	p := m.MinjiPurchases[0] // 보석 100개 of 호핀 퀘스트
	s.LoginAs("/operator/login", m.Operator)
	s.Visit("/operator/calls")
	s.Do(chromedp.SetValue(chromedp.ID("caller"), "010 1234 5678"))
	s.Click(`#caller-lookup button[type="submit"]`)
	s.WaitLocation("/operator/calls?caller=")
	s.WaitText("김민지", "***-5678", p.TxID)
	s.NoText("minji.kim@example.com", "010-1234-5678")
	if shots != "" {
		s.Look(s.Location(), shots)
	}
	answer := "no"
	if consent {
		answer = "yes"
	}
	s.Click(`input[name="txid"][value="` + p.TxID + `"]`)
	s.Click(`input[name="category"][value="not_received"]`)
	s.Do(chromedp.SetValue(chromedp.ID("call-summary"), "보석 100개를 결제했는데 받지 못했다고 하심.\n결제 시각 10:30."))
	s.Click(`input[name="consent"][value="` + answer + `"]`)
	s.Click(`#call-form button[type="submit"]`)
	s.WaitLocation("/operator/inquiries/")
	s.WaitText("Call logged", p.TxID, "보석 100개를 결제했는데 받지 못했다고 하심")
	id, err := strconv.ParseInt(strings.TrimPrefix(s.Location(), "/operator/inquiries/"), 10, 64)
	if err != nil {
		t.Fatalf("inquiry id from %s", s.Location())
	}
	return id, p
}

// TestCallWithConsent: the operator logs a call in which Minji agreed; the
// developer sees the inquiry with her purchase's TxID and TID and her
// contacts, as any inquiry.
func TestCallWithConsent(t *testing.T) {
	s := Start(t)
	m := s.M
	id, p := logCall(t, s, true, "call-lookup")
	s.WaitText("Consent to share payment details recorded by Store Ops")
	s.Look(s.Location(), "call-logged-consent")
	s.logout()

	s.LoginAs("/developer/login", m.HoppinOwner)
	s.Visit("/console/inquiries/" + strconv.FormatInt(id, 10))
	s.WaitText("보석 100개를 결제했는데", p.TxID, p.TID, "minji.kim@example.com")
	s.NoText("did not agree to share")
	s.Look(s.Location(), "call-developer-consent")
}

// TestCallWithoutConsent: Minji did not agree; the developer's page shows
// the inquiry without her TxID, TID and contacts, says why, and the
// developer's answer reaches her on My Page (and is mailed to her).
func TestCallWithoutConsent(t *testing.T) {
	s := Start(t)
	m := s.M
	id, p := logCall(t, s, false, "")
	s.WaitText("No consent to share payment details, recorded by Store Ops")
	s.Look(s.Location(), "call-logged-no-consent")
	s.logout()

	page := "/console/inquiries/" + strconv.FormatInt(id, 10)
	s.LoginAs("/developer/login", m.HoppinOwner)
	s.Visit(page)
	s.WaitText("보석 100개를 결제했는데", "did not agree to share their payment details")
	s.NoText(p.TxID, p.TID, "minji.kim@example.com", "5678", "m***@example.com")
	s.Look(page, "call-developer-withheld")
	s.Do(chromedp.SetValue(chromedp.ID("reply-body"), "보석 100개를 다시 지급해 드렸습니다. 확인 부탁드립니다."))
	s.Click(`#reply button[name="then"][value=""]`)
	s.WaitText("보석 100개를 다시 지급해 드렸습니다")
	s.NoText(p.TxID, "minji.kim@example.com")
	// The answer's mail to Minji is queued; the developer is not told where.
	ds, err := m.Svc.Mail.FindDeliveries(uitest.As(vocdesk.SystemActor()), id)
	if err != nil || len(ds) != 1 {
		t.Fatalf("mail deliveries: %v %v", ds, err)
	}
	for _, d := range ds {
		if d.To != "minji.kim@example.com" {
			t.Errorf("the answer is mailed to %q", d.To)
		}
	}
	s.logout()

	s.LoginAs("/login", m.Minji)
	s.Visit("/my/inquiries/" + strconv.FormatInt(id, 10))
	s.WaitText("보석 100개를 다시 지급해 드렸습니다", p.TxID)
	s.Look(s.Location(), "call-customer-answer")
}

// withSocial runs the social.reply job as vocdesk serve does, with
// --allow-private-webhooks so the test's connector server on loopback is
// reached.
func withSocial(t *testing.T) func(*uitest.Marketplace) {
	return func(m *uitest.Marketplace) {
		m.AllowPrivateWebhooks = true
		r := &webhooks.SocialReplier{Service: m.Svc.Social, Client: webhooks.NewClient(true, 5*time.Second), UserAgent: "vocdesk-webhooks/1"}
		runJobs(t, m, 1, map[string]jobs.Kind{vocdesk.JobSocialReply: r.Kind()})
	}
}

// TestSocialConnector: the developer adds a connector in the console and
// copies its secret, shown once; a post signed with it becomes a social
// inquiry in the inbox; the developer answers and the answer reaches the
// connector's server (a real HTTP server here) signed with the same
// secret, and the thread says it was delivered.
func TestSocialConnector(t *testing.T) {
	var secret string
	got := make(chan string, 4)
	relay := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if _, err := webhooks.Verify(secret, r.Header, body, time.Now(), webhooks.Tolerance); err != nil {
			got <- "refused: " + err.Error()
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		got <- string(body)
	}))
	defer relay.Close()

	s := Start(t, withSocial(t))
	m := s.M
	s.LoginAs("/developer/login", m.HoppinOwner)
	s.Visit("/console/social")
	s.Do(
		chromedp.SetValue(chromedp.ID("c-network"), "instagram"),
		chromedp.SetValue(chromedp.ID("c-name"), "@hoppin.quest"),
		chromedp.SetValue(chromedp.ID("c-app"), "hoppin-quest"),
		chromedp.SetValue(chromedp.ID("c-reply"), relay.URL+"/replies"),
	)
	s.Click(`#connector-form button[type="submit"]`)
	s.WaitLocation("/console/social#secret")
	s.WaitText("Connector @hoppin.quest created", "It will not be shown again")
	secret = Eval[string](s, `document.getElementById("connector-secret").value`)
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret %q", secret)
	}
	s.Shot("social-created")
	s.Look("/console/social", "social-connectors")
	s.NoText(secret)
	cs, err := m.Svc.Social.FindConnectors(uitest.As(m.MemberActor(m.Hoppin, m.HoppinOwner)))
	if err != nil || len(cs) != 1 {
		t.Fatalf("connectors %v %v", cs, err)
	}

	// The connector posts a customer's message, signed.
	body := `{"connector":` + strconv.FormatInt(cs[0].ID, 10) + `,"network":"instagram","handle":"@gem_lover","message":"DM: 보석을 샀는데 안 들어왔어요 #hoppin","url":"https://instagram.example/p/abc","external_id":"ig-1"}`
	sig, err := webhooks.Sign(secret, "msg_e2e_1", time.Now(), []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", s.URL+"/api/v1/intake/social", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", "msg_e2e_1")
	req.Header.Set("webhook-timestamp", strconv.FormatInt(time.Now().Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("intake: %d %s", res.StatusCode, answer)
	}

	s.Visit("/console/inquiries?channel=social")
	s.WaitText("@gem_lover", "DM: 보석을 샀는데 안 들어왔어요")
	s.ClickLink("DM: 보석을 샀는데 안 들어왔어요 #hoppin")
	s.WaitLocation("/console/inquiries/")
	s.Do(chromedp.SetValue(chromedp.ID("reply-body"), "안녕하세요, 보석을 다시 보내 드렸어요!"))
	s.Click(`#reply button[name="then"][value=""]`)
	s.WaitText("안녕하세요, 보석을 다시 보내 드렸어요!")
	select {
	case b := <-got:
		if !strings.Contains(b, `"type":"social.reply"`) || !strings.Contains(b, `"handle":"gem_lover"`) ||
			!strings.Contains(b, `"in_reply_to":"ig-1"`) || !strings.Contains(b, "보석을 다시 보내 드렸어요") {
			t.Fatalf("the connector's server received %s", b)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the connector's server received no reply")
	}
	inq, _, _ := strings.Cut(s.Location(), "#")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(s.BodyText(), "Reply delivered") && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		s.Visit(inq)
	}
	s.WaitText("Reply delivered", "Posted on instagram by @gem_lover", "Open the post")
	// The post's link opens the network in a new tab that learns nothing
	// of the console (no opener, no referrer).
	link, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](`(() => { const a = document.querySelector("#social-post a"); return a ? a.getAttribute("href") + " " + a.rel : "" })()`))
	if err != nil || link != "https://instagram.example/p/abc noopener noreferrer" {
		t.Fatalf("the post's link: %q %v", link, err)
	}
	s.Look(inq, "social-inquiry")
}
