package vocdesk

import "strings"

// RefundSummary is the one line that tells a customer what was refunded,
// where to, out of what: "1,000 KRW of 3,300 KRW refunded to your carrier
// bill." in English, or the Korean sentence for locale "ko" (the store's
// default, also for an empty locale).
func RefundSummary(locale string, r *CancellationRequest, paid int64) string {
	got, of := r.Money().String(), Money{paid, r.Currency}.String()
	if isEnglish(locale) {
		return got + " of " + of + " refunded " + refundWhereEN(r) + "."
	}
	return "결제 금액 " + of + " 중 " + got + "를 " + refundWhereKO(r) + " 환불해 드렸습니다."
}

// RefundNotice is the customer's mail about a completed refund: a subject
// and a plain-text body in the customer's language.
func RefundNotice(locale string, r *CancellationRequest, paid int64) (subject, text string) {
	var b strings.Builder
	b.WriteString(RefundSummary(locale, r, paid))
	b.WriteString("\n\n")
	en := isEnglish(locale)
	if r.MethodNotice == NoticeBillingMonthClosed {
		if en {
			b.WriteString("Carrier billing can be cancelled only within the month of payment, so this refund was paid as store cash.\n\n")
		} else {
			b.WriteString("휴대폰 결제는 결제한 달 안에만 취소할 수 있어 스토어 캐시로 환불되었습니다.\n\n")
		}
	}
	if r.Note != "" {
		if en {
			b.WriteString("A note from the developer:\n")
		} else {
			b.WriteString("개발사의 메시지:\n")
		}
		b.WriteString(r.Note)
		b.WriteString("\n\n")
	}
	if en {
		b.WriteString("Purchase " + r.TxID + " (" + r.AppSlug + "). You can follow it on My Page.\n")
		return "Refund of " + r.Money().String() + " (" + r.AppSlug + ")", b.String()
	}
	b.WriteString("구매 " + r.TxID + " (" + r.AppSlug + "). 마이페이지에서 확인할 수 있습니다.\n")
	return "환불 완료: " + r.Money().String() + " (" + r.AppSlug + ")", b.String()
}

func isEnglish(locale string) bool { return strings.HasPrefix(strings.ToLower(locale), "en") }

func refundWhereEN(r *CancellationRequest) string {
	if r.Method == RefundStoreCash {
		return "as store cash"
	}
	switch r.PaymentMethod {
	case MethodCarrier:
		return "to your carrier bill"
	case MethodCard:
		return "to your card"
	case MethodCash:
		return "to your store cash"
	case MethodGift:
		return "to your gift balance"
	}
	return "to your payment method"
}

func refundWhereKO(r *CancellationRequest) string {
	if r.Method == RefundStoreCash {
		return "스토어 캐시로"
	}
	switch r.PaymentMethod {
	case MethodCarrier:
		return "휴대폰 요금으로"
	case MethodCard:
		return "카드로"
	case MethodCash:
		return "스토어 캐시로"
	case MethodGift:
		return "기프트 잔액으로"
	}
	return "결제 수단으로"
}
