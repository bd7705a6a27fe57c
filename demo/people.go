package demo

import (
	"fmt"
	"math/rand/v2"
)

// Korean family and given names with the romanisation people use in their
// email addresses.
var (
	koFamily = [][2]string{
		{"김", "kim"}, {"이", "lee"}, {"박", "park"}, {"최", "choi"}, {"정", "jung"}, {"강", "kang"}, {"조", "cho"},
		{"윤", "yoon"}, {"장", "jang"}, {"임", "lim"}, {"한", "han"}, {"오", "oh"}, {"서", "seo"}, {"신", "shin"},
		{"권", "kwon"}, {"황", "hwang"}, {"안", "ahn"}, {"송", "song"}, {"류", "ryu"}, {"홍", "hong"},
	}
	koGiven = [][2]string{
		{"민준", "minjun"}, {"서연", "seoyeon"}, {"지호", "jiho"}, {"하윤", "hayun"}, {"도윤", "doyun"}, {"서윤", "seoyun"},
		{"예준", "yejun"}, {"지우", "jiwoo"}, {"시우", "siwoo"}, {"하은", "haeun"}, {"주원", "juwon"}, {"수아", "sua"},
		{"지민", "jimin"}, {"민서", "minseo"}, {"현우", "hyunwoo"}, {"지유", "jiyu"}, {"준서", "junseo"}, {"채원", "chaewon"},
		{"건우", "gunwoo"}, {"윤서", "yunseo"}, {"유진", "yujin"}, {"예린", "yerin"}, {"태윤", "taeyun"}, {"소율", "soyul"},
	}
	enFirst = []string{
		"Emma", "Liam", "Olivia", "Noah", "Ava", "James", "Sophia", "Lucas", "Mia", "Ethan", "Amelia", "Mason",
		"Harper", "Logan", "Ella", "Jack", "Chloe", "Daniel", "Grace", "Ryan", "Zoe", "Nathan", "Lily", "Owen",
	}
	enLast = []string{
		"Smith", "Johnson", "Brown", "Taylor", "Wilson", "Martin", "Anderson", "Thompson", "Walker", "Wright",
		"Clark", "Lewis", "Hall", "Young", "Allen", "King", "Scott", "Green", "Baker", "Adams", "Nguyen", "Garcia",
	}
)

// customer is a demo store account.
type customer struct {
	Name, Email, Phone, Locale string
}

// DefaultCustomers is the size of the demo customer base; most of the
// store's customers are Korean, every third is not.
const (
	DefaultCustomers = 200
	koreanEvery      = 3
)

// customers returns n demo accounts (at least two). The first two are
// fixed, so the printed logins stay the same whatever the seed.
func customers(r *rand.Rand, n int) []customer {
	cs := make([]customer, 0, n)
	cs = append(cs,
		customer{"김민지", "minji.kim@mail.example", "010-2345-6789", "ko"},
		customer{"Emma Wilson", "emma.wilson@mail.example", "+1 415-555-0142", "en"},
	)
	for i := len(cs); i < n; i++ {
		if i%koreanEvery != 1 {
			f, g := koFamily[r.IntN(len(koFamily))], koGiven[r.IntN(len(koGiven))]
			cs = append(cs, customer{
				Name:   f[0] + g[0],
				Email:  fmt.Sprintf("%s.%s%03d@mail.example", g[1], f[1], i),
				Phone:  fmt.Sprintf("010-%04d-%04d", 2000+r.IntN(8000), r.IntN(10000)),
				Locale: "ko",
			})
			continue
		}
		first, last := enFirst[r.IntN(len(enFirst))], enLast[r.IntN(len(enLast))]
		phone := fmt.Sprintf("+1 %d-555-01%02d", []int{212, 415, 646, 206, 312}[r.IntN(5)], r.IntN(100))
		if r.IntN(3) == 0 {
			phone = fmt.Sprintf("+44 20 7946 0%03d", r.IntN(1000))
		}
		cs = append(cs, customer{
			Name:   first + " " + last,
			Email:  fmt.Sprintf("%s.%s%03d@mail.example", lower(first), lower(last), i),
			Phone:  phone,
			Locale: "en",
		})
	}
	return cs
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
