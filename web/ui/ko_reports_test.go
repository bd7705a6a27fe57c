package ui_test

import (
	"net/http"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// The reports' tables name the unit of their raw seconds in the page's
// language.
func TestKoReportSeconds(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		r := koOwner(e).get("/console/reports")
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, "p50 (초)", "p90 (초)")
		wantLacks(t, r, "(s)")
		op := e.browser()
		op.lang = "ko"
		op.login("/operator/login", e.m.Operator.Email, "/operator")
		r = op.get("/operator/reports")
		wantContains(t, r, "p50 (초)")
		wantLacks(t, r, "(s)")
	})
}
