package survey

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

var (
	testKey = bytes.Repeat([]byte{7}, 32)
	now     = time.Date(2026, 3, 10, 1, 30, 0, 0, time.UTC)
)

func TestTokenRoundTrip(t *testing.T) {
	tok := Sign(testKey, 42, now.Add(time.Hour))
	if len(tok) != tokenLen {
		t.Fatalf("token %q is %d characters, want %d", tok, len(tok), tokenLen)
	}
	id, err := Open(testKey, tok, now)
	if err != nil || id != 42 {
		t.Fatalf("Open = %d, %v", id, err)
	}
}

// Every way to break a token answers the same ErrInvalid.
func TestTokenRefused(t *testing.T) {
	good := Sign(testKey, 42, now.Add(time.Hour))
	raw, _ := base64.RawURLEncoding.DecodeString(good)
	flip := func(i int) string {
		b := bytes.Clone(raw)
		b[i] ^= 1
		return base64.RawURLEncoding.EncodeToString(b)
	}
	otherKey := bytes.Repeat([]byte{8}, 32)
	cases := map[string]struct {
		key []byte
		tok string
		at  time.Time
	}{
		"empty":           {testKey, "", now},
		"expired":         {testKey, good, now.Add(time.Hour)},
		"long expired":    {testKey, good, now.Add(40 * 24 * time.Hour)},
		"other key":       {otherKey, good, now},
		"short key":       {testKey[:16], Sign(testKey[:16], 42, now.Add(time.Hour)), now},
		"id changed":      {testKey, flip(8), now},
		"expiry changed":  {testKey, flip(16), now},
		"mac changed":     {testKey, flip(rawLen - 1), now},
		"version changed": {testKey, flip(0), now},
		"truncated":       {testKey, good[:len(good)-1], now},
		"extended":        {testKey, good + "A", now},
		"padded":          {testKey, good + "=", now},
		"zero id":         {testKey, Sign(testKey, 0, now.Add(time.Hour)), now},
		"negative id":     {testKey, Sign(testKey, -5, now.Add(time.Hour)), now},
		"not base64":      {testKey, strings.Repeat("!", tokenLen), now},
	}
	for name, c := range cases {
		if id, err := Open(c.key, c.tok, c.at); err != ErrInvalid {
			t.Errorf("%s: Open = %d, %v; want ErrInvalid", name, id, err)
		}
	}
}

// FuzzOpen: no input makes Open panic, and whatever it accepts is a token
// Sign makes for the same inquiry (it cannot be forged by mutation).
func FuzzOpen(f *testing.F) {
	f.Add(Sign(testKey, 42, now.Add(time.Hour)))
	f.Add(Sign(testKey, 1, now.Add(30*24*time.Hour)))
	f.Add("")
	f.Add(strings.Repeat("A", tokenLen))
	f.Fuzz(func(t *testing.T, tok string) {
		id, err := Open(testKey, tok, now)
		if err != nil {
			if err != ErrInvalid || id != 0 {
				t.Fatalf("Open(%q) = %d, %v", tok, id, err)
			}
			return
		}
		raw, _ := base64.RawURLEncoding.DecodeString(tok)
		exp := time.Unix(int64(uint64(raw[9])<<56|uint64(raw[10])<<48|uint64(raw[11])<<40|uint64(raw[12])<<32|
			uint64(raw[13])<<24|uint64(raw[14])<<16|uint64(raw[15])<<8|uint64(raw[16])), 0)
		if Sign(testKey, id, exp) != tok {
			t.Fatalf("Open accepted %q, which Sign does not make", tok)
		}
	})
}
