package mail

import "testing"

func TestStripQuoted(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"gmail english":                 {"Still not there.\n\nOn Mon, Dec 1, 2026 at 10:00 AM Acme <acme@desk.test> wrote:\n> We refunded it.\n> Thanks", "Still not there."},
		"gmail korean":                  {"아직 안 들어왔어요.\n\n2026년 12월 1일 (월) 오전 10:00, 퍼즐 <acme+i4@desk.test>님이 작성:\n> 환불해 드렸습니다.", "아직 안 들어왔어요."},
		"outlook":                       {"Thanks!\r\n\r\n-----Original Message-----\r\nFrom: Acme\r\nSent: Monday\r\n\r\nWe refunded it.", "Thanks!"},
		"naver":                         {"감사합니다\n\n-----원본 메시지-----\n보낸 사람: 퍼즐 <acme@desk.test>\n환불해 드렸습니다.", "감사합니다"},
		"quoted tail":                   {"ok\n> earlier\n>\n> text", "ok"},
		"inline answers keep the quote": {"> Did it arrive?\nNo, it did not.\n> Which item?\nThe gems.", "> Did it arrive?\nNo, it did not.\n> Which item?\nThe gems."},
		"only a quote stays whole":      {"> We refunded it.", "> We refunded it."},
		"no quote":                      {"Hello\nworld", "Hello\nworld"},
		"From: on the first line stays": {"From: my phone\nit broke", "From: my phone\nit broke"},
	}
	for name, c := range cases {
		if got := StripQuoted(c.in); got != c.want {
			t.Errorf("%s: %q; want %q", name, got, c.want)
		}
	}
}
