package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/survey"
)

// The survey page: where a survey mail's links lead. It works without
// signing in (the token in the path is the credential) and changes nothing
// when opened: the link preselects a rating, and only the form's post
// records it, so a mail scanner that follows every link rates nothing.
const viewSurvey view = "survey"

// surveyRoutes adds the survey page to mux: public, like the login forms.
func (h *handler) surveyRoutes(mux *pageMux) {
	// Written out (survey.Path is "/rate/") so the page tenancy walk finds them.
	mux.HandleFunc("GET /rate/{token}", h.surveyPage)
	mux.HandleFunc("POST /rate/{token}", h.surveyRate)
}

// surveyData is the survey page.
type surveyData struct {
	S        *vocdesk.Survey
	Action   string // the form's own path
	Chosen   int    // the rating preselected
	Comment  string
	Done     bool   // the rating was just recorded
	Final    string // why the rating can no longer change, a catalog key
	ErrorKey string
}

// Choices are the ratings, best first (see myInquiryData.Choices).
func (d *surveyData) Choices() []int { return []int{5, 4, 3, 2, 1} }

// Label is a rating's word, for the stars' accessible names.
func (p *page) RatingLabel(n int) string { return p.T("survey.label." + strconv.Itoa(n)) }

func (h *handler) surveyPage(w http.ResponseWriter, r *http.Request) {
	if h.svc.Surveys == nil {
		h.notFound(w, r)
		return
	}
	s, err := h.svc.Surveys.FindSurvey(r.Context(), r.PathValue("token"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &surveyData{S: s, Done: r.URL.Query().Get("done") == "1", Chosen: s.Rating, Comment: s.Comment}
	if n, err := strconv.Atoi(r.URL.Query().Get("rating")); err == nil && n >= 1 && n <= 5 {
		d.Chosen = n
	}
	h.showSurvey(w, r, d, http.StatusOK)
}

func (h *handler) showSurvey(w http.ResponseWriter, r *http.Request, d *surveyData, status int) {
	d.Action = survey.Path + url.PathEscape(r.PathValue("token"))
	switch {
	case d.S.Open == nil:
	case d.S.Status != vocdesk.InquiryResolved && d.S.Status != vocdesk.InquiryClosed:
		d.Final = "survey.not_resolved"
	case d.S.Status == vocdesk.InquiryClosed:
		d.Final = "survey.final_closed"
	default:
		d.Final = "survey.final_window"
	}
	// The page holds a credential in its address: no cache keeps it.
	w.Header().Set("Cache-Control", "no-store")
	h.render(w, r, status, viewSurvey, "survey.title", d)
}

func (h *handler) surveyRate(w http.ResponseWriter, r *http.Request) {
	if h.svc.Surveys == nil {
		h.notFound(w, r)
		return
	}
	token := r.PathValue("token")
	rating, err := strconv.Atoi(r.PostForm.Get("rating"))
	comment := strings.TrimSpace(r.PostForm.Get("comment"))
	if err != nil || rating < 1 || rating > 5 || vocdesk.ValidRatingComment(comment) != nil {
		s, ferr := h.svc.Surveys.FindSurvey(r.Context(), token)
		if ferr != nil {
			h.fail(w, r, ferr)
			return
		}
		h.showSurvey(w, r, &surveyData{S: s, Chosen: s.Rating, Comment: comment, ErrorKey: "survey.choose"}, http.StatusUnprocessableEntity)
		return
	}
	if _, err := h.svc.Surveys.RateBySurvey(r.Context(), token, rating, comment); err != nil {
		switch vocdesk.ErrorCode(err) {
		case vocdesk.ECONFLICT, vocdesk.EUNPROCESSABLE:
			// Final or reopened meanwhile: the page says which.
			s, ferr := h.svc.Surveys.FindSurvey(r.Context(), token)
			if ferr != nil {
				h.fail(w, r, ferr)
				return
			}
			h.showSurvey(w, r, &surveyData{S: s, Chosen: s.Rating, Comment: s.Comment}, http.StatusConflict)
		default:
			h.fail(w, r, err)
		}
		return
	}
	// Post, redirect, get: a reload shows the thanks and posts nothing.
	http.Redirect(w, r, survey.Path+url.PathEscape(token)+"?done=1", http.StatusSeeOther)
}
