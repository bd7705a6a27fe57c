package sqlstore_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

func pngBytes() []byte {
	return append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0}, 64)...)
}

func TestAttachments(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newDeskFixture(t, db)
		in := f.ask(t, f.custA, "TXA1", "", "s", "b")
		add := func(files ...*vocdesk.Attachment) error {
			return f.inq.AddMessage(f.asCust, in.ID, &vocdesk.Message{Body: "첨부", Attachments: files})
		}
		ok := map[string][]byte{
			"image/png":       pngBytes(),
			"image/jpeg":      append([]byte("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"), make([]byte, 32)...),
			"image/gif":       []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
			"image/webp":      []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00"),
			"application/pdf": []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"),
		}
		for want, data := range ok {
			// The sender's label is ignored: the bytes decide.
			file := &vocdesk.Attachment{Filename: "../../etc/\"x\".bin", ContentType: "text/html", Data: data}
			must(t, add(file))
			if file.ContentType != want || file.Filename != "x.bin" {
				t.Errorf("stored as %s %q, want %s x.bin", file.ContentType, file.Filename, want)
			}
		}
		bad := map[string][]byte{
			"html":       []byte("<!DOCTYPE html><html><script>alert(1)</script>"),
			"html later": []byte("   <html><body onload=alert(1)>"),
			"svg":        []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
			"exe":        append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 64)...),
			"elf":        []byte("\x7fELF\x02\x01\x01\x00"),
			"zip":        []byte("PK\x03\x04\x14\x00\x00\x00"),
			"text":       []byte("just some text"),
		}
		for name, data := range bad {
			err := add(&vocdesk.Attachment{Filename: name, ContentType: "image/png", Data: data})
			wantCode(t, err, vocdesk.EUNPROCESSABLE)
			if !strings.Contains(vocdesk.ErrorMessage(err), "only PNG, JPEG") {
				t.Errorf("%s: message %q does not say what is accepted", name, vocdesk.ErrorMessage(err))
			}
		}
		big := append(pngBytes(), make([]byte, vocdesk.MaxAttachmentSize)...)
		wantCode(t, add(&vocdesk.Attachment{Filename: "big.png", Data: big}), vocdesk.ETOOLARGE)
		wantCode(t, add(&vocdesk.Attachment{Filename: "empty.png"}), vocdesk.EINVALID)
		six := make([]*vocdesk.Attachment, vocdesk.MaxAttachments+1)
		for k := range six {
			six[k] = &vocdesk.Attachment{Filename: "p.png", Data: pngBytes()}
		}
		wantCode(t, add(six...), vocdesk.EINVALID)
		must(t, add(six[:vocdesk.MaxAttachments]...))

		// Metadata comes with the thread, bytes only from FindAttachment;
		// a note's files are the developer's.
		note := &vocdesk.Message{Body: "내부 캡처", Internal: true, Attachments: []*vocdesk.Attachment{{Filename: "log.pdf", Data: ok["application/pdf"]}}}
		must(t, f.inq.AddMessage(f.asAgentA, in.ID, note))
		// The thread reads a row per file: each message still comes once,
		// in order, with its own files.
		for _, c := range []struct {
			who          context.Context
			msgs, nfiles int
		}{{f.asCust, 1 + len(ok) + 1, len(ok) + vocdesk.MaxAttachments}, {f.asAgentA, 1 + len(ok) + 2, len(ok) + vocdesk.MaxAttachments + 1}} {
			msgs, err := f.inq.FindMessages(c.who, in.ID)
			must(t, err)
			files := 0
			for k, m := range msgs {
				if k > 0 && m.ID <= msgs[k-1].ID {
					t.Fatalf("message %d after %d", m.ID, msgs[k-1].ID)
				}
				for _, a := range m.Attachments {
					files++
					if a.Data != nil || a.Size == 0 || a.ContentType == "" || a.MessageID != m.ID {
						t.Fatalf("thread attachment %+v of message %d", a, m.ID)
					}
				}
			}
			if len(msgs) != c.msgs || files != c.nfiles {
				t.Fatalf("thread holds %d messages and %d files, want %d and %d", len(msgs), files, c.msgs, c.nfiles)
			}
		}
		_, err := f.inq.FindAttachment(f.asCust, note.Attachments[0].ID)
		wantCode(t, err, vocdesk.ENOTFOUND)
		got, err := f.inq.FindAttachment(f.asAgentA, note.Attachments[0].ID)
		must(t, err)
		if got.ContentType != "application/pdf" || !bytes.Equal(got.Data, ok["application/pdf"]) {
			t.Fatalf("note attachment %s", got.ContentType)
		}
	})
}
