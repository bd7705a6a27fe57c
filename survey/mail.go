package survey

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
)

// Path is where a survey link points on the server: Path + token, with
// ?rating=N choosing the rating the page opens with.
const Path = "/rate/"

// Link is the survey page of token with rating chosen, under baseURL (the
// server's public address, e.g. https://desk.example.com).
func Link(baseURL, token string, rating int) string {
	return strings.TrimRight(baseURL, "/") + Path + url.PathEscape(token) + "?rating=" + strconv.Itoa(rating)
}

// labels are the five answers, best first, in both languages of the mail.
var labels = [...]struct{ ko, en string }{
	5: {"매우 만족", "Very satisfied"},
	4: {"만족", "Satisfied"},
	3: {"보통", "Neutral"},
	2: {"불만족", "Dissatisfied"},
	1: {"매우 불만족", "Very dissatisfied"},
}

// Mail composes the survey mail of inv: Korean first, then English (the
// desk's customers read both), one link per rating, the best first. It is
// a notice (Auto-Submitted), threaded under the inquiry.
func Mail(inv *vocdesk.SurveyInvite, baseURL string) *vocdesk.Mail {
	var b strings.Builder
	name := inv.CustomerName
	if name == "" {
		name = "고객"
	}
	until := inv.Expires.In(seoul()).Format("2006-01-02")
	fmt.Fprintf(&b, "%s님, 안녕하세요.\n\n%s에 보내신 문의 「%s」가 해결되었습니다. 답변은 어떠셨나요?\n", name, inv.AppName, inv.Subject)
	b.WriteString("아래 링크 가운데 하나를 누르면 평가 페이지가 열립니다. 로그인하지 않아도 되고, 누른 뒤 확인 버튼을 눌러야 저장됩니다.\n\n")
	for r := 5; r >= 1; r-- {
		fmt.Fprintf(&b, "%s %s / %s\n%s\n\n", strings.Repeat("★", r)+strings.Repeat("☆", 5-r), labels[r].ko, labels[r].en, Link(baseURL, inv.Token, r))
	}
	fmt.Fprintf(&b, "링크는 %s까지 쓸 수 있습니다. 한 번만 여쭙니다.\n\n", until)
	fmt.Fprintf(&b, "Your inquiry to %s, \"%s\", was resolved. How did we do? Each link above opens the rating page with that rating chosen; "+
		"no sign-in is needed, and nothing is saved until you press the button there. The links work until %s. We ask only once.\n", inv.AppName, inv.Subject, until)
	return &vocdesk.Mail{
		To:            inv.To,
		Subject:       fmt.Sprintf("[%s] 답변은 어떠셨나요? / How did we do? %s", inv.AppName, inv.Subject),
		Text:          b.String(),
		MessageID:     fmt.Sprintf("<inquiry-%d.survey@vocdesk>", inv.InquiryID),
		InReplyTo:     fmt.Sprintf("<inquiry-%d@vocdesk>", inv.InquiryID),
		DeveloperSlug: inv.DeveloperSlug, FromName: inv.AppName, InquiryID: inv.InquiryID, Notice: true,
	}
}

// seoul is the zone the mail's dates are written in: the store's.
func seoul() *time.Location {
	if loc, err := time.LoadLocation("Asia/Seoul"); err == nil {
		return loc
	}
	return time.FixedZone("KST", 9*60*60)
}
