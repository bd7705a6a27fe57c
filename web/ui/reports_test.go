package ui_test

import (
	"encoding/csv"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

const reportRange = "from=" + uitest.ReportFrom + "&to=" + uitest.ReportTo

// barValues lists the data-value of the bars of the chart with id in a page.
func barValues(body, id string) []string {
	start := strings.Index(body, `id="`+id+`"`)
	if start < 0 {
		return nil
	}
	end := strings.Index(body[start:], "</svg>")
	var out []string
	for _, m := range regexp.MustCompile(`class="(?:bar|dot) s-\d+"[^>]*data-value="(\d+)"`).FindAllStringSubmatch(body[start:start+end], -1) {
		out = append(out, m[1])
	}
	return out
}

// TestReportPages renders both dashboards over SeedReports' history and
// checks their figures: tiles, charts' bars and tables, the CSV files (with
// formula injection defused), and that the filters keep developers apart.
func TestReportPages(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil, func(m *uitest.Marketplace) { uitest.SeedReports(t, m) })
		dev := e.browser()
		dev.login("/developer/login", e.m.HoppinOwner.Email, "/console")
		r := dev.get("/console/reports?" + reportRange)
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, `aria-current="page">Reports`, "1h 00m", "10h 30m", "2h 00m", "10h 00m", "3.50", "2,000 KRW · 4.50 USD",
			"빠른 답변 감사합니다", "Took two days", `role="img"`, "<title id=\"c-by-day-t\">")
		wantLacks(t, r, "nimbus-notes", "Nimbus Notes", "4,900")
		for id, want := range map[string]string{
			"c-by-day":          "1 2 1", // 03-02 phone; 03-03 store ×2; 03-04 email
			"c-by-channel":      "2 1 1",
			"c-times":           "3600 37800 7200 36000",
			"c-sla":             "2 2",
			"c-satisfaction":    "1 0 0 1 0", // five stars down
			"c-refunds-by-item": "1000",
		} {
			if got := strings.Join(barValues(r.body, id), " "); !strings.HasPrefix(got, want) {
				t.Errorf("%s bars = %q, want %q", id, got, want)
			}
		}
		// The CSV of a table is the table.
		c := dev.get("/console/reports.csv?table=refunds-by-item&" + reportRange)
		wantStatus(t, c, http.StatusOK)
		rows, err := csv.NewReader(strings.NewReader(c.body)).ReadAll()
		if err != nil || len(rows) != 3 || rows[1][0] != "호핀 퀘스트 · 보석 100개" || rows[1][3] != "100.0%" || rows[2][3] != "0.0%" {
			t.Fatalf("csv = %q, %v", rows, err)
		}
		wantStatus(t, dev.get("/console/reports.csv?table=nope&"+reportRange), http.StatusNotFound)
		// Another developer's app or slug is not found; a bad day is a bad request.
		wantStatus(t, dev.get("/console/reports?app=nimbus-notes&"+reportRange), http.StatusNotFound)
		wantStatus(t, dev.get("/console/reports?developer=nimbus&"+reportRange), http.StatusNotFound)
		wantStatus(t, dev.get("/console/reports.csv?table=by-day&app=nimbus-notes&"+reportRange), http.StatusNotFound)
		bad := dev.get("/console/reports?from=2026-03-09&to=2026-03-01")
		wantContains(t, bad, "Check the filter")

		ko := e.browser()
		ko.lang = "ko"
		ko.login("/developer/login", e.m.HoppinOwner.Email, "/console")
		wantContains(t, ko.get("/console/reports?"+reportRange), "고객 응대 현황", "1시간 00분", "10시간 30분", "별 5개")

		op := e.browser()
		op.login("/operator/login", e.m.Operator.Email, "/operator")
		s := op.get("/operator/reports?" + reportRange)
		wantStatus(t, s, http.StatusOK)
		wantContains(t, s, "Developers by response rate", "75.0%", "100.0%", "66.7%", "50.0%", "6,900 KRW · 4.50 USD")
		if got := strings.Join(barValues(s.body, "c-ranking"), " "); got != "750 1000" {
			t.Errorf("ranking bars = %q (hoppin 75.0%% first, nimbus 100.0%%)", got)
		}
		one := op.get("/operator/reports?developer=nimbus&" + reportRange)
		wantContains(t, one, "Nimbus Labs")
		if got := strings.Join(barValues(one.body, "c-by-channel"), " "); got != "1 0 0 0 0" {
			t.Errorf("nimbus by channel = %q", got)
		}
		rc := op.get("/operator/reports.csv?table=ranking&" + reportRange)
		rows, err = csv.NewReader(strings.NewReader(rc.body)).ReadAll()
		if err != nil || len(rows) != 3 || !strings.HasPrefix(rows[1][0], "Hoppin Games") || rows[1][3] != "75.0%" {
			t.Fatalf("ranking csv = %q, %v", rows, err)
		}
		// Developers do not reach the store's dashboard.
		wantRedirect(t, dev.get("/operator/reports"), "/operator/login?next=%2Foperator%2Freports")
	})
}
