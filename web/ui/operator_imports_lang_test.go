package ui_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strconv"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// An import's report says why each row was refused in the page's language:
// a Korean operator reads Korean reasons on the report and in the rejected
// rows' download, with no English reason among them, though the rows were
// refused by the reader, the validation and the ledger; the same import
// reads in English to an English page. A file that is no export is refused
// in Korean too.
func TestOperatorImportReasonsInKorean(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m
		op := e.browser()
		op.lang = "ko"
		op.login("/operator/login", m.Operator.Email, "/operator")
		op.get("/operator/imports")

		minji := strconv.FormatInt(m.Minji.ID, 10)
		jun := m.JunPurchases[0]
		const paid = ",2026-11-27T13:05:00+09:00\n"
		csv := "txid,tid,customer_id,app,item,amount,currency,method,paid_at\n" +
			"TX-KO-1,ko-1," + minji + ",hoppin-quest,gems-100,1200,KRW,card" + paid + // 2: stored
			"TX-KO-2,ko-2," + minji + ",hoppin-quest,gems-100,12.5,KRW,card" + paid + // 3: decimals
			"TX-KO-3,ko-3," + minji + ",no-such-app,gems-100,1200,KRW,card" + paid + // 4: unknown app
			"TX-KO-4,ko-4\n" + // 5: two fields
			"TX-KO-5,ko-5,minji,hoppin-quest,gems-100,1200,KRW,card" + paid + // 6: not a customer id
			"TX-KO-6,ko-6," + minji + ",hoppin-quest,gems-100,1200,KRW,card,2026-11-28\n" + // 7: not RFC 3339
			"TX-KO-7,ko-7,987654,hoppin-quest,gems-100,1200,KRW,card" + paid + // 8: unknown customer
			"TX-KO-8,ko\"8," + minji + ",hoppin-quest,gems-100,1200,KRW,card" + paid + // 9: bare quote
			"TX-KO-9,ko-9," + minji + ",hoppin-quest,gems-100,1200,KRW,cheque" + paid + // 10: method
			jun.TxID + ",other," + minji + ",hoppin-quest,gems-100,1200,KRW,card" + paid + // 11: txid with other values
			"TX-KO-11," + jun.TID + "," + minji + ",hoppin-quest,gems-100,1200,KRW,card" + paid + // 12: tid taken
			"TX-KO-12,ko-12," + minji + ",hoppin-quest,gems-100,0,KRW,card" + paid + // 13: zero
			"TX-KO-13,ko-13," + minji + ",hoppin-quest,gems-100,1200,XYZ,card" + paid // 14: currency
		r := op.uploadImport("export.csv", csv)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("import: %d %s", r.StatusCode, r.body)
		}
		report := r.Header.Get("Location")
		korean := []string{
			"KRW 금액에는 소수점을 쓸 수 없습니다: 12.5",
			"이 슬러그의 앱이 없습니다: no-such-app",
			"이 행은 칸이 2개인데 머리글은 9개입니다.",
			"customer_id가 고객 번호(양의 정수)가 아닙니다: minji",
			"paid_at이 RFC 3339 시각(2026-11-27T13:05:00", "형식이 아닙니다: 2026-11-28", // html/template writes + as &#43;
			"이 customer_id의 스토어 고객이 없습니다: 987654",
			"큰따옴표로 감싸지 않은 칸 안에 큰따옴표",
			"결제 수단(method)은 carrier, card, cash, gift 중 하나여야 합니다.",
			"이 txid는 이미 다른 값으로 기록되어 있습니다: " + jun.TxID,
			"개발사가 이 tid를 이미 다른 거래에 썼습니다: " + jun.TID + " (txid " + jun.TxID + ")",
			"금액은 0보다 커야 합니다.",
			"알 수 없는 통화입니다: XYZ",
		}
		// What the API and the CLI say, which a Korean page must not.
		english := []string{"has more decimals", "unknown app", "fields, the header has", "is not a customer id",
			"not an RFC 3339 time", "unknown customer_id", "non-quoted-field", "method must be", "already recorded",
			"already used", "greater than zero", "unknown currency", "The ", "%!"}
		page := op.get(report)
		wantStatus(t, page, http.StatusOK)
		wantContains(t, page, `id="import-rows">13<`, `id="import-stored">1<`, `id="import-rejected">12<`)
		wantContains(t, page, korean...)
		wantLacks(t, page, english...)

		// The download speaks the downloader's language.
		rej := op.get(report + "/rejects.csv")
		wantStatus(t, rej, http.StatusOK)
		wantContains(t, rej, "line,error,txid,")
		wantContains(t, rej, korean...)
		wantLacks(t, rej, english...)

		// The same report on an English page.
		op.lang = "en"
		en := []string{"KRW amounts take no decimals: 12.5.", "No app has the slug no-such-app.",
			"The row has 2 fields; the header has 9.", "No store customer has the customer_id 987654.",
			"The developer already used the tid " + jun.TID + ", for the txid " + jun.TxID + "."}
		page = op.get(report)
		wantContains(t, page, en...)
		wantLacks(t, page, "이 슬러그의", "%!")
		wantContains(t, op.get(report+"/rejects.csv"), en...)

		// Not an export: refused in Korean, nothing recorded.
		op.lang = "ko"
		op.get("/operator/imports")
		r = op.uploadImport("orders.csv", "order_no,price\nA1,1200\n")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantContains(t, r, "가져오지 않았습니다: 결제 내보내기 파일이 아닙니다. 없는 열: txid, tid,")
		wantLacks(t, r, "missing column", "not a purchase export")
		op.get("/operator/imports")
		r = op.uploadImport("empty.csv", "")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantContains(t, r, "빈 파일입니다")
		wantLacks(t, r, "the file is empty")
	})
}

// An upload cut off mid-file stops the import after the rows read; the
// report says after which row and why in the page's language.
func TestOperatorImportStopInKorean(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m
		op := e.browser()
		op.lang = "ko"
		op.login("/operator/login", m.Operator.Email, "/operator")
		op.get("/operator/imports")

		minji := strconv.FormatInt(m.Minji.ID, 10)
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("csrf", op.lastCSRF)
		fw, _ := mw.CreateFormFile("file", "cut.csv")
		_, _ = fw.Write([]byte("txid,tid,customer_id,app,item,amount,currency,method,paid_at\n" +
			"TX-CUT-1,cut-1," + minji + ",hoppin-quest,gems-100,1200,KRW,card,2026-11-27T13:05:00+09:00\n" +
			"TX-CUT-2,cut-2," + minji + ",hoppin-quest,gems-100,1200,KRW,card,2026-11-27T13:05:00+09:00\n"))
		// No closing boundary: the body ends in the middle of the file.
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/operator/imports", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Origin", e.srv.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		r := op.do(req)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("import: %d %s", r.StatusCode, r.body)
		}
		page := op.get(r.Header.Get("Location"))
		wantContains(t, page, `id="import-stored">2<`, `id="import-stopped"`,
			"가져오기가 중간에 멈췄습니다. 그 앞의 행은 저장되었습니다. 파일의 2번째 행 다음에서 멈췄습니다: 처리하지 못했습니다. 잠시 뒤 다시 해 보세요.")
		wantLacks(t, page, "stopped after", "Internal error")
		op.lang = "en"
		wantContains(t, op.get(r.Header.Get("Location")), "It stopped after row 2 of the file: It could not be done; try again in a moment.")
	})
}
