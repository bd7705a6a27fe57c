package webhooks

import (
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestVerify(t *testing.T) {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"handle":"fan","message":"안녕하세요"}`)
	sig, err := Sign(secret, "msg_1", now, body)
	if err != nil {
		t.Fatal(err)
	}
	headers := func(id string, at time.Time, sig string) http.Header {
		h := http.Header{}
		h.Set("webhook-id", id)
		h.Set("webhook-timestamp", strconv.FormatInt(at.Unix(), 10))
		h.Set("webhook-signature", sig)
		return h
	}
	cases := []struct {
		name string
		h    http.Header
		body []byte
		want error
	}{
		{"good", headers("msg_1", now, sig), body, nil},
		{"one of several, other versions ignored", headers("msg_1", now, "v2,abc v1,AAAA "+sig), body, nil},
		{"within tolerance", headers("msg_1", now, sig), body, nil},
		{"no headers", http.Header{}, body, ErrMissingHeaders},
		{"tampered body", headers("msg_1", now, sig), []byte(`{"handle":"fan","message":"x"}`), ErrBadSignature},
		{"another id", headers("msg_2", now, sig), body, ErrBadSignature},
		{"stale", headers("msg_1", now.Add(-6*time.Minute), sig), body, ErrStaleTimestamp},
		{"future", headers("msg_1", now.Add(6*time.Minute), sig), body, ErrStaleTimestamp},
		{"signature without version", headers("msg_1", now, sig[3:]), body, ErrBadSignature},
	}
	for _, c := range cases {
		_, err := Verify(secret, c.h, c.body, now, Tolerance)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	h := headers("msg_1", now, sig)
	h.Set("webhook-timestamp", "soon")
	if _, err := Verify(secret, h, body, now, Tolerance); !errors.Is(err, ErrBadTimestamp) {
		t.Errorf("bad timestamp: %v", err)
	}
	// A signature made for a timestamp is bound to it.
	if _, err := Verify(secret, headers("msg_1", now.Add(time.Second), sig), body, now, Tolerance); !errors.Is(err, ErrBadSignature) {
		t.Errorf("moved timestamp: %v", err)
	}
}
