package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// A canned reply with a misspelt placeholder is refused on save, with the
// placeholder named and the text kept in the form.
func TestCannedReplyRefusesUnknownPlaceholder(t *testing.T) {
	s := Start(t)
	s.LoginAs("/developer/login", s.M.HoppinOwner)
	s.Visit("/console/settings")
	s.Do(
		chromedp.SetValue(chromedp.ID("cn-new"), "Typo"),
		chromedp.SetValue(chromedp.ID("cb-new"), "Dear {{bogus.field}}, thanks."),
	)
	s.Click(`form[action="/console/settings/canned"] button[type="submit"]`)
	s.WaitText("{{bogus.field}} is not a placeholder")
	s.forgive("status of 422") // the refusal is a 422 page, logged as a failed load
	s.Axe()
	if got := s.value("#cb-new"); got != "Dear {{bogus.field}}, thanks." {
		t.Errorf("the form lost the text: %q", got)
	}
	s.Shot("canned-refused-en")
	s.Visit("/lang/ko?next=/console/settings")
	s.Do(
		chromedp.SetValue(chromedp.ID("cn-new"), "오타"),
		chromedp.SetValue(chromedp.ID("cb-new"), "{{customer.nmae}}님 안녕하세요."),
	)
	s.Click(`form[action="/console/settings/canned"] button[type="submit"]`)
	s.WaitText("없는 자리표시자: {{customer.nmae}}")
	s.forgive("status of 422")
	s.Axe()
	s.Shot("canned-refused-ko")
}
