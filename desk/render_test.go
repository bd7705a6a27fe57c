package desk

import (
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
)

func TestRender(t *testing.T) {
	vars := map[string]string{
		"customer.name":   "김민지",
		"purchase.txid":   "TX0001",
		"purchase.amount": "1,200 KRW",
		"app.name":        "Hoppin",
		"agent.name":      "Jude",
		"evil":            "{{agent.name}}",
	}
	tests := []struct{ body, want string }{
		{"{{customer.name}}님, 안녕하세요.", "김민지님, 안녕하세요."},
		{"TxID {{ purchase.txid }}: {{purchase.amount}}", "TxID TX0001: 1,200 KRW"},
		{"{{app.name}} / {{agent.name}}", "Hoppin / Jude"},
		{"unknown {{customer.phone}} stays", "unknown {{customer.phone}} stays"},
		{"values are not expanded again: {{evil}}", "values are not expanded again: {{agent.name}}"},
		{"no template code: {{printf \"%s\" .}} {{.}}", "no template code: {{printf \"%s\" .}} {{.}}"},
		{"unclosed {{customer.name", "unclosed {{customer.name"},
		{"{{{{customer.name}}", "{{김민지"},
		{"}} {{ }}", "}} {{ }}"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Render(tt.body, vars); got != tt.want {
			t.Errorf("Render(%q) = %q, want %q", tt.body, got, tt.want)
		}
	}
}

func TestVars(t *testing.T) {
	in := &vocdesk.Inquiry{ID: 42, CustomerName: "Bob", AppName: "App A", Subject: "Refund", ContactEmail: "b***@example.com"}
	p := &vocdesk.Purchase{TxID: "TX1", TID: "ORD-1", Amount: 1200, Currency: "KRW", ItemName: "Gems",
		PaidAt: time.Date(2026, 3, 1, 15, 4, 0, 0, time.UTC)}
	v := Vars(in, p, "Jude")
	want := map[string]string{
		"customer.name": "Bob", "purchase.txid": "TX1", "purchase.tid": "ORD-1", "purchase.amount": "1,200 KRW",
		"purchase.item": "Gems", "purchase.paid_at": "2026-03-02 00:04", "app.name": "App A", "agent.name": "Jude",
		"inquiry.id": "42", "inquiry.subject": "Refund", "customer.email": "b***@example.com",
	}
	for k, w := range want {
		if v[k] != w {
			t.Errorf("%s = %q, want %q", k, v[k], w)
		}
	}
	for _, name := range Placeholders {
		if _, ok := v[name]; !ok {
			t.Errorf("placeholder %s has no value", name)
		}
	}
	got := Render("{{customer.name}}님 {{purchase.txid}} {{purchase.amount}}", v)
	if got != "Bob님 TX1 1,200 KRW" {
		t.Errorf("rendered %q", got)
	}
	if v := Vars(&vocdesk.Inquiry{TxID: "TX9"}, nil, ""); v["purchase.txid"] != "TX9" || v["inquiry.id"] != "" {
		t.Errorf("without a purchase: %v", v)
	}
	if itoa(-17) != "-17" || itoa(0) != "0" {
		t.Error("itoa")
	}
}

func TestUnknown(t *testing.T) {
	tests := []struct {
		body string
		want []string
	}{
		{"{{customer.name}}님, {{ purchase.txid }}", nil},
		{"Hi {{bogus.field}} and {{customer.nmae}}, {{bogus.field}} again", []string{"bogus.field", "customer.nmae"}},
		{"{{ Customer.Name }}", []string{"Customer.Name"}}, // names are exact
		{"{{{{bogus}}", []string{"bogus"}},
		{"empty {{ }}", []string{""}},
		{"unclosed {{bogus", nil}, // not a placeholder: Render leaves it as text too
		{"}} {{", nil},
	}
	for _, tt := range tests {
		got := Unknown(tt.body)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("Unknown(%q) = %q, want %q", tt.body, got, tt.want)
		}
	}
	err := CheckPlaceholders("Dear {{bogus.field}}")
	if vocdesk.ErrorCode(err) != vocdesk.EINVALID || !strings.Contains(vocdesk.ErrorMessage(err), "{{bogus.field}}") ||
		!strings.Contains(vocdesk.ErrorMessage(err), "{{customer.name}}") {
		t.Errorf("CheckPlaceholders: %v; want EINVALID naming the placeholder and the known ones", err)
	}
	if err := CheckPlaceholders("Dear {{customer.name}}"); err != nil {
		t.Errorf("CheckPlaceholders of known placeholders: %v", err)
	}
}

func TestUnfilled(t *testing.T) {
	general := Vars(&vocdesk.Inquiry{ID: 7, CustomerName: "김민지", AppName: "호핀 퀘스트"}, nil, "상담원")
	tests := []struct {
		body string
		vars map[string]string
		want []string
	}{
		{"{{customer.name}}님, {{app.name}} 문의 #{{inquiry.id}}", general, nil},
		{"{{purchase.item}}({{ purchase.amount }}) {{purchase.item}} {{customer.name}}", general, []string{"purchase.item", "purchase.amount"}},
		{"{{bogus.field}} is Unknown's, not this", general, nil},
		{"{{customer.name}}", Vars(&vocdesk.Inquiry{ContactEmail: "x@example.com"}, nil, "a"), []string{"customer.name"}},
		{"{{purchase.txid}}", Vars(&vocdesk.Inquiry{TxID: "TX1"}, nil, "a"), nil},
	}
	for _, tt := range tests {
		if got := Unfilled(tt.body, tt.vars); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Unfilled(%q) = %q, want %q", tt.body, got, tt.want)
		}
	}
}
