package mail

import (
	"bytes"
	"encoding/base64"
	"mime"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/korean"

	"github.com/vocdesk/vocdesk"
)

func encode(t *testing.T, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

// iso2022KR encodes s as RFC 1557 does, from its EUC-KR bytes: the
// designator once, SO before Korean, SI back to ASCII before each line end.
func iso2022KR(t *testing.T, s string) []byte {
	euc := encode(t, korean.EUCKR, s)
	out := []byte("\x1b$)C")
	shifted := false
	for i := 0; i < len(euc); i++ {
		c := euc[i]
		if c >= 0x80 {
			if !shifted {
				out, shifted = append(out, 0x0E), true
			}
			out = append(out, c&0x7F, euc[i+1]&0x7F)
			i++
			continue
		}
		if shifted {
			out, shifted = append(out, 0x0F), false
		}
		out = append(out, c)
	}
	if shifted {
		out = append(out, 0x0F)
	}
	return out
}

// build makes a single-part message with raw header lines and body bytes.
func build(headers string, body []byte) []byte {
	h := "From: 김민수 <minsu@example.kr>\r\nTo: acme@desk.test\r\nMessage-ID: <k1@example.kr>\r\nDate: Mon, 1 Dec 2026 10:00:00 +0900\r\n" + headers
	return append([]byte(strings.ReplaceAll(h, "\r\n", "\r\n")+"\r\n"), body...)
}

const (
	koSubject = "환불 요청드립니다"
	koBody    = "안녕하세요. 어제 결제한 아이템이 지급되지 않았습니다. 확인 부탁드립니다."
)

// TestKoreanCharsets reads Korean mail in every encoding Korean mailers
// send, declared correctly and wrongly, with subjects in RFC 2047 words.
func TestKoreanCharsets(t *testing.T) {
	eucSubject := mime.BEncoding.Encode("EUC-KR", string(encode(t, korean.EUCKR, koSubject)))
	b64 := func(b []byte) []byte { return []byte(base64.StdEncoding.EncodeToString(b)) }
	cases := []struct {
		name, headers string
		body          []byte
		subject, text string
		guessed       bool // a problem note says the charset was guessed
	}{
		{"UTF-8, RFC 2047 B", "Subject: " + mime.BEncoding.Encode("UTF-8", koSubject) + "\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n",
			b64([]byte(koBody)), koSubject, koBody, false},
		{"EUC-KR, RFC 2047 B in EUC-KR", "Subject: " + eucSubject + "\r\nContent-Type: text/plain; charset=euc-kr\r\nContent-Transfer-Encoding: 8bit\r\n",
			encode(t, korean.EUCKR, koBody), koSubject, koBody, false},
		{"CP949 under Outlook's label, a UHC-only syllable", "Subject: =?ks_c_5601-1987?B?" + base64.StdEncoding.EncodeToString(encode(t, korean.EUCKR, "똠방각하 문의")) + "?=\r\nContent-Type: text/plain; charset=\"ks_c_5601-1987\"\r\nContent-Transfer-Encoding: base64\r\n",
			b64(encode(t, korean.EUCKR, "똠방각하 님, "+koBody)), "똠방각하 문의", "똠방각하 님, " + koBody, false},
		{"CP949 label", "Subject: =?CP949?Q?" + qEncode(encode(t, korean.EUCKR, koSubject)) + "?=\r\nContent-Type: text/plain; charset=cp949\r\n",
			encode(t, korean.EUCKR, koBody), koSubject, koBody, false},
		{"ISO-2022-KR", "Subject: =?ISO-2022-KR?B?" + base64.StdEncoding.EncodeToString(iso2022KR(t, koSubject)) + "?=\r\nContent-Type: text/plain; charset=ISO-2022-KR\r\nContent-Transfer-Encoding: 7bit\r\n",
			iso2022KR(t, koBody+"\r\n"+koBody), koSubject, koBody + "\n" + koBody, false},
		{"ISO-8859-1", "Subject: =?ISO-8859-1?Q?Caf=E9_M=FCller?=\r\nContent-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n",
			[]byte("Gr=FC=DFe aus K=F6ln, caf=E9."), "Café Müller", "Grüße aus Köln, café.", false},
		{"EUC-KR mislabelled ISO-8859-1", "Subject: " + eucSubject + "\r\nContent-Type: text/plain; charset=iso-8859-1\r\n",
			encode(t, korean.EUCKR, koBody), koSubject, koBody, true},
		{"UTF-8 mislabelled ISO-8859-1", "Subject: test\r\nContent-Type: text/plain; charset=iso-8859-1\r\n",
			[]byte(koBody), "test", koBody, true},
		{"EUC-KR mislabelled UTF-8", "Subject: test\r\nContent-Type: text/plain; charset=utf-8\r\n",
			encode(t, korean.EUCKR, koBody), "test", koBody, true},
		{"EUC-KR with no charset, raw 8-bit subject", "Subject: " + string(encode(t, korean.EUCKR, koSubject)) + "\r\n",
			encode(t, korean.EUCKR, koBody), koSubject, koBody, true},
		{"unknown charset label on EUC-KR", "Subject: test\r\nContent-Type: text/plain; charset=x-unknown-korean\r\n",
			encode(t, korean.EUCKR, koBody), "test", koBody, true},
		{"Windows-1252 with no charset", "Subject: test\r\n",
			encode(t, charmap.Windows1252, "Prix: 10 € – déjà payé"), "test", "Prix: 10 € – déjà payé", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse(build(c.headers, c.body))
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != c.subject {
				t.Errorf("subject %q; want %q", m.Subject, c.subject)
			}
			if m.Text != strings.TrimSpace(c.text) {
				t.Errorf("text %q; want %q", m.Text, c.text)
			}
			if m.FromName != "김민수" || m.From != "minsu@example.kr" {
				t.Errorf("from %q <%s>", m.FromName, m.From)
			}
			if got := len(m.Problems) > 0; got != c.guessed {
				t.Errorf("problems %q; want a charset note: %v", m.Problems, c.guessed)
			}
		})
	}
}

func qEncode(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		s.WriteString("=")
		s.WriteString(strings.ToUpper(string("0123456789abcdef"[c>>4]) + string("0123456789abcdef"[c&15])))
	}
	return s.String()
}

// pngBytes is the smallest valid PNG: a 1x1 transparent pixel.
var pngBytes, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")

// TestAlternativesAndFiles: text is preferred over HTML, HTML alone is
// turned into safe text, inline images and attachments follow the desk's
// attachment rules, and what is left out is named in the message.
func TestAlternativesAndFiles(t *testing.T) {
	img := base64.StdEncoding.EncodeToString(pngBytes)
	htmlPart := "<html><head><style>p{color:red}</style><script>alert('x')</script></head><body><p>주문 <b>TX-1001</b> 환불해 주세요</p>" +
		"<p>자세히: <a href=\"https://example.kr/order\">주문 내역</a> <a href=\"javascript:alert(1)\">click</a><br>감사합니다<img src=\"cid:shot\" alt=\"스크린샷\"></p></body></html>"
	mixed := func(alt string) []byte {
		return []byte("From: minsu@example.kr\r\nTo: acme@desk.test\r\nSubject: =?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte(koSubject)) + "?=\r\n" +
			"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"MIX\"\r\n\r\n" +
			"--MIX\r\nContent-Type: multipart/related; boundary=\"REL\"\r\n\r\n" +
			"--REL\r\n" + alt + "--REL\r\nContent-Type: image/png\r\nContent-ID: <shot>\r\nContent-Transfer-Encoding: base64\r\n\r\n" + img + "\r\n--REL--\r\n" +
			"--MIX\r\nContent-Type: application/x-msdownload; name=\"setup.exe\"\r\nContent-Disposition: attachment; filename=\"setup.exe\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			base64.StdEncoding.EncodeToString([]byte("MZ\x90\x00not a real program")) + "\r\n" +
			"--MIX\r\nContent-Type: image/png; name=\"=?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte("영수증.png")) + "?=\"\r\nContent-Disposition: attachment\r\nContent-Transfer-Encoding: base64\r\n\r\n" + img + "\r\n--MIX--\r\n")
	}
	both := "Content-Type: multipart/alternative; boundary=\"ALT\"\r\n\r\n--ALT\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n주문 TX-1001 환불해 주세요 (plain)\r\n" +
		"--ALT\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + htmlPart + "\r\n--ALT--\r\n"
	htmlOnly := "Content-Type: multipart/alternative; boundary=\"ALT\"\r\n\r\n--ALT\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + htmlPart + "\r\n--ALT--\r\n"

	_, d := decideRaw(t, mixed(both), env, facts())
	if d.Outcome != vocdesk.MailInquiry || !strings.HasPrefix(d.Message.Body, "주문 TX-1001 환불해 주세요 (plain)") {
		t.Fatalf("text and HTML: %s %q; want the plain text", d.Outcome, d.Message.Body)
	}
	if len(d.Message.Attachments) != 2 || d.Message.Attachments[1].Filename != "영수증.png" || d.Message.Attachments[0].ContentType != "image/png" {
		t.Errorf("attachments %+v; want the inline image and 영수증.png", d.Message.Attachments)
	}
	if !strings.Contains(d.Message.Body, "setup.exe") || !strings.Contains(d.Problem, "setup.exe") {
		t.Errorf("the refused setup.exe is not named: body %q problem %q", d.Message.Body, d.Problem)
	}
	if d.Inquiry.Category != vocdesk.CategoryRefund {
		t.Errorf("category %s; want refund (환불)", d.Inquiry.Category)
	}

	_, d = decideRaw(t, mixed(htmlOnly), env, facts())
	want := "주문 TX-1001 환불해 주세요\n\n자세히: 주문 내역 <https://example.kr/order> click\n감사합니다[스크린샷]"
	if d.Message == nil || !strings.HasPrefix(d.Message.Body, want) {
		t.Fatalf("HTML only: %q; want %q", d.Message.Body, want)
	}
	for _, bad := range []string{"alert", "color:red", "javascript", "<p>", "<b>"} {
		if strings.Contains(d.Message.Body, bad) {
			t.Errorf("HTML text keeps %q: %q", bad, d.Message.Body)
		}
	}
}

// TestMachineMail: auto-replies, vacation notices, bounces, the desk's own
// mail and the null sender never become inquiries, whatever they say.
func TestMachineMail(t *testing.T) {
	body := []byte("I am out of the office until Monday.\r\n")
	cases := []struct {
		name, headers string
		envFrom       string
		want          vocdesk.MailOutcome
	}{
		{"Auto-Submitted auto-replied", "Subject: Re: 문의\r\nAuto-Submitted: auto-replied\r\n", "minsu@example.kr", vocdesk.MailAutoReply},
		{"Auto-Submitted auto-generated", "Subject: 알림\r\nAuto-Submitted: auto-generated\r\n", "minsu@example.kr", vocdesk.MailAutoReply},
		{"Auto-Submitted no is a person", "Subject: 문의\r\nAuto-Submitted: no\r\n", "minsu@example.kr", vocdesk.MailInquiry},
		{"X-Autoreply", "Subject: Re: 문의\r\nX-Autoreply: yes\r\n", "minsu@example.kr", vocdesk.MailAutoReply},
		{"Precedence bulk", "Subject: newsletter\r\nPrecedence: bulk\r\n", "minsu@example.kr", vocdesk.MailAutoReply},
		{"Precedence junk", "Subject: hi\r\nPrecedence: junk\r\n", "minsu@example.kr", vocdesk.MailAutoReply},
		{"Precedence auto_reply", "Subject: hi\r\nPrecedence: auto_reply\r\n", "minsu@example.kr", vocdesk.MailAutoReply},
		{"Exchange vacation subject", "Subject: Automatic reply: your ticket\r\n", "minsu@example.kr", vocdesk.MailAutoReply},
		{"Korean vacation subject", "Subject: =?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte("자동 회신: 문의")) + "?=\r\n", "minsu@example.kr", vocdesk.MailAutoReply},
		{"null reverse path", "Subject: hello\r\n", "", vocdesk.MailAutoReply},
		{"DSN by content type", "Subject: failure\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n", "", vocdesk.MailBounce},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := env
			e.From = c.envFrom
			_, d := decideRaw(t, build(c.headers, body), e, facts())
			if d.Outcome != c.want {
				t.Errorf("outcome %s; want %s", d.Outcome, c.want)
			}
		})
	}
	own := []byte("From: acme@desk.test\r\nTo: acme@desk.test\r\nSubject: Re: 문의\r\nMessage-ID: <inquiry-4.message-9@desk.test>\r\n\r\nloop\r\n")
	if _, d := decideRaw(t, own, env, facts()); d.Outcome != vocdesk.MailAutoReply {
		t.Errorf("the desk's own mail: %s; want auto_reply", d.Outcome)
	}
	f := facts()
	f.Seen, f.FirstCopy = true, 42
	if _, d := decideRaw(t, build("Subject: again\r\n", body), env, f); d.Outcome != vocdesk.MailDuplicate || d.InquiryID != 42 {
		t.Errorf("a Message-ID seen before: %s %d; want duplicate of 42", d.Outcome, d.InquiryID)
	}
}

func TestISO2022KRRoundTrip(t *testing.T) {
	in := "가나다 abc 한글\n둘째 줄"
	got, ok := decodeISO2022KR(iso2022KR(t, in))
	if !ok || got != in {
		t.Fatalf("%q %v; want %q", got, ok, in)
	}
	if _, ok := decodeISO2022KR([]byte("\x1b$)C\x0e\xff\xff")); ok {
		t.Error("8-bit bytes are not ISO-2022-KR")
	}
	if !bytes.Contains(iso2022KR(t, in), []byte{0x0e}) {
		t.Fatal("the test encoder shifts nothing")
	}
}
