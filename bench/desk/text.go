package main

import (
	"math/rand/v2"
	"strings"
)

// Phrases people write to a store's developers, in Korean and English. A
// message is a few of them with the item, amount and a txid filled in, so
// bodies are varied but made of words that occur at realistic rates: common
// ones (환불, 결제) in many inquiries, rare ones in few.
var (
	koSubjects = []string{
		"환불 요청합니다", "결제했는데 아이템이 안 들어왔어요", "중복 결제 취소 부탁드립니다", "로그인이 안 됩니다",
		"게임이 자꾸 튕겨요", "정기결제 해지 문의", "아이템 복구 요청", "휴대폰 소액결제 환불", "쿠폰 사용 문의",
		"계정 정보 변경", "업데이트 후 실행 오류", "구매 내역 확인 부탁드립니다", "환불요청", "결제 오류 문의",
	}
	enSubjects = []string{
		"Refund request", "Item not received after payment", "Charged twice for the same item", "Cannot log in",
		"App crashes on start", "Cancel my subscription", "Restore my purchases", "Wrong amount charged",
		"Gems missing after update", "Account transfer question",
	}
	koCustomer = []string{
		"어제 %s 구매했는데 아직 지급이 안 됐어요.", "결제는 %s 빠져나갔는데 아이템이 없습니다.", "실수로 두 번 결제했어요. 환불요청 드립니다.",
		"아이가 모르고 결제했습니다. 환불 가능할까요?", "업데이트 이후로 앱이 실행되지 않아요.", "로그인하면 계속 오류 코드가 나옵니다.",
		"구매한 %s 이(가) 사라졌어요. 복구 부탁드립니다.", "정기결제를 해지했는데 또 결제됐습니다.", "빠른 답변 부탁드립니다.",
		"거래번호는 %s 입니다.", "휴대폰 요금에 청구된 내역 확인 부탁드려요.", "환불 처리 언제 되나요?", "답변이 없어서 다시 문의합니다.",
		"캡처 화면 첨부합니다.", "다른 기기에서는 정상인데 이 폰에서만 그래요.",
	}
	koDeveloper = []string{
		"안녕하세요, 고객님. 불편을 드려 죄송합니다.", "확인해 보니 %s 결제 건이 정상 처리되지 않았습니다.", "아이템을 다시 지급해 드렸습니다. 재접속 후 확인 부탁드립니다.",
		"스토어에 구매 취소 요청을 보냈습니다. 영업일 기준 3일 이내 환불됩니다.", "서버 로그에서 거래번호 %s 를 확인했습니다.",
		"앱을 최신 버전으로 업데이트해 주시기 바랍니다.", "추가로 확인이 필요하여 사용 중인 기기 모델을 알려주세요.", "감사합니다. 좋은 하루 되세요.",
	}
	koNotes = []string{
		"서버 로그상 지급 완료. 재지급 필요 없음", "중복 결제 확인됨 - 취소 요청 진행", "블랙리스트 의심 고객, 환불 이력 다수",
		"결제사 확인 중", "개발팀 전달 완료 (크래시 리포트)",
	}
	enCustomer = []string{
		"I bought %s yesterday but never received it.", "I was charged twice, please refund one of them.", "The app crashes every time I open it.",
		"My transaction id is %s.", "Please cancel my subscription, I was charged %s again.", "I lost my gems after the update.",
		"Any update on this? It has been days.", "Screenshot attached.",
	}
	enDeveloper = []string{
		"Hello, sorry for the trouble.", "We found the payment %s and delivered the item again.", "We sent a cancellation request to the store; the refund takes up to 3 business days.",
		"Please update the app to the latest version.", "Could you tell us your device model?", "Thanks for your patience.",
	}
	enNotes = []string{"Delivered per server log", "Duplicate charge confirmed, cancellation requested", "Escalate to dev team: crash on Android 14"}
	items   = []string{"젬 100개", "젬 500개", "월정액 패스", "스킨 패키지", "골드 1000", "gems-500", "premium pass", "starter pack"}
)

// message writes one message body.
func message(r *rand.Rand, korean bool, author int, txid string) string {
	var pool []string
	switch {
	case korean && author == authorCustomer:
		pool = koCustomer
	case korean && author == authorDeveloper:
		pool = koDeveloper
	case korean:
		pool = koNotes
	case author == authorCustomer:
		pool = enCustomer
	case author == authorDeveloper:
		pool = enDeveloper
	default:
		pool = enNotes
	}
	n := 1 + r.IntN(3)
	parts := make([]string, n)
	for k := range parts {
		p := pool[r.IntN(len(pool))]
		if strings.Contains(p, "%s") {
			fill := items[r.IntN(len(items))]
			if r.IntN(2) == 0 {
				fill = txid
			}
			p = strings.Replace(p, "%s", fill, 1)
		}
		parts[k] = p
	}
	return strings.Join(parts, " ")
}

func subject(r *rand.Rand, korean bool) string {
	if korean {
		return koSubjects[r.IntN(len(koSubjects))]
	}
	return enSubjects[r.IntN(len(enSubjects))]
}

// Search terms the clients type: common and rare, Korean parts of words of
// one and two characters, English words and prefixes.
var queries = []string{"환불", "결제", "아이템", "로그인", "젬", "튕", "중복 결제", "환불요청", "정기결제 해지", "복구",
	"refund", "crash", "charged twice", "subscription", "gems", "Screenshot", "블랙리스트", "업데이트", "T0000123"}
