package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// A webhook aimed at a private or metadata address is refused when it is
// set, with a message that says why and names no resolved address (issue
// 16), in English and Korean.
func TestWebhookRefusesPrivateAddress(t *testing.T) {
	s := Start(t, func(m *uitest.Marketplace) { m.Svc.Webhooks = sqlstore.NewWebhookService(m.DB) })
	s.LoginAs("/developer/login", s.M.HoppinOwner)
	for _, lang := range []struct{ link, want, shot string }{
		{"", "This address is not on the public internet", "private-en"},
		{"한국어", "이 주소는 공용 인터넷 주소가 아닙니다", "private-ko"},
	} {
		s.Visit("/console/webhook")
		if lang.link != "" {
			s.ClickLink(lang.link)
			s.WaitLocation("/console/webhook")
		}
		s.Do(chromedp.SetValue(chromedp.ID("webhook-url"), "http://169.254.169.254/latest/meta-data/"))
		s.Click(`#webhook-form button[type="submit"]`)
		s.WaitText(lang.want)
		s.forgive("422") // the refusal is the answer this step expects
		s.NoText("whsec_")
		s.Shot(lang.shot)
	}
}

// A control character in a page's query is refused with a page that says
// what to fix (issue 16), in English and Korean.
func TestPageRefusesControlCharacters(t *testing.T) {
	s := Start(t)
	s.Visit("/login?next=%1b")
	s.WaitText("characters that cannot be stored")
	s.Shot("invalid-text-en")
	s.Visit("/lang/ko?next=/login")
	s.WaitText("로그인")
	s.Visit("/login?next=%1b")
	s.WaitText("저장할 수 없는 문자")
	s.forgive("400")
	s.Shot("invalid-text-ko")
}
