package ui

import (
	"testing"

	"github.com/vocdesk/vocdesk"
)

// thread is a customer's question (1), the agent Alex's reply (2), a note
// by Jae (3), a system event (4), Jae's reply (5) and the customer again (6).
var thread = []*vocdesk.Message{
	{ID: 1, Author: vocdesk.AuthorCustomer, AuthorID: 9, AuthorName: "김민지"},
	{ID: 2, Author: vocdesk.AuthorDeveloper, AuthorID: 1, AuthorName: "Alex"},
	{ID: 3, Author: vocdesk.AuthorDeveloper, AuthorID: 2, AuthorName: "Jae", Internal: true},
	{ID: 4, Author: vocdesk.AuthorSystem},
	{ID: 5, Author: vocdesk.AuthorDeveloper, AuthorID: 2, AuthorName: "Jae"},
	{ID: 6, Author: vocdesk.AuthorCustomer, AuthorID: 9, AuthorName: "김민지"},
}

func TestNewerReply(t *testing.T) {
	alex := &vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: 1, MemberID: 1}
	jae := &vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: 1, MemberID: 2}
	key := &vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: 1} // no member
	for _, tc := range []struct {
		a    *vocdesk.Actor
		msgs []*vocdesk.Message
		seen int64
		want string
	}{
		{alex, thread, 6, ""},
		{alex, thread, 7, ""},
		{alex, thread, 5, "김민지"},     // the customer wrote again
		{alex, thread[:5], 2, "Jae"}, // Jae replied; the note and the event do not count
		{alex, thread[:4], 1, ""},    // only Alex's own reply, a note and an event
		{jae, thread[:5], 3, ""},     // Jae's own reply
		{jae, thread[:2], 1, "Alex"}, // Alex replied
		{key, thread[:2], 1, "Alex"}, // a member-less actor owns no reply
		{alex, nil, 0, ""},
	} {
		if got := newerReply(tc.msgs, tc.a, tc.seen); got != tc.want {
			t.Errorf("member %d, %d messages, seen %d: %q, want %q", tc.a.MemberID, len(tc.msgs), tc.seen, got, tc.want)
		}
	}
}

// FuzzReplyGuard checks the form's "seen" on any text: it parses to a
// non-negative id or 0 (no check), and the rule on the thread names
// nobody once everything was seen.
func FuzzReplyGuard(f *testing.F) {
	for _, s := range []string{"", "0", "5", "-1", "9223372036854775807", "9223372036854775808", "1e3", " 4", "٣"} {
		f.Add(s)
	}
	alex := &vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: 1, MemberID: 1}
	f.Fuzz(func(t *testing.T, raw string) {
		seen := parseSeen(raw)
		if seen < 0 {
			t.Fatalf("parseSeen(%q) = %d", raw, seen)
		}
		who := newerReply(thread, alex, seen)
		if seen >= 6 && who != "" {
			t.Fatalf("seen %d (from %q) names %q", seen, raw, who)
		}
		if seen > 0 && seen < 6 && who == "" {
			t.Fatalf("seen %d (from %q): the customer's last message is newer, yet nobody is named", seen, raw)
		}
	})
}
