package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web"
)

// Finding 4: an upload cannot grow the database faster than the server
// allows, on both engines. (Before: every exception stored, no daily
// quota, 16 GiB uploads, ids of any length and NULs that PostgreSQL
// answered with 500.)
func TestReconUploadLimits(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		rs := e.svc.Reconciliation.(*sqlstore.ReconciliationService)
		rs.Limits = vocdesk.ReconLimits{MaxExceptions: 5, UploadsPerDay: 3}
		h := http.Header{"Authorization": {"Bearer " + e.a.key}, "Content-Type": {"text/csv"}}
		const url = "/api/v1/reconciliations?from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z&map=txid=txid,tid=tid"

		// Twenty unknown payments: counted exactly, the first five stored.
		var log strings.Builder
		log.WriteString("txid,tid,amount,currency\n")
		for i := range 20 {
			fmt.Fprintf(&log, "TX-MADE-UP-%02d,t-%02d,100,KRW\n", i, i)
		}
		// Ids over 128 bytes, a NUL, invalid UTF-8 and an escape are
		// invalid rows, never stored or served back.
		fmt.Fprintf(&log, "TX-%s,t-long,100,KRW\n", strings.Repeat("L", 130))
		log.WriteString("TX-NUL\x00,t-nul,100,KRW\n")
		log.WriteString("TX-FF\xff,t-ff,100,KRW\n")
		log.WriteString("TX-ESC,t-\x1b[2J,100,KRW\n")
		res := serve(e.srv, "POST", url, log.String(), h)
		if res.Code != http.StatusCreated {
			t.Fatalf("upload: %d %s", res.Code, res.Body)
		}
		var rep struct {
			ID                  int64
			Counts              map[string]int64
			InvalidRows         int64 `json:"invalid_rows"`
			Exceptions          int64
			ExceptionsFound     int64 `json:"exceptions_found"`
			ExceptionsTruncated bool  `json:"exceptions_truncated"`
		}
		if err := json.Unmarshal(res.Body.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Counts["delivered_not_paid"] != 20 || rep.InvalidRows != 4 || rep.Exceptions != 5 ||
			rep.ExceptionsFound != 21 || !rep.ExceptionsTruncated {
			t.Fatalf("report: %s; want 20 delivered_not_paid counted, 4 invalid rows, 5 of 21 exceptions stored", res.Body)
		}
		list := serve(e.srv, "GET", fmt.Sprintf("/api/v1/reconciliations/%d/exceptions?limit=200", rep.ID), "", bearer(e.a.key))
		var page struct{ Items []json.RawMessage }
		if err := json.Unmarshal(list.Body.Bytes(), &page); err != nil || len(page.Items) != 5 {
			t.Fatalf("exceptions: %d items, %v", len(page.Items), err)
		}
		if strings.Contains(list.Body.String(), "LLLL") || strings.Contains(list.Body.String(), "TX-NUL") {
			t.Fatalf("an invalid id was stored: %s", list.Body)
		}

		// The seeded report and this one are two of three a day: one more,
		// then 429 for this developer, not for another.
		if res := serve(e.srv, "POST", url, "txid,tid,amount,currency\n", h); res.Code != http.StatusCreated {
			t.Fatalf("third upload: %d %s", res.Code, res.Body)
		}
		res = serve(e.srv, "POST", url, "txid,tid,amount,currency\n", h)
		if res.Code != http.StatusTooManyRequests || !strings.Contains(res.Body.String(), `"code":"rate_limited"`) {
			t.Fatalf("fourth upload in a day: %d %s; want 429", res.Code, res.Body)
		}
		hb := http.Header{"Authorization": {"Bearer " + e.b.key}, "Content-Type": {"text/csv"}}
		if res := serve(e.srv, "POST", url, "txid,tid,amount,currency\n", hb); res.Code != http.StatusCreated {
			t.Fatalf("another developer's upload: %d %s", res.Code, res.Body)
		}
	})
}

// The upload size has a bound the admin sets (default 1 GiB, not 16 GiB).
func TestReconUploadSizeLimit(t *testing.T) {
	e := newEnv(t, sqlstoretest.OpenSQLite(t))
	srv, err := web.NewServer(web.Config{MaxUploadBytes: 4 << 10}, e.svc)
	if err != nil {
		t.Fatal(err)
	}
	body := "txid,tid,amount,currency\n" + strings.Repeat("TX-1,t-1,100,KRW\n", 1000)
	res := serve(srv, "POST", "/api/v1/reconciliations", body,
		http.Header{"Authorization": {"Bearer " + e.a.key}, "Content-Type": {"text/csv"}})
	if res.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("17 KB upload over a 4 KiB limit: %d %s", res.Code, res.Body)
	}
	if web.DefaultMaxUploadBytes > 1<<30 {
		t.Fatalf("default upload bound %d", web.DefaultMaxUploadBytes)
	}
}

// An upload's row errors and file name are stored as text on both engines:
// a long Korean amount is cut on a character boundary (before: mid-rune,
// which PostgreSQL refused with 500), a file name with a NUL is 400.
func TestReconUploadTextIsStorable(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		h := http.Header{"Authorization": {"Bearer " + e.a.key}, "Content-Type": {"text/csv"}}
		const url = "/api/v1/reconciliations?from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z&map=txid=txid,tid=tid"
		log := "txid,tid,amount,currency\nTX-1,t-1,1" + strings.Repeat("가", 200) + ",KRW\n"
		if res := serve(e.srv, "POST", url, log, h); res.Code != http.StatusCreated {
			t.Fatalf("a long Korean amount: %d %s", res.Code, res.Body)
		}
		body := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"log\x00.csv\"\r\nContent-Type: text/csv\r\n\r\n" +
			"txid,tid,amount,currency\r\n--b--\r\n"
		hm := http.Header{"Authorization": {"Bearer " + e.a.key}, "Content-Type": {"multipart/form-data; boundary=b"}}
		if res := serve(e.srv, "POST", url, body, hm); res.Code != http.StatusBadRequest {
			t.Fatalf("a file name with NUL: %d %s; want 400", res.Code, res.Body)
		}
	})
}

// The console's upload form has the same size bound as the API (before: no
// bound at all on the page's streamed upload).
func TestReconPageUploadSizeLimit(t *testing.T) {
	e := newEnv(t, sqlstoretest.OpenSQLite(t))
	srv, err := web.NewServer(web.Config{MaxUploadBytes: 4 << 10}, e.svc)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	pc := signedInClient(t, ts.URL, "/developer/login", e.a.memberEmail, e.a.memberPassword)
	page := pc.send(t, "GET", ts.URL, "/console/reconciliations", "")
	m := pageCSRF.FindStringSubmatch(page.raw)
	if m == nil {
		t.Fatalf("no CSRF token on the reconciliation page: %d", page.status)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", m[1])
	fw, _ := mw.CreateFormFile("file", "log.csv")
	_, _ = fw.Write([]byte("txid,tid,amount,currency\n" + strings.Repeat("TX-1,t-1,100,KRW\n", 1000)))
	_ = mw.Close()
	req, _ := http.NewRequest("POST", ts.URL+"/console/reconciliations", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := pc.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("17 KB upload on the page over a 4 KiB limit: %d; want 413", res.StatusCode)
	}
}
