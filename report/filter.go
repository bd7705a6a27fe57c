package report

import (
	"time"

	"github.com/vocdesk/vocdesk"
)

// DefaultDays is the range a report covers when no from is given: the
// last 30 days in Seoul, today included.
const DefaultDays = 30

// Query is a report's filter as people send it: days in Seoul ("" for the
// defaults), an app's slug, a developer's slug (operators).
type Query struct {
	From, To, App, Developer string
}

// Filter turns q into a filter at now: to defaults to today in Seoul and
// from to DefaultDays-1 days before to; both are inclusive days. A slug is
// taken as given (not found is the storage's answer), but it must look
// like one, so that no odd byte reaches a query or a page.
func (q Query) Filter(now time.Time) (vocdesk.ReportFilter, error) {
	var f vocdesk.ReportFilter
	today := now.In(vocdesk.Seoul).Format(time.DateOnly)
	to := q.To
	if to == "" {
		to = today
	}
	end, err := ParseDay(to)
	if err != nil {
		return f, err
	}
	from := q.From
	if from == "" {
		from = end.AddDate(0, 0, -(DefaultDays - 1)).Format(time.DateOnly)
	}
	if f.From, f.To, err = Range(from, to); err != nil {
		return f, err
	}
	for _, s := range []string{q.App, q.Developer} {
		if s != "" && !vocdesk.ValidSlug(s) {
			return f, vocdesk.Errorf(vocdesk.EINVALID, "%q is not a slug", s)
		}
	}
	f.AppSlug, f.DeveloperSlug = q.App, q.Developer
	return f, f.Validate()
}

// Dates gives the filter's days back as a form shows them: from and to,
// inclusive.
func Dates(f vocdesk.ReportFilter) (from, to string) {
	return f.From.In(vocdesk.Seoul).Format(time.DateOnly), f.To.Add(-time.Microsecond).In(vocdesk.Seoul).Format(time.DateOnly)
}
