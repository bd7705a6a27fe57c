package mail

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vocdesk/vocdesk"
)

func TestRecipient(t *testing.T) {
	cases := []struct {
		addr, slug string
		inquiry    int64
		ok         bool
	}{
		{"acme@desk.test", "acme", 0, true},
		{"<ACME@Desk.Test>", "acme", 0, true},
		{"acme+i42@desk.test", "acme", 42, true},
		{"acme+i0@desk.test", "acme", 0, true},
		{"acme+ix@desk.test", "acme", 0, true},
		{"acme+42@desk.test", "acme", 0, true},
		{"acme@other.test", "", 0, false},
		{"@desk.test", "", 0, false},
		{"+i4@desk.test", "", 0, false},
		{"acme", "", 0, false},
	}
	for _, c := range cases {
		slug, id, ok := Recipient(c.addr, "desk.test")
		if slug != c.slug || id != c.inquiry || ok != c.ok {
			t.Errorf("Recipient(%q) = %q %d %v; want %q %d %v", c.addr, slug, id, ok, c.slug, c.inquiry, c.ok)
		}
	}
	if a := ReplyAddress("acme", 42, "desk.test"); a != "acme+i42@desk.test" {
		t.Errorf("ReplyAddress = %s", a)
	}
}

func TestThreadRefs(t *testing.T) {
	m := &Message{
		InReplyTo:  []string{"inquiry-7.message-70@desk.test"},
		References: []string{"first@example.kr", "inquiry-5.message-50@desk.test", "inquiry-7.message-70@desk.test", "inquiry-9@vocdesk", "x@other.test"},
	}
	ids, refs := ThreadRefs(m, 3, "desk.test")
	if want := []int64{3, 7, 9, 5}; !equal(ids, want) {
		t.Errorf("inquiries %v; want %v (token, In-Reply-To, References newest first)", ids, want)
	}
	if len(refs) != 6 || refs[0] != "inquiry-7.message-70@desk.test" || refs[1] != "x@other.test" || refs[5] != "first@example.kr" {
		t.Errorf("refs %v", refs)
	}
	if ids, _ := ThreadRefs(&Message{InReplyTo: []string{"inquiry-7.message-70@evil.test"}}, 0, "desk.test"); len(ids) != 0 {
		t.Errorf("another domain's look-alike id names inquiries %v", ids)
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestChooseThread is the rule against leaking: a reply joins only an
// inquiry of the same developer whose customer is the sender.
func TestChooseThread(t *testing.T) {
	f := &vocdesk.MailFacts{DeveloperID: 1, CustomerID: 11, Candidates: []vocdesk.ThreadCandidate{
		{InquiryID: 100, DeveloperID: 2, CustomerID: 11, ContactEmail: "minsu@example.kr"}, // another developer's
		{InquiryID: 101, DeveloperID: 1, CustomerID: 12, ContactEmail: "jiwoo@example.kr"}, // another customer's
		{InquiryID: 102, DeveloperID: 1, CustomerID: 11, ContactEmail: "minsu@example.kr"},
		{InquiryID: 103, DeveloperID: 1, CustomerID: 11},
	}}
	if got := ChooseThread("minsu@example.kr", f); got != 102 {
		t.Errorf("customer 11: %d; want 102", got)
	}
	stranger := &vocdesk.MailFacts{DeveloperID: 1, Candidates: f.Candidates}
	if got := ChooseThread("stranger@example.com", stranger); got != 0 {
		t.Errorf("a stranger joins %d; want a new inquiry", got)
	}
	unknown := &vocdesk.MailFacts{DeveloperID: 1, Candidates: []vocdesk.ThreadCandidate{{InquiryID: 104, DeveloperID: 1, ContactEmail: "Guest@Example.com"}}}
	if got := ChooseThread("guest@example.com", unknown); got != 104 {
		t.Errorf("the address an inquiry corresponds with: %d; want 104", got)
	}
}

// TestDecideReply: a customer's reply joins; the same mail from a stranger
// starts a new inquiry; a quoted TxID of the sender's purchase links it.
func TestDecideReply(t *testing.T) {
	raw := []byte("From: Minsu <minsu@example.kr>\r\nTo: acme+i102@desk.test\r\nSubject: Re: [Puzzle] 환불\r\n" +
		"In-Reply-To: <inquiry-102.message-7@desk.test>\r\nMessage-ID: <r1@example.kr>\r\n\r\n아직 TX-2024-0007 환불이 안 됐어요\r\n\r\n" +
		"2026년 12월 1일 (월) 오전 10:00, Puzzle <acme+i102@desk.test>님이 작성:\r\n> 환불해 드렸습니다.\r\n")
	e := Envelope{From: "minsu@example.kr", Recipient: "acme+i102@desk.test", Domain: "desk.test"}
	in, decide := Prepare(raw, e)
	if in.DeveloperSlug != "acme" || !equal(in.ThreadIDs, []int64{102}) || in.MessageID != "r1@example.kr" {
		t.Fatalf("inbound %+v", in)
	}
	cand := []vocdesk.ThreadCandidate{{InquiryID: 102, DeveloperID: 1, CustomerID: 11, ContactEmail: "minsu@example.kr"}}
	purchases := []vocdesk.MailPurchase{{TxID: "TX-2024-0007", AppID: 8}, {TxID: "TX-2024-0001", AppID: 7}}
	apps := []vocdesk.MailApp{{ID: 7, Slug: "puzzle", Name: "Puzzle"}, {ID: 8, Slug: "racer", Name: "Racer"}}

	d := decide(&vocdesk.MailFacts{DeveloperID: 1, CustomerID: 11, Apps: apps, Purchases: purchases, Candidates: cand})
	if d.Outcome != vocdesk.MailReply || d.InquiryID != 102 || d.Message.Body != "아직 TX-2024-0007 환불이 안 됐어요" {
		t.Fatalf("the customer's reply: %s %d %q; want reply to 102 without the quote", d.Outcome, d.InquiryID, d.Message.Body)
	}

	// The same bytes from someone else (forged headers and all, but another
	// sender): a new inquiry of their own, never the customer's thread.
	stranger := []byte(string(raw[:0]) + "From: Eve <eve@example.com>" + string(raw[len("From: Minsu <minsu@example.kr>"):]))
	_, decide = Prepare(stranger, e)
	d = decide(&vocdesk.MailFacts{DeveloperID: 1, Apps: apps, Candidates: cand})
	if d.Outcome != vocdesk.MailInquiry || d.Inquiry.ContactEmail != "eve@example.com" || d.Inquiry.TxID != "" {
		t.Fatalf("the stranger: %s %+v; want a new inquiry without the customer's TxID", d.Outcome, d.Inquiry)
	}

	// A new inquiry from the customer quoting one of their TxIDs links it
	// and files it under that purchase's app.
	fresh := []byte("From: minsu@example.kr\r\nTo: acme@desk.test\r\nSubject: 결제 문의\r\n\r\n주문번호 TX-2024-0007 확인해 주세요.\r\n")
	_, decide = Prepare(fresh, Envelope{From: "minsu@example.kr", Recipient: "acme@desk.test", Domain: "desk.test"})
	d = decide(&vocdesk.MailFacts{DeveloperID: 1, CustomerID: 11, Apps: apps, Purchases: purchases})
	if d.Outcome != vocdesk.MailInquiry || d.Inquiry.TxID != "TX-2024-0007" || d.Inquiry.AppID != 8 || d.Inquiry.CustomerID != 11 {
		t.Fatalf("quoted TxID: %s %+v", d.Outcome, d.Inquiry)
	}
}

func TestFindTxID(t *testing.T) {
	ids := []string{"TX-1001", "TX-10012", "T1"}
	cases := map[string]string{
		"about TX-1001.":          "TX-1001",
		"about tx-1001, please":   "TX-1001",
		"TX-10012 and TX-1001":    "TX-10012",
		"TX-100123":               "",
		"ATX-1001":                "",
		"주문번호:TX-1001 환불":         "TX-1001",
		"T1 is too short to tell": "",
	}
	for text, want := range cases {
		if got := FindTxID(text, ids); got != want {
			t.Errorf("FindTxID(%q) = %q; want %q", text, got, want)
		}
	}
}

// FuzzIntake feeds arbitrary bytes through the whole intake decision: it
// must never panic, always reach a known outcome, and never make an
// inquiry or message the desk would refuse.
func FuzzIntake(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.raw")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("From: a@b\r\nContent-Type: text/plain; charset=iso-2022-kr\r\n\r\n\x1b$)C\x0e\x21"))
	f.Add([]byte("From: a@b\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x--"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		in, decide := Prepare(raw, Envelope{From: "s@example.com", Recipient: "acme+i5@desk.test", Domain: "desk.test"})
		d := decide(&vocdesk.MailFacts{DeveloperID: 1, Apps: []vocdesk.MailApp{{ID: 7, Slug: "puzzle", Name: "Puzzle"}},
			Candidates: []vocdesk.ThreadCandidate{{InquiryID: 5, DeveloperID: 1, ContactEmail: "s@example.com"}}})
		if !d.Outcome.Valid() || in.DeveloperSlug != "acme" {
			t.Fatalf("outcome %q slug %q", d.Outcome, in.DeveloperSlug)
		}
		if d.Inquiry != nil {
			if err := d.Inquiry.Validate(); err != nil {
				t.Fatalf("inquiry refused by the desk: %v", err)
			}
		}
		if d.Message != nil {
			if err := vocdesk.ValidateBody(d.Message.Body); err != nil {
				t.Fatalf("message refused by the desk: %v", err)
			}
			if len(d.Message.Attachments) > vocdesk.MaxAttachments {
				t.Fatal("too many attachments")
			}
		}
	})
}
