package desk

import (
	"slices"
	"strings"
	"testing"
)

var team = []Teammate{
	{ID: 1, Name: "Min"},
	{ID: 2, Name: "Minji Park"},
	{ID: 3, Name: "김민지"},
	{ID: 4, Name: "Jae"},
	{ID: 5, Name: "   "},
}

func TestMentions(t *testing.T) {
	for _, tc := range []struct {
		body string
		want []int64
	}{
		{"", nil},
		{"no mentions here", nil},
		{"@Min please look", []int64{1}},
		{"@minji park and @MIN", []int64{2, 1}},
		{"cc @Minji Park, @Jae.", []int64{2, 4}},
		{"@Jae @Jae @jae", []int64{4}},
		{"mail jae@Jae.example", nil},   // an address, not a mention
		{"@Jaelyn is not Jae", nil},     // a Latin name needs a boundary
		{"@김민지님 확인 부탁드립니다", []int64{3}}, // a particle after a Hangul name
		{"@김민지가 처리", []int64{3}},
		{"(@Min)", []int64{1}},
		{"@", nil},
		{"@@Min", []int64{1}},
		{"@   ", nil}, // a blank name matches nothing
		{"@Ｍin", nil},
		{"@Min\x00", []int64{1}},
		{"\xff@Min", []int64{1}}, // invalid bytes before the @
	} {
		if got := Mentions(tc.body, team); !slices.Equal(got, tc.want) {
			t.Errorf("Mentions(%q) = %v, want %v", tc.body, got, tc.want)
		}
	}
	if got := Mentions("@Min", nil); got != nil {
		t.Errorf("no team: %v", got)
	}
}

// FuzzMentions checks the parser on any note: it never panics, names only
// teammates, each once, and always finds a teammate named alone at the
// start of the note.
func FuzzMentions(f *testing.F) {
	for _, s := range []string{"@Min hi", "@김민지님", "a@b.c", "@Minji Park, @Jae", "@\xff\xfe", "@@@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		got := Mentions(body, team)
		seen := map[int64]bool{}
		for _, id := range got {
			if id < 1 || id > 4 || seen[id] {
				t.Fatalf("Mentions(%q) = %v: not a teammate, or twice", body, got)
			}
			seen[id] = true
		}
		if !strings.Contains(body, "@") && len(got) > 0 {
			t.Fatalf("Mentions(%q) = %v without an @", body, got)
		}
		if !slices.Contains(Mentions("@Jae "+body, team), 4) {
			t.Fatalf("a note starting with @Jae does not mention Jae: %q", body)
		}
	})
}
