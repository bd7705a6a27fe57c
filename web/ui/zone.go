package ui

import (
	"net/http"
	"time"
	_ "time/tzdata" // the zones below load on any host, tzdata installed or not
)

// zoneCookie keeps the viewer's time zone, a display preference like the
// language.
const zoneCookie = "tz"

// zoneNames are the time zones a viewer may pick: where the store, its
// customers and the developers who sell on it work. The first is the
// default, the store's own.
var zoneNames = []string{
	"Asia/Seoul", "UTC", "Asia/Tokyo", "Asia/Shanghai", "Asia/Singapore", "Asia/Kolkata",
	"Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Australia/Sydney",
}

// zones are the loaded locations of zoneNames.
type zones map[string]*time.Location

func loadZones() (zones, error) {
	z := make(zones, len(zoneNames))
	for _, name := range zoneNames {
		loc, err := time.LoadLocation(name)
		if err != nil {
			return nil, err
		}
		z[name] = loc
	}
	return z, nil
}

// pick is the viewer's zone: the footer's choice, else the store's.
func (z zones) pick(r *http.Request) *time.Location {
	if c, err := r.Cookie(zoneCookie); err == nil {
		if loc, ok := z[c.Value]; ok {
			return loc
		}
	}
	return z[zoneNames[0]]
}

// setZone stores the viewer's time zone and goes back to the page the
// footer's form was on. Like the language switch it is a GET that changes
// nothing but a display preference, so it works signed in or not.
func (h *handler) setZone(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("tz")
	if _, ok := h.zones[name]; !ok {
		h.notFound(w, r)
		return
	}
	http.SetCookie(w, h.cookie(zoneCookie, name, h.now().AddDate(1, 0, 0)))
	http.Redirect(w, r, localNext(r.URL.Query().Get("next"), "", "/"), http.StatusSeeOther)
}

// ZoneName is the IANA name of the page's zone, for the footer's choice.
func (t tr) ZoneName() string { return t.loc.String() }

// Zones are the zones the footer offers.
func (t tr) Zones() []string { return zoneNames }
