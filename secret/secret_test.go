package secret_test

import (
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/secret"
)

func TestPassword(t *testing.T) {
	h, err := secret.HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q", h)
	}
	if ok, err := secret.VerifyPassword(h, "correct horse"); !ok || err != nil {
		t.Fatalf("right password: %v %v", ok, err)
	}
	if ok, _ := secret.VerifyPassword(h, "correct horsE"); ok {
		t.Fatal("wrong password verified")
	}
	h2, _ := secret.HashPassword("correct horse")
	if h2 == h {
		t.Fatal("two hashes of one password are equal: no salt?")
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA"} {
		if ok, err := secret.VerifyPassword(bad, "x"); ok || err == nil {
			t.Errorf("VerifyPassword(%q) = %v, %v", bad, ok, err)
		}
	}
	if ok, _ := secret.VerifyPassword(h[:len(h)-4], "correct horse"); ok {
		t.Error("a truncated hash verified")
	}
	secret.DummyVerify("anything")
}

func TestTokens(t *testing.T) {
	s := secret.NewSessionToken()
	if !strings.HasPrefix(s, "vds_") || len(s) != 47 {
		t.Fatalf("session token %q", s)
	}
	k, p := secret.NewAPIKey()
	if !strings.HasPrefix(k, p+"_") || len(p) != len("vdk_live_")+8 || len(k) != len(p)+33 {
		t.Fatalf("key %q prefix %q", k, p)
	}
	if got := secret.APIKeyPrefixOf(k); got != p {
		t.Fatalf("APIKeyPrefixOf = %q, want %q", got, p)
	}
	if secret.APIKeyPrefixOf(s) != "" || secret.APIKeyPrefixOf(k+"x") != "" {
		t.Fatal("APIKeyPrefixOf accepted a non-key")
	}
	if secret.Hash(k) == secret.Hash(s) || len(secret.Hash(k)) != 64 {
		t.Fatal("hash")
	}
	seen := map[string]bool{}
	for range 1000 {
		r := secret.RandomString(12)
		if seen[r] {
			t.Fatal("repeated random string")
		}
		seen[r] = true
	}
}
