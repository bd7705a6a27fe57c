package ui

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/text/language"

	"github.com/vocdesk/vocdesk"
)

//go:embed i18n/*.json
var i18nFS embed.FS

const (
	langCookie  = "lang"
	defaultLang = "en"
)

// supported lists the languages with a catalog, the fallback first: a
// browser that asks for neither Korean nor English gets English.
var supported = []language.Tag{language.English, language.Korean}

// catalog holds the messages of every language, keyed "area.name".
type catalog struct {
	msgs    map[string]map[string]string
	matcher language.Matcher
}

// loadCatalog reads i18n/<lang>.json and refuses to start unless every
// language has exactly the same keys, so no page can show a raw key.
func loadCatalog() (*catalog, error) {
	c := &catalog{msgs: make(map[string]map[string]string), matcher: language.NewMatcher(supported)}
	for _, tag := range supported {
		lang := tag.String()
		b, err := i18nFS.ReadFile("i18n/" + lang + ".json")
		if err != nil {
			return nil, fmt.Errorf("ui: catalog %s: %w", lang, err)
		}
		m := make(map[string]string)
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("ui: catalog %s: %w", lang, err)
		}
		c.msgs[lang] = m
	}
	ref := c.msgs[defaultLang]
	for lang, m := range c.msgs {
		for k := range ref {
			if m[k] == "" {
				return nil, fmt.Errorf("ui: catalog %s lacks %q", lang, k)
			}
		}
		for k := range m {
			if _, ok := ref[k]; !ok {
				return nil, fmt.Errorf("ui: catalog %s has %q, which %s lacks", lang, k, defaultLang)
			}
		}
	}
	return c, nil
}

func (c *catalog) has(lang string) bool { _, ok := c.msgs[lang]; return ok }

// pick chooses the language of a request: the switcher's cookie, else the
// browser's Accept-Language.
func (c *catalog) pick(r *http.Request) string {
	if ck, err := r.Cookie(langCookie); err == nil && c.has(ck.Value) {
		return ck.Value
	}
	_, i := language.MatchStrings(c.matcher, r.Header.Get("Accept-Language"))
	return supported[i].String()
}

// kst is Korea Standard Time, the zone of pages answered before a viewer's
// zone is known (a cross-origin post refused ahead of the session). Korea
// has kept UTC+9 without daylight saving since 1988, so a fixed zone is
// exact.
var kst = time.FixedZone("KST", 9*60*60)

// translator speaks lang and shows times in loc (nil: KST).
func (c *catalog) translator(lang string, loc *time.Location) tr {
	if !c.has(lang) {
		lang = defaultLang
	}
	if loc == nil {
		loc = kst
	}
	return tr{Lang: lang, msgs: c.msgs[lang], loc: loc}
}

// tr is the translator of the request's page: its language and its
// viewer's zone.
func (h *handler) tr(r *http.Request) tr {
	st := stateFrom(r)
	return h.cat.translator(st.lang, st.loc)
}

// tr translates and formats for one language. Pages in both languages show
// times in the viewer's zone, Korea Standard Time unless they picked
// another in the footer (zone.go): that is where the store, its customers
// and its business hours are, and an English page showing UTC put a
// purchase made at 08:00 in Seoul on the day before. Every time names its
// zone ("KST"), and the footer says it.
type tr struct {
	Lang string
	msgs map[string]string
	loc  *time.Location
}

// T returns the message for key, formatted with args. A missing key shows up
// as [[key]] so tests (and people) notice it.
func (t tr) T(key string, args ...any) string {
	s, ok := t.msgs[key]
	if !ok {
		return "[[" + key + "]]"
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Time formats an instant for people: "2025-03-10 17:33 KST".
func (t tr) Time(tm time.Time) string {
	if tm.IsZero() {
		return ""
	}
	return tm.In(t.loc).Format("2006-01-02 15:04 MST")
}

// Date formats the day of an instant in the page's zone, as date inputs want.
func (t tr) Date(tm time.Time) string {
	if tm.IsZero() {
		return ""
	}
	return tm.In(t.loc).Format(time.DateOnly)
}

// ISO is the machine-readable instant for <time datetime>.
func (t tr) ISO(tm time.Time) string { return tm.UTC().Format(time.RFC3339) }

// Zone names the zone times on this page are shown in.
func (t tr) Zone() string { return time.Now().In(t.loc).Format("MST") }

// Money renders an amount with its currency: "1,200 KRW".
func (t tr) Money(m vocdesk.Money) string { return m.String() }

// Method and Status name a payment method and a purchase status.
func (t tr) Method(m vocdesk.Method) string         { return t.T("method." + string(m)) }
func (t tr) Status(s vocdesk.PurchaseStatus) string { return t.T("status." + string(s)) }
func (t tr) Role(r vocdesk.Role) string             { return t.T("role." + string(r)) }

// setLang stores the language choice and goes back to the page it came from.
// It is a GET link rather than a form so that it works on every page, signed
// in or not; it changes nothing but a display preference.
func (h *handler) setLang(w http.ResponseWriter, r *http.Request) {
	lang := r.PathValue("lang")
	if !h.cat.has(lang) {
		h.notFound(w, r)
		return
	}
	c := h.cookie(langCookie, lang, h.now().AddDate(1, 0, 0))
	http.SetCookie(w, c)
	http.Redirect(w, r, localNext(r.URL.Query().Get("next"), "", "/"), http.StatusSeeOther)
}
