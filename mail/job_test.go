package mail_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/mail"
)

// senderFunc is a Sender whose answer a test chooses: the relay's side is
// the edge of the world here, and TestRelaySends covers the real one.
type senderFunc func() (string, error)

func (f senderFunc) SendID(context.Context, *vocdesk.Mail) (string, error) { return f() }

// recorder keeps the last delivery recorded per message.
type recorder map[int64]vocdesk.MailDelivery

func (r recorder) RecordDelivery(_ context.Context, d *vocdesk.MailDelivery) error {
	r[d.MessageRef] = *d
	return nil
}

func (r recorder) FindDeliveries(context.Context, int64) (map[int64]*vocdesk.MailDelivery, error) {
	return nil, nil
}

// TestJobStates: each attempt's outcome becomes the answer's delivery
// state, and the job runner is told whether to retry.
func TestJobStates(t *testing.T) {
	payload, _ := json.Marshal(&vocdesk.Mail{To: "minsu@example.kr", Subject: "s", Text: "t", InquiryID: 4, MessageRef: 9})
	temp := errors.New("451 busy")
	cases := []struct {
		name    string
		err     error
		attempt int
		state   vocdesk.MailState
		retry   bool // the runner retries
	}{
		{"sent", nil, 1, vocdesk.MailSent, false},
		{"busy relay", temp, 1, vocdesk.MailRetrying, true},
		{"out of attempts", temp, mail.JobAttempts, vocdesk.MailFailed, true},
		{"refused", &mail.PermanentError{Err: errors.New("550 no such user")}, 1, vocdesk.MailFailed, false},
		{"no relay configured", mail.ErrNotSent, 1, vocdesk.MailFailed, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := recorder{}
			k := mail.JobKind(senderFunc(func() (string, error) { return "id@desk.test", c.err }), rec, "", nil)
			err := k.Handler(context.Background(), &vocdesk.Job{Kind: vocdesk.JobSendMail, Payload: payload, Attempt: c.attempt})
			d := rec[9]
			if d.State != c.state || d.Attempts != c.attempt || (c.err != nil) != (d.LastError != "") {
				t.Errorf("recorded %+v; want %s", d, c.state)
			}
			switch {
			case c.err == nil || errors.Is(c.err, mail.ErrNotSent):
				if err != nil {
					t.Errorf("handler %v; want done", err)
				}
			case c.retry && !errors.Is(err, temp):
				t.Errorf("handler %v; want a retry", err)
			case !c.retry && err == nil:
				t.Errorf("handler nil; want a permanent failure")
			}
		})
	}
	if err := mail.JobKind(senderFunc(func() (string, error) { return "", nil }), recorder{}, "", nil).Handler(context.Background(),
		&vocdesk.Job{Payload: []byte("{")}); err == nil {
		t.Error("a bad payload is accepted")
	}
}

// senderRecorder is a Sender that keeps what it was given.
type senderRecorder struct{ got *vocdesk.Mail }

func (s *senderRecorder) SendID(_ context.Context, m *vocdesk.Mail) (string, error) {
	s.got = m
	return "id@desk.test", nil
}

// A mail's link to a page of the desk (a mention) goes out on the server's
// public URL: a path alone is no link in a mail client.
func TestJobLink(t *testing.T) {
	payload, _ := json.Marshal(&vocdesk.Mail{To: "admin@a.example", Subject: "mentioned", Text: "에이전트 A:\n\n@Admin 확인 부탁해요\n",
		Link: "/console/inquiries/12#m3"})
	s := &senderRecorder{}
	if err := mail.JobKind(s, nil, "https://desk.example.com/", nil).Handler(context.Background(),
		&vocdesk.Job{Kind: vocdesk.JobSendMail, Payload: payload, Attempt: 1}); err != nil {
		t.Fatal(err)
	}
	if want := "에이전트 A:\n\n@Admin 확인 부탁해요\n\nhttps://desk.example.com/console/inquiries/12#m3\n"; s.got == nil || s.got.Text != want {
		t.Fatalf("sent %+v, want text %q", s.got, want)
	}
}
