package ui_test

import (
	"net/http"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

func TestConsoleHome(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m

		t.Run("owner sees its own developer only", func(t *testing.T) {
			b := e.browser()
			b.login("/developer/login", m.HoppinOwner.Email, "/console")
			r := b.get("/console")
			wantStatus(t, r, http.StatusOK)
			wantContains(t, r, "Hoppin Games", "호핀 퀘스트", "Hoppin Puzzle", "Owner", m.HoppinViewer.Name)
			wantLacks(t, r, "Nimbus Notes", "Nimbus Labs", m.NimbusOwner.Name)
			for _, p := range append(m.MinjiPurchases[:10:10], m.JunPurchases...) {
				if p.DeveloperSlug == "hoppin" {
					wantContains(t, r, p.TxID, p.TID)
				} else {
					wantLacks(t, r, p.TxID, p.TID)
				}
			}
			// Owners see contacts in full; names are text, never markup.
			wantContains(t, r, m.Minji.Email, m.MinjiPhone, "Jun &lt;b&gt;Park&lt;/b&gt;")
			wantLacks(t, r, "<b>Park</b>", "masked for your role")
		})

		t.Run("viewer sees masked contacts", func(t *testing.T) {
			b := e.browser()
			b.login("/developer/login", m.HoppinViewer.Email, "/console")
			r := b.get("/console")
			wantStatus(t, r, http.StatusOK)
			wantContains(t, r, "Viewer", "masked for your role", "m***@example.com", "***-5678")
			wantLacks(t, r, m.Minji.Email, m.MinjiPhone)
		})

		t.Run("the other developer sees its own", func(t *testing.T) {
			b := e.browser()
			b.login("/developer/login", m.NimbusOwner.Email, "/console")
			r := b.get("/console")
			wantContains(t, r, "Nimbus Labs", "Nimbus Notes", m.JunPurchases[1].TxID)
			wantLacks(t, r, "Hoppin Games", m.JunPurchases[0].TxID, m.MinjiPurchases[0].TxID)
		})
	})
}
