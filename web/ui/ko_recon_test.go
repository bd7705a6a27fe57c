package ui_test

import (
	"net/http"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// The reconciliation form labels its column mapping by what each column
// holds, not by the mapping's field codes.
func TestKoReconMapping(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		r := koOwner(e).get("/console/reconciliations")
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, `<label for="map-amount">금액</label>`, `<label for="map-currency">통화</label>`, `name="map_amount"`)
		wantLacks(t, r, `class="mono">amount</label>`)
	})
}
