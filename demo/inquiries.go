package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/hangul"
)

// Inquiry is the content of one demo inquiry: who asks, about what, on which
// channel, in the customer's language. The desk issue brings the
// InquiryService that stores them; until then the demo generates them and
// hands them to Options.InsertInquiries when it is set.
type Inquiry struct {
	CustomerEmail string
	CustomerName  string
	TxID          string // the purchase asked about; "" for questions about an app
	FromTxID      string // a purchase of the asker's, to find them by even when TxID is ""
	AppSlug       string
	Category      string // refund, not_received, payment, bug, account, other
	Channel       string // store, email, phone, social
	Locale        string // ko or en
	Subject       string
	Body          string
	CreatedAt     time.Time
}

const numInquiries = 100

// categoryWeights is the mix of questions a store's desk gets.
var categoryWeights = []choice{
	{"refund", 25}, {"not_received", 20}, {"payment", 15}, {"bug", 20}, {"account", 10}, {"other", 10},
}

// channelWeights: most customers ask from My Page, some write mail, the call
// centre logs calls, a few complain on social media.
var channelWeights = []choice{
	{"store", 60}, {"email", 20}, {"phone", 12}, {"social", 8},
}

// template is a subject and a body; {app}, {item}, {amount}, {txid} and
// {date} are filled from the purchase.
type template struct{ Subject, Body string }

var inquiryTemplates = map[string]map[string][]template{
	"refund": {
		"ko": {
			{"{item} 환불 요청드립니다", "안녕하세요. {date}에 {app}에서 {item}을(를) {amount}에 구매했는데 실수로 잘못 눌러 결제되었습니다. 아직 사용하지 않았으니 환불 부탁드립니다.\n거래번호: {txid}"},
			{"중복 결제 환불해 주세요", "{app}에서 {item} 결제가 두 번 된 것 같습니다. 휴대폰 요금 명세서에도 두 번 찍혀 있어요. 한 건은 취소해 주세요. (거래번호 {txid})"},
			{"아이가 결제했어요. 환불 가능할까요?", "초등학생 아이가 제 폰으로 {app} 게임을 하다가 {item}을(를) 결제했습니다. 부모 동의 없이 한 결제라 환불을 요청합니다. 금액은 {amount}입니다."},
		},
		"en": {
			{"Refund request for {item}", "Hi, I bought {item} in {app} on {date} for {amount} by mistake and haven't used it. Could you please refund it?\nTransaction: {txid}"},
			{"Charged twice", "I was charged twice for {item} in {app}. My card statement shows two payments of {amount}. Please refund the duplicate. Transaction {txid}."},
			{"Subscription renewed after I cancelled", "I cancelled my {app} subscription last month but was still charged {amount} for {item} on {date}. Please refund this charge."},
		},
	},
	"not_received": {
		"ko": {
			{"결제했는데 {item}이(가) 안 들어왔어요", "{date}에 {item} 결제했는데 게임에 아이템이 지급되지 않았습니다. 결제 내역에는 {amount} 결제 완료로 나옵니다. 거래번호 {txid} 확인 부탁드립니다."},
			{"아이템 미지급 문의", "{app} 재접속, 재설치 다 해봤는데도 {item}이(가) 안 보입니다. 빠른 처리 부탁드려요."},
			{"구매 복원이 안 됩니다", "폰을 바꾼 뒤 {app}에서 구매 복원을 눌러도 {item}이(가) 복원되지 않습니다. 구매는 {date}에 했습니다."},
		},
		"en": {
			{"Paid but never got {item}", "I paid {amount} for {item} in {app} on {date} but it never showed up in my account. Transaction ID {txid}. Please help."},
			{"Items missing after purchase", "The payment went through (I got the receipt) but {item} is not in {app}. I restarted the app twice."},
			{"Restore purchases doesn't work", "I switched phones and Restore Purchases in {app} doesn't bring back {item}, which I bought on {date}."},
		},
	},
	"payment": {
		"ko": {
			{"결제 오류가 났는데 돈이 빠져나갔어요", "{app}에서 {item} 결제 중 오류 화면이 떴는데 휴대폰 소액결제 문자가 왔습니다. 결제가 된 건지 확인 부탁드립니다. ({amount})"},
			{"T캐시 결제가 안 돼요", "캐시 잔액이 충분한데 {item} 구매 시 결제 실패가 계속 뜹니다."},
			{"영수증 발급 요청", "{date}에 결제한 {item}({amount}) 영수증을 회사 제출용으로 받고 싶습니다. 거래번호는 {txid}입니다."},
		},
		"en": {
			{"Payment failed but I was charged", "{app} showed an error while I was buying {item}, but my bank shows a pending charge of {amount}. Did the payment go through?"},
			{"Gift card not accepted", "My gift card balance is enough but buying {item} keeps failing with a payment error."},
			{"Need a receipt", "Could you send me a receipt for {item} ({amount}) bought on {date}? Transaction {txid}. I need it for expenses."},
		},
	},
	"bug": {
		"ko": {
			{"업데이트 후 앱이 실행되지 않습니다", "어제 {app} 업데이트 후로 실행하자마자 꺼집니다. 기종은 갤럭시 S24입니다."},
			{"로딩 화면에서 멈춰요", "{app} 로딩 화면 90%에서 더 진행이 안 됩니다. 와이파이, LTE 모두 같습니다."},
			{"저장한 데이터가 사라졌어요", "{app}에서 어제까지 기록한 내용이 오늘 보니 전부 사라졌습니다. 복구 방법이 있을까요?"},
		},
		"en": {
			{"App crashes on launch", "Since the latest update {app} closes right after the splash screen. Pixel 8, Android 15."},
			{"Stuck on loading screen", "{app} hangs at 90% on the loading screen, both on Wi-Fi and mobile data."},
			{"Progress lost", "All my progress in {app} disappeared after I logged in today. Is there any way to recover it?"},
		},
	},
	"account": {
		"ko": {
			{"계정 연동 해제 요청", "{app} 계정을 다른 스토어 계정과 연동하고 싶은데 기존 연동 해제가 안 됩니다."},
			{"회원 탈퇴하고 싶어요", "{app} 계정과 데이터를 모두 삭제하고 싶습니다. 방법을 알려주세요."},
		},
		"en": {
			{"Can't log in to my account", "{app} says my account doesn't exist, but I have been playing for months with this store account."},
			{"Delete my account", "Please delete my {app} account and all data linked to it."},
		},
	},
	"other": {
		"ko": {
			{"쿠폰 번호 문의", "{app} 이벤트 쿠폰을 받았는데 어디에 입력하는지 모르겠습니다."},
			{"기능 제안드립니다", "{app} 잘 쓰고 있습니다. 다크 모드가 있으면 좋겠어요!"},
		},
		"en": {
			{"Where do I enter a promo code?", "I got a promo code for {app} from your newsletter. Where can I redeem it?"},
			{"Feature request", "Love {app}! Would be great to have a dark mode and an iPad layout."},
		},
	},
}

// inquiries generates the demo inquiries from the ledger: questions about a
// purchase point at one of the asker's own purchases, made some hours or
// days before the question.
func inquiries(r *rand.Rand, cs []customer, ps []purchase, anchor time.Time) []Inquiry {
	out := make([]Inquiry, 0, numInquiries)
	for range numInquiries {
		p := &ps[r.IntN(len(ps))]
		c := cs[p.Customer]
		cat := pick(r, categoryWeights)
		ch := pick(r, channelWeights)
		ts := inquiryTemplates[cat][c.Locale]
		t := ts[r.IntN(len(ts))]
		aboutPurchase := cat == "refund" || cat == "not_received" || cat == "payment"
		created := p.PaidAt.Add(time.Duration(1+r.IntN(72)) * time.Hour)
		if created.After(anchor) {
			created = anchor.Add(-time.Duration(r.IntN(60)+1) * time.Minute)
		}
		date := p.PaidAt.In(kst).Format("2006-01-02")
		if c.Locale == "ko" {
			date = p.PaidAt.In(kst).Format("1월 2일")
		}
		repl := placeholders(map[string]string{
			"app": p.App.Name, "item": p.Item.Name, "txid": p.TxID, "date": date,
			"amount": vocdesk.Money{Amount: p.Amount, Currency: p.Currency}.String(),
		})
		in := Inquiry{
			CustomerEmail: c.Email, CustomerName: c.Name, AppSlug: p.App.Slug,
			Category: cat, Channel: ch, Locale: c.Locale,
			Subject: repl.Replace(t.Subject), Body: repl.Replace(t.Body), CreatedAt: created,
			FromTxID: p.TxID,
		}
		if aboutPurchase {
			in.TxID = p.TxID
		}
		out = append(out, in)
	}
	return out
}

// placeholders fills "{name}" in a template, and "{name}이(가)" and the like
// with the particle that fits the value's last sound (hangul.Attach):
// "초보자 패키지가", never "초보자 패키지이(가)".
func placeholders(vals map[string]string) *strings.Replacer {
	var pairs []string
	for k, v := range vals {
		for _, p := range []string{hangul.IGa, hangul.EulReul, hangul.EunNeun, hangul.GwaWa, hangul.EuroRo} {
			first, second, _ := strings.Cut(p, "/")
			pairs = append(pairs, "{"+k+"}"+first+"("+second+")", hangul.Attach(v, p))
		}
		pairs = append(pairs, "{"+k+"}", v)
	}
	return strings.NewReplacer(pairs...)
}

// choice is a value and how often it comes up.
type choice struct {
	Value  string
	Weight int
}

func pick(r *rand.Rand, cs []choice) string {
	total := 0
	for _, c := range cs {
		total += c.Weight
	}
	n := r.IntN(total)
	for _, c := range cs {
		if n < c.Weight {
			return c.Value
		}
		n -= c.Weight
	}
	panic(fmt.Sprintf("pick: %d left of %d", n, total))
}

// FixedAnchor is an end of history for generating data without a database.
var FixedAnchor = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// GenerateInquiries returns the inquiries a Seed with this seed and anchor
// generates, without touching a database.
func GenerateInquiries(seed uint64, anchor time.Time) []Inquiry {
	r := newRand(seed)
	cs := customers(r, DefaultCustomers)
	ps := purchases(r, cs, DefaultPurchases, anchor)
	return inquiries(r, cs, ps, anchor)
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }
