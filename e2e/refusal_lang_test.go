package e2e

import (
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestRefusalsInPageLanguage: a form the desk refuses says why in the
// page's language, on the team page, the mailbox settings, the bulk
// cancellation upload and the call log (their reasons were the API's
// English on Korean pages before): each refusal in Korean and in English,
// checked by axe and shot to be looked at.
func TestRefusalsInPageLanguage(t *testing.T) {
	s := Start(t, withRefunds(t))
	m := s.M
	headerOnly := filepath.Join(t.TempDir(), "header-only.csv")
	if err := os.WriteFile(headerOnly, []byte("txid,amount,reason\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lang, team, mailbox, sheet, call string
		english                          []string // what must not show
	}{
		{"ko", "팀에 이미 이메일이 owner@hoppin.test인 구성원이 있습니다.", "서버를 호스트:포트 형식으로 입력하세요.",
			"머리글만 있고 데이터 행이 없습니다.", "앱을 고르거나, 통화 내용과 관련된 구매의 TxID를 입력하세요.",
			[]string{"already has a member", "host:port, e.g.", "header but no rows", "app or txid is required"}},
		{"en", "The team already has a member with the email owner@hoppin.test.", "Enter the server as host:port, e.g. imap.example.com:993.",
			"The file has a header but no rows.", "Choose the app, or enter the TxID of the purchase the call is about.", nil},
	} {
		// refused checks the refusal on the page the form answered.
		refused := func(name, want string) {
			t.Helper()
			s.WaitText(want)
			s.NoText(c.english...)
			s.Axe()
			s.Shot(name + "-" + c.lang)
			s.forgive("status of 422") // each refusal is a 422 page, logged as a failed load
		}
		s.LoginAs("/developer/login", m.HoppinOwner)
		s.Visit("/lang/" + c.lang + "?next=/console/team")
		s.Do(chromedp.SetValue(chromedp.ID("m-email"), m.HoppinOwner.Email),
			chromedp.SetValue(chromedp.ID("m-name"), "박지훈"),
			chromedp.SetValue(chromedp.ID("m-password"), "long-enough-password"))
		s.Click(`#add-member button[type="submit"]`)
		refused("team", c.team)

		s.Visit("/console/settings/mailbox")
		s.Do(chromedp.SetValue(chromedp.ID("imap-addr"), "imap.example.com"),
			chromedp.SetValue(chromedp.ID("imap-username"), "help@hoppin.example"),
			chromedp.SetValue(chromedp.ID("imap-password"), "secret-password"))
		s.Click(`#imap-form button[type="submit"]`)
		refused("mailbox", c.mailbox)

		s.Visit("/console/cancellation-batches")
		s.Do(chromedp.SetUploadFiles(chromedp.CSS(`#batch-file`), []string{headerOnly}),
			chromedp.Click(chromedp.CSS(`#batch-form button[type="submit"]`)))
		refused("batch", c.sheet)
		s.logout()

		s.LoginAs("/operator/login", m.Operator)
		s.Visit("/lang/" + c.lang + "?next=" + url.QueryEscape("/operator/calls?caller=010 1234 5678"))
		s.WaitText("***-5678")
		s.Click(`input[name="category"][value="not_received"]`)
		s.Do(chromedp.SetValue(chromedp.ID("call-summary"), "결제했는데 받지 못했다고 하심."))
		s.Click(`input[name="consent"][value="yes"]`)
		s.Click(`#call-form button[type="submit"]`)
		refused("call", c.call)
		s.logout()
	}
}
