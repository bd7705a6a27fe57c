package ui_test

import (
	"net/http"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

func TestLanguage(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		b := e.browser()

		b.lang = "ko-KR,ko;q=0.9,en;q=0.5"
		r := b.get("/login")
		wantContains(t, r, `<html lang="ko">`, "로그인", "비밀번호")
		b.lang = "fr-FR,fr;q=0.9"
		wantContains(t, b.get("/login"), `<html lang="en">`, "Password")

		// The switcher's choice beats the browser's and sticks.
		r = b.get("/lang/ko?next=%2Flogin")
		wantRedirect(t, r, "/login")
		b.lang = "en-US"
		wantContains(t, b.get("/login"), `<html lang="ko">`, "비밀번호")

		// Pages in both languages show times in KST, the store's zone, and
		// name it.
		b.login("/login", e.m.Minji.Email, "/my")
		r = b.get("/my/purchases")
		wantContains(t, r, "2026-03-10 10:30 KST", "결제 완료", "휴대폰 결제", "상품/결제 내역", "1,200 KRW")
		b.get("/lang/en?next=%2Fmy%2Fpurchases")
		r = b.get("/my/purchases")
		wantContains(t, r, "2026-03-10 10:30 KST", "Paid", "Carrier billing", "Times are shown in KST.")
		wantLacks(t, r, "01:30 UTC") // the footer offers UTC; the times are KST

		// The switcher never sends the browser off-site.
		for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example", ""} {
			wantRedirect(t, b.get("/lang/ko?next="+next), "/")
		}
		wantStatus(t, b.get("/lang/xx"), http.StatusNotFound)
	})
}
