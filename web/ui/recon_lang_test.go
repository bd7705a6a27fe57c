package ui_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// A reconciliation report says why each row of the log could not be read
// in the page's language: a Korean developer reads Korean reasons, with no
// English reason among them, though the rows were refused by the CSV
// grammar, the field count, the money and the ids; the same report reads
// in English to an English page.
func TestKoReconUnreadableRows(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		b := koOwner(e)
		b.get("/console/reconciliations")
		log := "store_tx,tid,amount,currency\n" +
			"TX-NOT-OURS,x,1,KRW\n" + // 2: read
			"TX-1,t1,abc,KRW\n" + // 3: not a number
			"TX-2,t2,12.5,KRW\n" + // 4: decimals in KRW
			"TX-3,t3,1.234,USD\n" + // 5: three decimals in USD
			"TX-4,t4,100\n" + // 6: three fields
			"TX-5,t5,100,XYZ\n" + // 7: currency
			"TX-6,t6,-100,KRW\n" + // 8: negative
			"TX-7,t\"7,100,KRW\n" + // 9: bare quote
			"TX-8,\"t8\"x,100,KRW\n" + // 10: after a closing quote
			strings.Repeat("x", 129) + ",t9,100,KRW\n" + // 11: txid too long
			"TX-10,t\x0110,100,KRW\n" // 12: control character
		res := b.upload(b.lastCSRF, log)
		wantStatus(t, res, http.StatusSeeOther)
		report := res.Header.Get("Location")

		page := b.get(report)
		wantStatus(t, page, http.StatusOK)
		wantContains(t, page, "읽을 수 없는 행",
			"금액을 숫자로 입력하세요: abc",
			"KRW 금액에는 소수점을 쓸 수 없습니다: 12.5",
			"USD 금액은 소수점 아래 2자리까지 쓸 수 있습니다: 1.234",
			"이 행은 칸이 3개인데 머리글은 4개입니다.",
			"알 수 없는 통화입니다: XYZ",
			"금액이 음수입니다: -100",
			"큰따옴표로 감싸지 않은 칸 안에 큰따옴표",
			"뒤에 다른 글자가 있습니다",
			"txid 값이 128바이트보다 깁니다.",
			"tid 값에 제어 문자가 들어 있습니다.")
		// What the API says, which a Korean page must not.
		wantLacks(t, page, "is not a decimal number", "has more decimals", "wrong number of fields", "unknown currency",
			"negative amount", "does not start with a quote", "extraneous character", "is longer than",
			"contains a control character", "The amount", "%!")

		// The same report on an English page.
		b.lang = "en"
		page = b.get(report)
		wantContains(t, page, "The amount is not a number: abc.", "KRW amounts take no decimals: 12.5.",
			"The row has 3 fields; the header has 4.", "Unknown currency: XYZ.", "The amount is negative: -100.",
			"The txid is longer than 128 bytes.", "The tid field contains a control character.")
		wantLacks(t, page, "금액", "%!")
	})
}
