package mail

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
)

// facts is a developer with one app and no history: what a first message
// from a stranger meets.
func facts() *vocdesk.MailFacts {
	return &vocdesk.MailFacts{DeveloperID: 1, Apps: []vocdesk.MailApp{{ID: 7, Slug: "puzzle", Name: "Puzzle"}}}
}

var env = Envelope{From: "sender@example.com", Recipient: "acme@desk.test", Domain: "desk.test"}

// decideRaw runs the whole intake decision on raw bytes, as the SMTP
// listener does.
func decideRaw(t *testing.T, raw []byte, e Envelope, f *vocdesk.MailFacts) (*vocdesk.InboundMail, *vocdesk.MailDecision) {
	t.Helper()
	in, decide := Prepare(raw, e)
	return in, decide(f)
}

// TestRealMail runs every real-world message of testdata/ (collected by the
// enmime project from real clients and real breakage) through the intake,
// one by one: each ends as the inquiry, bounce or kept-unparsed message it
// should, with the words a reader would expect and the files the desk's
// attachment rules keep.
func TestRealMail(t *testing.T) {
	cases := []struct {
		file    string
		outcome vocdesk.MailOutcome
		text    string // the inquiry's first message contains this
		kept    int    // attachments kept on the message
	}{
		{"dsn/delayed_dsn.raw", vocdesk.MailBounce, "", 0},
		{"dsn/dsn_with_multipart_alternative.raw", vocdesk.MailBounce, "", 0},
		{"dsn/multi_recipient_dsn.raw", vocdesk.MailBounce, "", 0},
		{"dsn/simple_dsn.raw", vocdesk.MailBounce, "", 0},
		{"dsn/simple_dsn_with_html.raw", vocdesk.MailBounce, "", 0},
		{"wellformed-and-odd/multipart-wo-boundary.raw", vocdesk.MailBounce, "", 0},

		{"low-quality/bad-header-start.raw", vocdesk.MailUnparsed, "", 0},
		{"wellformed-and-odd/erroneous.raw", vocdesk.MailUnparsed, "", 0},
		{"wellformed-and-odd/header-only.raw", vocdesk.MailUnparsed, "", 0},

		{"low-quality/bad-final-boundary.raw", vocdesk.MailInquiry, "A text section", 0},
		{"low-quality/bad-header-wrap.raw", vocdesk.MailInquiry, "A text section", 0},
		{"low-quality/empty-header.raw", vocdesk.MailInquiry, "An HTML section", 0},
		{"low-quality/html-only-inline.raw", vocdesk.MailInquiry, "Test of HTML section", 1},
		{"low-quality/incorrect-charset.raw", vocdesk.MailInquiry, "Using Unicode/UTF-8, you", 0},
		{"low-quality/malformed-base64-attach.raw", vocdesk.MailInquiry, "A text section", 0},
		{"low-quality/missing-content-type.raw", vocdesk.MailInquiry, "A plain text email", 0},
		{"low-quality/missing-content-type2.raw", vocdesk.MailInquiry, "An HTML section", 0},
		{"low-quality/unk-charset-html-only.raw", vocdesk.MailInquiry, "Hello World!", 0},
		{"low-quality/unk-charset-part.raw", vocdesk.MailInquiry, "A text section", 0},
		{"low-quality/unk-encoding-part.raw", vocdesk.MailInquiry, "A text section", 0},
		{"wellformed-and-odd/attachment-application.raw", vocdesk.MailInquiry, "A text section", 0},
		{"wellformed-and-odd/attachment-octet.raw", vocdesk.MailInquiry, "A text section", 0},
		{"wellformed-and-odd/attachment-only-inline-quoted-printable.raw", vocdesk.MailInquiry, "Just some html content", 0},
		{"wellformed-and-odd/attachment-only-inline.raw", vocdesk.MailInquiry, "no text", 1},
		{"wellformed-and-odd/attachment-only-no-disposition.raw", vocdesk.MailInquiry, "no text", 1},
		{"wellformed-and-odd/attachment-only-text-attachment.raw", vocdesk.MailInquiry, "test.csv (text/plain)", 0},
		{"wellformed-and-odd/attachment-only.raw", vocdesk.MailInquiry, "no text", 1},
		{"wellformed-and-odd/attachment.raw", vocdesk.MailInquiry, "A text section", 0},
		{"wellformed-and-odd/ctype-bug.raw", vocdesk.MailInquiry, "What's next? Head over t", 0},
		{"wellformed-and-odd/epilogue-sample.raw", vocdesk.MailInquiry, "A text section", 0},
		{"wellformed-and-odd/html-mime-bad-charset-inline.raw", vocdesk.MailInquiry, "Test of text section", 1},
		{"wellformed-and-odd/html-mime-bad-unknown-charset-inline.raw", vocdesk.MailInquiry, "Test of text section", 1},
		{"wellformed-and-odd/html-mime-inline.raw", vocdesk.MailInquiry, "Test of text section", 1},
		{"wellformed-and-odd/html-only-inline.raw", vocdesk.MailInquiry, "Test of HTML section", 1},
		{"wellformed-and-odd/inlinemultipart.raw", vocdesk.MailInquiry, "Simple text.", 1},
		{"wellformed-and-odd/malformed-multiple-address-header-values.raw", vocdesk.MailInquiry, "Simple text.", 1},
		{"wellformed-and-odd/mime-alternative.raw", vocdesk.MailInquiry, "Section two", 0},
		{"wellformed-and-odd/mime-bad-8bit-filename.raw", vocdesk.MailInquiry, "Text part", 0},
		{"wellformed-and-odd/mime-bad-content-transfer-encoding.raw", vocdesk.MailInquiry, "ploozdect  nispplul swun", 0},
		{"wellformed-and-odd/mime-bad-content-type.raw", vocdesk.MailInquiry, "Thank you for booking wi", 1},
		{"wellformed-and-odd/mime-blank-media-name.raw", vocdesk.MailInquiry, "Thank you for booking wi", 1},
		{"wellformed-and-odd/mime-duplicate-param.raw", vocdesk.MailInquiry, "Thank you for booking wi", 1},
		{"wellformed-and-odd/mime-mixed-related.raw", vocdesk.MailInquiry, "html1", 0},
		{"wellformed-and-odd/mime-mixed.raw", vocdesk.MailInquiry, "Section one", 0},
		{"wellformed-and-odd/mime-signed.raw", vocdesk.MailInquiry, "Section one", 0},
		{"wellformed-and-odd/mime-unquoted-tspecials-param.raw", vocdesk.MailInquiry, "Thank you for booking wi", 1},
		{"wellformed-and-odd/non-mime-html-charset-header-only.raw", vocdesk.MailInquiry, "Test Müller", 0},
		{"wellformed-and-odd/non-mime-html.raw", vocdesk.MailInquiry, "This\nis\na\ntest\nmailing", 0},
		{"wellformed-and-odd/non-mime-missing-charset.raw", vocdesk.MailInquiry, "Unencoded Euro Sign: €", 0}, // U+0080 read as Windows-1252
		{"wellformed-and-odd/non-mime.raw", vocdesk.MailInquiry, "This is a test mailing", 0},
		{"wellformed-and-odd/other-multi-related.raw", vocdesk.MailInquiry, "Plain text.", 2},
		{"wellformed-and-odd/other-parts.raw", vocdesk.MailInquiry, "A text section", 1},
		{"wellformed-and-odd/qp-ascii-header.raw", vocdesk.MailInquiry, "This is a test mailing", 0},
		{"wellformed-and-odd/qp-utf8-header-no-break.raw", vocdesk.MailInquiry, "Lorem ipsum dolor sit am", 0},
		{"wellformed-and-odd/qp-utf8-header-recursed.raw", vocdesk.MailInquiry, "Lorem ipsum dolor sit am", 0},
		{"wellformed-and-odd/qp-utf8-header.raw", vocdesk.MailInquiry, "Lorem ipsum dolor sit am", 0},
		{"wellformed-and-odd/quoted-printable-mime.raw", vocdesk.MailInquiry, "Lorem ipsum dolor sit am", 0},
		{"wellformed-and-odd/quoted-printable.raw", vocdesk.MailInquiry, "Lorem ipsum dolor sit am", 0},
		{"wellformed-and-odd/unknown-part-type.raw", vocdesk.MailInquiry, "A text section", 1},
	}
	all, _ := filepath.Glob("testdata/*/*.raw")
	if len(all) != len(cases) {
		t.Fatalf("%d files in testdata, %d cases: every real message needs its case", len(all), len(cases))
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			_, d := decideRaw(t, raw, env, facts())
			if d.Outcome != c.outcome {
				t.Fatalf("outcome %s (%s); want %s", d.Outcome, d.Problem, c.outcome)
			}
			switch c.outcome {
			case vocdesk.MailInquiry:
				if d.Inquiry == nil || d.Message == nil {
					t.Fatal("an inquiry outcome without its inquiry and message")
				}
				if err := d.Inquiry.Validate(); err != nil {
					t.Errorf("the inquiry breaks the desk's rules: %v", err)
				}
				if err := vocdesk.ValidateBody(d.Message.Body); err != nil {
					t.Errorf("the message breaks the desk's rules: %v", err)
				}
				if !strings.Contains(d.Message.Body, c.text) {
					t.Errorf("body %q does not contain %q", d.Message.Body, c.text)
				}
				if got := len(d.Message.Attachments); got != c.kept {
					t.Errorf("%d attachments kept; want %d", got, c.kept)
				}
				if d.Inquiry.Channel != vocdesk.ChannelEmail || d.Inquiry.ContactEmail == "" || d.Inquiry.AppID != 7 {
					t.Errorf("inquiry %+v: want channel email, the sender's address, app 7", d.Inquiry)
				}
			case vocdesk.MailUnparsed:
				if d.Problem == "" {
					t.Error("an unparsed message must say why")
				}
			}
		})
	}
}
