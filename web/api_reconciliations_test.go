package web_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// seedRecon uploads a one-line server log for a tenant (its purchase,
// delivered) and returns the report's id, so the tenancy walk has a report
// of A's to aim at.
func (e *env) seedRecon(tn tenant) int64 {
	e.t.Helper()
	log := "order_no,store_tx,amount,currency\n" + tn.tid + "," + tn.txid + ",1200,KRW\n"
	res := e.do("POST", "/api/v1/reconciliations?from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z&map=txid=store_tx,tid=order_no",
		log, http.Header{"Authorization": {"Bearer " + tn.key}, "Content-Type": {"text/csv"}})
	if res.Code != http.StatusCreated {
		e.t.Fatalf("seed reconciliation: %d %s", res.Code, res.Body)
	}
	var rep struct{ ID int64 }
	if err := json.Unmarshal(res.Body.Bytes(), &rep); err != nil || rep.ID == 0 {
		e.t.Fatalf("seed reconciliation: %v %s", err, res.Body)
	}
	return rep.ID
}

var csvHeader = http.Header{"Content-Type": {"text/csv"}}

// uploadLog is a server log for alpha: its seeded purchase delivered twice
// (a duplicate), one unknown payment, one malformed row.
const uploadLog = "store_tx,order_no,price,cur\n" +
	"TX-ALPHA-0001,alpha-order-1,1200,KRW\n" +
	",alpha-order-1,1200,KRW\n" +
	"TX-UNKNOWN,x-1,500,KRW\n" +
	"TX-BAD,x-2,12.5,KRW\n"

const period = "from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z"

func TestReconciliationAPI(t *testing.T) {
	var reportID string
	runScenarios(t, []scenario{
		{name: "upload with a mapping", method: "POST", as: "devA", header: csvHeader,
			url:    "/api/v1/reconciliations?" + period + "&map=txid=store_tx,tid=order_no,amount=price,currency=cur",
			body:   uploadLog,
			status: http.StatusCreated,
			want:   []string{`"duplicate_delivery":1`, `"delivered_not_paid":1`, `"invalid_rows":1`, `"source":"upload"`, `"exceptions":2`},
			after: func(t *testing.T, e *env, res *httptest.ResponseRecorder) {
				var rep struct{ ID json.Number }
				_ = json.Unmarshal(res.Body.Bytes(), &rep)
				reportID = rep.ID.String()
			}},
		{name: "the mapping is remembered", method: "GET", url: "/api/v1/reconciliation-settings", as: "devA", status: http.StatusOK,
			want: []string{`"txid":"store_tx"`, `"amount":"price"`}},
		{name: "upload without a mapping uses the remembered one", method: "POST", as: "memberA", header: csvHeader,
			url: "/api/v1/reconciliations?" + period, body: uploadLog, status: http.StatusCreated,
			want: []string{`"duplicate_delivery":1`}},
		{name: "a missing column is 400", method: "POST", as: "devA", header: csvHeader,
			url: "/api/v1/reconciliations?" + period + "&map=txid=nope", body: uploadLog,
			status: http.StatusBadRequest, code: "invalid_request", want: []string{"nope"}},
		{name: "a bad map is 400", method: "POST", as: "devA", header: csvHeader,
			url: "/api/v1/reconciliations?map=sku=x", body: uploadLog, status: http.StatusBadRequest, code: "invalid_request"},
		{name: "JSON is not a log", method: "POST", as: "devA", header: http.Header{"Content-Type": {"application/json"}},
			url: "/api/v1/reconciliations", body: `{}`, status: http.StatusBadRequest, code: "invalid_request"},
		{name: "operators do not upload", method: "POST", as: "op", header: csvHeader,
			url: "/api/v1/reconciliations", body: uploadLog, status: http.StatusNotFound},
		{name: "the report with its errors", method: "GET", as: "devA", status: http.StatusOK,
			prepare: func(sc *scenario) { sc.url = "/api/v1/reconciliations/" + reportID },
			want:    []string{`"line":5`, `"invalid_rows":1`}},
		{name: "B cannot see it", method: "GET", as: "devB", status: http.StatusNotFound,
			prepare: func(sc *scenario) { sc.url = "/api/v1/reconciliations/" + reportID }},
		{name: "exceptions by category", method: "GET", as: "devA", status: http.StatusOK,
			prepare: func(sc *scenario) {
				sc.url = "/api/v1/reconciliations/" + reportID + "/exceptions?category=delivered_not_paid"
			},
			want: []string{`"txid":"TX-UNKNOWN"`, `"store_amount":null`, `"server_amount":"500"`}, notWant: []string{"duplicate_delivery"}},
		{name: "an unknown category is 400", method: "GET", as: "devA", status: http.StatusBadRequest,
			prepare: func(sc *scenario) { sc.url = "/api/v1/reconciliations/" + reportID + "/exceptions?category=matched" }},
		{name: "exceptions.csv", method: "GET", as: "devA", status: http.StatusOK,
			prepare: func(sc *scenario) { sc.url = "/api/v1/reconciliations/" + reportID + "/exceptions.csv" },
			after: func(t *testing.T, e *env, res *httptest.ResponseRecorder) {
				rows, err := csv.NewReader(res.Body).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				want := [][]string{
					{"category", "txid", "tid", "store_amount", "store_currency", "server_amount", "server_currency"},
					{"duplicate_delivery", "TX-ALPHA-0001", "alpha-order-1", "1200", "KRW", "1200", "KRW"},
					{"delivered_not_paid", "TX-UNKNOWN", "x-1", "", "", "500", "KRW"},
				}
				if len(rows) != len(want) || strings.Join(rows[1], ",") != strings.Join(want[1], ",") || strings.Join(rows[2], ",") != strings.Join(want[2], ",") {
					t.Errorf("exceptions.csv = %q; want %q", rows, want)
				}
			}},
		{name: "list", method: "GET", url: "/api/v1/reconciliations", as: "devA", status: http.StatusOK, want: []string{`"developer":"alpha-games"`}},
		{name: "B's list holds only B's", method: "GET", url: "/api/v1/reconciliations", as: "devB", status: http.StatusOK,
			want: []string{`"developer":"bravo-games"`}, notWant: []string{"alpha"}},
		{name: "against pushed deliveries", method: "POST", url: "/api/v1/reconciliations?source=deliveries&" + period, as: "devA",
			status: http.StatusCreated, want: []string{`"paid_not_delivered":1`, `"source":"deliveries"`}},
		{name: "settings change", method: "PUT", url: "/api/v1/reconciliation-settings", as: "devA",
			body: `{"continuous":true,"delivery_deadline_seconds":600}`, status: http.StatusOK,
			want: []string{`"continuous":true`, `"delivery_deadline_seconds":600`, `"txid":"store_tx"`}},
		{name: "a deadline under a minute is 400", method: "PUT", url: "/api/v1/reconciliation-settings", as: "devA",
			body: `{"delivery_deadline_seconds":5}`, status: http.StatusBadRequest},
	})
}

func TestReconciliationMultipart(t *testing.T) {
	runScenarios(t, []scenario{{name: "a multipart form streams its file part", method: "POST", as: "devA",
		prepare: func(sc *scenario) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			_ = mw.WriteField("map", "txid=store_tx,tid=order_no,amount=price,currency=cur")
			_ = mw.WriteField("from", "2024-01-01T00:00:00Z")
			_ = mw.WriteField("to", "2025-01-01T00:00:00Z")
			fw, _ := mw.CreateFormFile("file", "server-log.csv")
			_, _ = fw.Write([]byte(uploadLog))
			_ = mw.Close()
			sc.body, sc.header = buf.String(), http.Header{"Content-Type": {mw.FormDataContentType()}}
			sc.url = "/api/v1/reconciliations"
		},
		status: http.StatusCreated, want: []string{`"file_name":"server-log.csv"`, `"duplicate_delivery":1`}}})
}

func TestDeliveriesAPI(t *testing.T) {
	push := `{"deliveries":[
		{"txid":"TX-ALPHA-0001","tid":"alpha-order-1","amount":"1200","currency":"KRW","delivered_at":"2024-05-01T09:31:00Z"},
		{"tid":"alpha-order-9","amount":"1.5","currency":"KRW","delivered_at":"2024-05-01T09:31:00Z"},
		{"delivery_id":"d-7","tid":"alpha-order-7","amount":"0.99","currency":"USD","delivered_at":"2024-05-01T09:31:00+09:00"}]}`
	runScenarios(t, []scenario{
		{name: "before any delivery the purchase is not delivered", method: "GET", url: "/api/v1/purchases/${A.txid}/reconciliation",
			as: "devA", status: http.StatusOK, want: []string{`"state":"not_delivered"`, `"deliveries":[]`}},
		{name: "push", method: "POST", url: "/api/v1/deliveries", as: "devA", body: push, status: http.StatusOK,
			want: []string{`"created":2`, `"rejected":1`, `"index":1,"outcome":"rejected","error":{"code":"invalid_request"`}},
		{name: "push again: duplicates", method: "POST", url: "/api/v1/deliveries", as: "memberA", body: push, status: http.StatusOK,
			want: []string{`"created":0`, `"duplicates":2`}},
		{name: "an amount as a number is 400", method: "POST", url: "/api/v1/deliveries", as: "devA",
			body: `{"deliveries":[{"tid":"t","amount":1,"currency":"KRW","delivered_at":"2024-05-01T09:31:00Z"}]}`, status: http.StatusBadRequest},
		{name: "an empty push is 400", method: "POST", url: "/api/v1/deliveries", as: "devA", body: `{"deliveries":[]}`, status: http.StatusBadRequest},
		{name: "customers cannot push", method: "POST", url: "/api/v1/deliveries", as: "custA", body: push, status: http.StatusNotFound},
		{name: "list by txid", method: "GET", url: "/api/v1/deliveries?txid=${A.txid}", as: "devA", status: http.StatusOK,
			want: []string{`"source":"api"`, `"amount":"1200"`}, notWant: []string{"d-7"}},
		{name: "B sees none of A's", method: "GET", url: "/api/v1/deliveries", as: "devB", status: http.StatusOK, notWant: []string{"alpha"}},
		{name: "the purchase is delivered now", method: "GET", url: "/api/v1/purchases/${A.txid}/reconciliation", as: "devA",
			status: http.StatusOK, want: []string{`"state":"delivered"`, `"txid":"${A.txid}"`}},
		{name: "mark delivered when already delivered is 409", method: "POST", url: "/api/v1/purchases/${A.txid}/deliveries",
			as: "devA", body: `{"note":"resent"}`, status: http.StatusConflict},
		{name: "mark delivered on B's purchase", method: "POST", url: "/api/v1/purchases/${B.txid}/deliveries",
			as: "memberB", body: `{"note":"resent by hand"}`, status: http.StatusCreated, want: []string{`"source":"manual"`, `"note":"resent by hand"`}},
		{name: "without a note is 400", method: "POST", url: "/api/v1/purchases/${B.txid}/deliveries",
			as: "memberB", body: `{}`, status: http.StatusBadRequest},
		{name: "B's evidence", method: "GET", url: "/api/v1/purchases/${B.txid}/reconciliation", as: "op",
			status: http.StatusOK, want: []string{`"state":"delivered"`, `"source":"manual"`}},
		{name: "flagged purchases", method: "GET", url: "/api/v1/undelivered-purchases", as: "devA", status: http.StatusOK,
			want: []string{`"items":[]`}},
	})
}
