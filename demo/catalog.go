package demo

// studio is a developer of the demo store with its apps, and the format of
// its own order ids (TIDs): every developer names its orders its own way,
// which is why reconciliation needs both TxID and TID.
type studio struct {
	Slug, Name, Email string
	Korean            bool   // members have Korean names; items are priced in KRW
	TIDFormat         string // see tidFor
	Apps              []app
	Members           [4]person // owner, admin, agent, viewer
}

type app struct {
	Slug, Name string
	Items      []item
}

// item is priced in minor units of the studio's currency (KRW or USD cents).
type item struct {
	SKU, Name string
	Price     int64
}

type person struct{ Name string }

// studios is the demo marketplace: two Korean studios pricing in KRW and two
// international ones pricing in USD, ten apps in all.
var studios = []studio{
	{
		Slug: "hanbit-games", Name: "한빛게임즈 (Hanbit Games)", Email: "cs@hanbit-games.example", Korean: true, TIDFormat: "hanbit",
		Members: [4]person{{"박지훈"}, {"이수민"}, {"최윤아"}, {"정다은"}},
		Apps: []app{
			{"star-quest", "스타 퀘스트", []item{
				{"gems-60", "다이아 60개", 1200}, {"gems-330", "다이아 330개", 5900}, {"gems-1100", "다이아 1100개", 19000},
				{"season-pass", "시즌 패스", 9900}, {"starter-pack", "초보자 패키지", 3300},
			}},
			{"dragon-saga", "드래곤 사가", []item{
				{"gold-chest", "황금 상자", 2500}, {"dragon-egg", "전설의 드래곤 알", 11000},
				{"vip-30d", "VIP 30일", 33000}, {"energy-refill", "에너지 충전", 1100},
			}},
			{"puzzle-garden", "퍼즐 가든", []item{
				{"hearts-5", "하트 5개", 990}, {"ad-free", "광고 제거", 4400}, {"booster-pack", "부스터 팩", 2200},
			}},
		},
	},
	{
		Slug: "pixel-forge", Name: "Pixel Forge Studios", Email: "support@pixelforge.example", TIDFormat: "pixel",
		Members: [4]person{{"Aino Virtanen"}, {"Mikko Laine"}, {"Sara Lindqvist"}, {"Jonas Berg"}},
		Apps: []app{
			{"tiny-tactics", "Tiny Tactics", []item{
				{"full-game", "Full game unlock", 499}, {"commander-pack", "Commander pack", 199},
				{"gold-500", "500 gold", 99}, {"gold-3000", "3,000 gold", 499},
			}},
			{"sky-racers", "Sky Racers", []item{
				{"coins-1000", "1,000 coins", 99}, {"turbo-kit", "Turbo kit", 299},
				{"legend-car", "Legendary car", 999}, {"season-pass", "Season pass", 499},
			}},
			{"word-bloom", "Word Bloom", []item{
				{"hint-pack", "Hint pack", 99}, {"premium-month", "Premium (1 month)", 299}, {"no-ads", "Remove ads", 399},
			}},
		},
	},
	{
		Slug: "dalbit-apps", Name: "달빛앱스 (Dalbit Apps)", Email: "help@dalbit-apps.example", Korean: true, TIDFormat: "dalbit",
		Members: [4]person{{"김하늘"}, {"윤서준"}, {"한예린"}, {"오민석"}},
		Apps: []app{
			{"dalbit-diary", "달빛 다이어리", []item{
				{"premium-1m", "프리미엄 1개월", 2900}, {"premium-1y", "프리미엄 1년", 29000}, {"sticker-pack", "감성 스티커 팩", 1500},
			}},
			{"kkuljam-sound", "꿀잠 사운드", []item{
				{"nature-pack", "자연의 소리 팩", 3300}, {"lifetime", "평생 이용권", 15000},
			}},
		},
	},
	{
		Slug: "bluewhale-labs", Name: "Blue Whale Labs", Email: "hello@bluewhale-labs.example", TIDFormat: "bluewhale",
		Members: [4]person{{"Wei Ling Tan"}, {"Arjun Menon"}, {"Grace Lim"}, {"Daniel Ong"}},
		Apps: []app{
			{"lingo-cards", "Lingo Cards", []item{
				{"korean-course", "Korean course", 799}, {"pro-monthly", "Pro (monthly)", 499}, {"pro-yearly", "Pro (yearly)", 3999},
			}},
			{"fit-pulse", "FitPulse", []item{
				{"coach-monthly", "Coach (monthly)", 999}, {"workout-pack", "Workout pack", 299},
			}},
		},
	},
}

func (s *studio) currency() string {
	if s.Korean {
		return "KRW"
	}
	return "USD"
}
