package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// TestLogCallForm: the call form's post, well formed and not: a refused
// call shows the form again with what was typed and stores nothing; a
// logged one lands on its inquiry; other realms find no such page.
func TestLogCallForm(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m
		b := e.browser()
		b.login("/operator/login", m.Operator.Email, "/operator")

		r := b.get("/operator/calls?caller=" + url.QueryEscape("minji.kim@example.com"))
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, "김민지", "m***@example.com · ***-5678", m.MinjiPurchases[0].TxID)
		wantLacks(t, r, "minji.kim@example.com ·", "010-1234-5678 ·")
		r = b.get("/operator/calls?caller=" + url.QueryEscape("02-000-0000"))
		wantContains(t, r, "No store account has this number or email")

		good := url.Values{"caller": {"010-1234-5678"}, "txid": {m.MinjiPurchases[0].TxID}, "category": {"payment"},
			"summary": {"결제 두 번"}, "consent": {"no"}}
		with := func(k, v string) url.Values {
			c := url.Values{}
			for kk, vv := range good {
				c[kk] = vv
			}
			if v == "\x00drop" {
				c.Del(k)
			} else {
				c.Set(k, v)
			}
			return c
		}
		for _, bad := range []url.Values{
			with("consent", "\x00drop"), with("consent", "maybe"), with("summary", ""), with("category", "fax"),
			with("caller", "not a phone"), with("caller", ""), with("txid", "TX-NOT-THERE"), with("txid", m.JunPurchases[0].TxID),
		} {
			r := b.post("/operator/calls", bad)
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%v: status %d", bad["consent"], r.StatusCode)
				continue
			}
			wantContains(t, r, `role="alert"`)
		}
		// Past the form's size and control characters are refused at the
		// edge, before the form is read.
		if r := b.post("/operator/calls", with("summary", strings.Repeat("가", vocdesk.MaxBody+1))); r.StatusCode/100 != 4 {
			t.Errorf("an oversized summary: status %d", r.StatusCode)
		}
		if r := b.post("/operator/calls", with("subject", "a\x02b")); r.StatusCode != http.StatusBadRequest {
			t.Errorf("a control character: status %d", r.StatusCode)
		}
		list, _, err := m.Svc.Inquiries.FindInquiries(uitest.As(vocdesk.SystemActor()), vocdesk.InquiryFilter{})
		if err != nil || len(list) != 0 {
			t.Fatalf("refused calls stored %d inquiries (%v)", len(list), err)
		}
		r = b.post("/operator/calls", good)
		loc := r.Header.Get("Location")
		if !regexp.MustCompile(`^/operator/inquiries/\d+$`).MatchString(loc) {
			t.Fatalf("logged call answers %d to %q", r.StatusCode, loc)
		}
		r = b.get(loc)
		wantContains(t, r, "Call logged", "No consent to share payment details")

		dev := e.browser()
		dev.login("/developer/login", m.HoppinOwner.Email, "/console")
		if r := dev.get("/operator/calls"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/operator/login") {
			t.Errorf("a developer opens Log a call: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		r = dev.get(strings.Replace(loc, "/operator/", "/console/", 1))
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, "did not agree to share their payment details")
		wantLacks(t, r, m.MinjiPurchases[0].TxID, m.MinjiPurchases[0].TID, "minji.kim@example.com")
	})
}

// TestSocialConnectorPage: the secret shows once; a private reply URL is
// refused (the server's --allow-private-webhooks is off here); another
// developer's connector is not found; viewers see no forms.
func TestSocialConnectorPage(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m
		b := e.browser()
		b.login("/developer/login", m.HoppinOwner.Email, "/console")
		wantStatus(t, b.get("/console/social"), http.StatusOK)
		r := b.post("/console/social", url.Values{"network": {"KaKao"}, "name": {"호핀 채널"}, "app": {"hoppin-quest"}})
		wantRedirect(t, r, "/console/social#secret")
		r = b.get("/console/social")
		wantContains(t, r, "호핀 채널", "kakao", "will not be shown again")
		secret := regexp.MustCompile(`id="connector-secret" class="mono" readonly value="(whsec_[^"]+)"`).FindStringSubmatch(r.body)
		if secret == nil {
			t.Fatal("no secret shown")
		}
		r = b.get("/console/social")
		wantLacks(t, r, secret[1])
		for _, bad := range []url.Values{
			{"network": {"two words"}, "name": {"n"}, "app": {"hoppin-quest"}},
			{"network": {"x"}, "name": {""}, "app": {"hoppin-quest"}},
			{"network": {"x"}, "name": {"n"}, "app": {"nimbus-notes"}},
			{"network": {"x"}, "name": {"n"}, "app": {"hoppin-quest"}, "reply_url": {"ftp://example.com"}},
		} {
			wantStatus(t, b.post("/console/social", bad), http.StatusUnprocessableEntity)
		}

		cs, err := m.Svc.Social.FindConnectors(uitest.As(m.MemberActor(m.Hoppin, m.HoppinOwner)))
		if err != nil || len(cs) != 1 {
			t.Fatalf("connectors %v %v", cs, err)
		}
		id := cs[0].ID
		path := "/console/social/" + itoa(id)
		wantStatus(t, b.post(path+"/reply-url", url.Values{"reply_url": {"mailto:x@example.com"}}), http.StatusUnprocessableEntity)
		wantRedirect(t, b.post(path+"/reply-url", url.Values{"reply_url": {"https://relay.example.com/replies"}}), "/console/social#c"+itoa(id))

		nimbus := e.browser()
		nimbus.login("/developer/login", m.NimbusOwner.Email, "/console")
		wantLacks(t, nimbus.get("/console/social"), "호핀 채널")
		wantStatus(t, nimbus.post(path+"/delete", url.Values{}), http.StatusNotFound)

		viewer := e.browser()
		viewer.login("/developer/login", m.HoppinViewer.Email, "/console")
		r = viewer.get("/console/social")
		wantStatus(t, r, http.StatusOK)
		wantContains(t, r, "호핀 채널")
		wantLacks(t, r, `action="/console/social"`, path+"/delete")
		wantStatus(t, viewer.post(path+"/delete", url.Values{}), http.StatusForbidden)

		wantRedirect(t, b.post(path+"/delete", url.Values{}), "/console/social")
		wantLacks(t, b.get("/console/social"), "호핀 채널")
	})
}
