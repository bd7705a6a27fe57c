package ui

import (
	"strings"
	"testing"
)

// A flash opens only under the session that sealed it, and carries its
// secret only encrypted.
func TestFlashSealedToSession(t *testing.T) {
	f := flash{Key: "flash.key_created", Args: []string{"ci"}, ID: 7, Secret: "vd_live_abcdefghijklmnop"}
	sealed, ok := sealFlash("session-one", f)
	if !ok {
		t.Fatal("sealing failed")
	}
	if strings.Contains(sealed, "abcdefghijklmnop") || strings.Contains(sealed, "flash.key_created") {
		t.Fatalf("the sealed flash shows its content: %s", sealed)
	}
	got := openFlash("session-one", sealed)
	if got == nil || got.Secret != f.Secret || got.ID != 7 || got.Key != f.Key || got.Args[0] != "ci" {
		t.Fatalf("opened %+v", got)
	}
	if openFlash("session-two", sealed) != nil {
		t.Error("another session opened the flash")
	}
	if _, ok := sealFlash("", f); ok {
		t.Error("a flash was sealed without a session")
	}
	if openFlash("", sealed) != nil {
		t.Error("a flash opened without a session")
	}
	// Two seals of one flash differ (a fresh nonce each time).
	again, _ := sealFlash("session-one", f)
	if again == sealed {
		t.Error("the nonce was reused")
	}
}

// FuzzOpenFlash: the cookie is outside data; nothing in it may panic or
// open without the session's key.
func FuzzOpenFlash(f *testing.F) {
	good, _ := sealFlash("s", flash{Key: "flash.reply_sent"})
	for _, s := range []string{good, "", "AAAA", good[:len(good)-2], strings.Repeat("A", 40), "%%%", good + "A"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cookie string) {
		// The one flash ever sealed under "s" is the seed's (each fuzz
		// worker seals its own copy): anything else that opens is forged.
		if got := openFlash("s", cookie); got != nil && (got.Key != "flash.reply_sent" || got.Secret != "") {
			t.Fatalf("a forged cookie %q opened: %+v", cookie, got)
		}
		_ = openFlash("other", cookie)
	})
}
