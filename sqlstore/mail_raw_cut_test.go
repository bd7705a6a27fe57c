package sqlstore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// pdfBytes is n random bytes that sniff as a PDF.
func pdfBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	_, err := rand.Read(b)
	must(t, err)
	copy(b, "%PDF-1.4\n")
	return b
}

// wrapBase64 encodes b in lines of line characters joined by brk.
func wrapBase64(b []byte, line int, brk string) string {
	s := base64.StdEncoding.EncodeToString(b)
	var out []string
	for len(s) > line {
		out = append(out, s[:line])
		s = s[line:]
	}
	return strings.Join(append(out, s), brk)
}

func part(name, body string) string {
	return "--B\r\nContent-Type: application/pdf; name=\"" + name + "\"\r\nContent-Disposition: attachment; filename=\"" + name +
		"\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + body + "\r\n"
}

// TestMailRawCut: attachments stored with the inquiry are cut out of the
// stored raw message when their encoding is exactly base64 in lines of one
// length (the same file twice is cut twice), and left in when it is not;
// the raw message read back is the one received, byte for byte, before and
// after migration 146 is undone and done again.
func TestMailRawCut(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newDeskFixture(t, db)
		svc := sqlstore.NewMailService(db)
		a, b, c := pdfBytes(t, 40<<10), pdfBytes(t, 30<<10), pdfBytes(t, 20<<10)
		odd := wrapBase64(c, 72, "\r\n")
		odd = strings.Replace(odd, "\r\n", " \r\n", 1) // a stray space: kept as sent
		raw := msg("minji.kim@example.com", "영수증", "cut1@example.com", "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n",
			"--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n영수증 첨부합니다\r\n"+
				part("a.pdf", wrapBase64(a, 76, "\r\n"))+part("again.pdf", wrapBase64(a, 76, "\r\n"))+
				part("b.pdf", wrapBase64(b, 64, "\r\n"))+part("c.pdf", odd)+"--B--\r\n")
		rec := deliver(t, svc, "dev-a@desk.test", "minji.kim@example.com", raw)
		if rec.Outcome != vocdesk.MailInquiry {
			t.Fatalf("outcome %+v", rec)
		}
		stored, cuts, err := db.StoredRawForTest(ctx, rec.ID)
		must(t, err)
		if n := strings.Count(cuts, `"file"`); n != 3 {
			t.Fatalf("%d attachments cut, want 3 (a twice, b): %s", n, cuts)
		}
		if want := len(raw) - 2*len(wrapBase64(a, 76, "\r\n")) - len(wrapBase64(b, 64, "\r\n")); len(stored) != want {
			t.Fatalf("stored %d bytes, want %d", len(stored), want)
		}
		check := func(when string) {
			t.Helper()
			_, got, err := svc.FindMailRaw(f.asAgentA, rec.ID)
			must(t, err)
			if !bytes.Equal(got, []byte(raw)) {
				t.Fatalf("%s: the raw message read back (%d bytes) is not the one received (%d)", when, len(got), len(raw))
			}
		}
		check("stored cut")
		_, msgs, err := f.inq.FindThread(f.asAgentA, rec.InquiryID)
		must(t, err)
		files := msgs[0].Attachments
		if len(files) != 4 {
			t.Fatalf("%d attachments", len(files))
		}
		for i, want := range [][]byte{a, a, b, c} {
			got, err := f.inq.FindAttachment(f.asAgentA, files[i].ID)
			must(t, err)
			if !bytes.Equal(got.Data, want) {
				t.Fatalf("attachment %d changed", i)
			}
		}

		// A reply's attachment, LF line breaks.
		reply := strings.ReplaceAll(msg("minji.kim@example.com", "Re: 영수증", "cut2@example.com",
			"References: <cut1@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n",
			"--B\r\nContent-Type: text/plain\r\n\r\nand this one\r\n"+part("b.pdf", wrapBase64(b, 76, "\r\n"))+"--B--\r\n"), "\r\n", "\n")
		rrec := deliver(t, svc, "dev-a@desk.test", "minji.kim@example.com", reply)
		if rrec.Outcome != vocdesk.MailReply {
			t.Fatalf("reply %+v", rrec)
		}
		if _, cuts, err := db.StoredRawForTest(ctx, rrec.ID); err != nil || !strings.Contains(cuts, `"crlf":false`) {
			t.Fatalf("reply's cuts %q %v", cuts, err)
		}
		if _, got, err := svc.FindMailRaw(f.asAgentA, rrec.ID); err != nil || string(got) != reply {
			t.Fatalf("reply read back: %v", err)
		}

		must(t, db.MigrateDownToForTest(ctx, 145))
		stored, _, err = db.StoredRawForTest(ctx, rec.ID)
		must(t, err)
		if !bytes.Equal(stored, []byte(raw)) {
			t.Fatalf("undone: stored raw %d bytes, want the %d received", len(stored), len(raw))
		}
		must(t, db.Migrate(ctx))
		check("migrated again")
	})
}
