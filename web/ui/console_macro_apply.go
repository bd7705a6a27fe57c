package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// inquiryMacro applies a macro to the inquiry on its page.
func (h *handler) inquiryMacro(w http.ResponseWriter, r *http.Request) {
	id, ok := inquiryID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	// The inquiry first: another developer's is not found, whatever the
	// form says.
	if _, err := h.svc.Inquiries.FindInquiryByID(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	macroID, err := strconv.ParseInt(r.PostForm.Get("macro"), 10, 64)
	if err != nil || macroID <= 0 {
		h.renderError(w, r, http.StatusBadRequest, "error.invalid")
		return
	}
	results, err := h.svc.Automation.ApplyMacro(r.Context(), macroID, []int64{id})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	back := "/console/inquiries/" + strconv.FormatInt(id, 10)
	if res := results[0]; res.Code != "" {
		if res.Code == vocdesk.ENOTFOUND {
			h.notFound(w, r)
			return
		}
		h.redirect(w, r, back, flash{Kind: "error", Key: "automation.macro_failed", Args: []string{h.tr(r).Refusal(macroRefusal(res))}})
		return
	}
	h.redirect(w, r, back, flash{Key: "automation.macro_applied"})
}

// inboxBulkMacro applies a macro to the inquiries checked in the inbox:
// each gets all of it or none, and the flash names those that failed.
func (h *handler) inboxBulkMacro(w http.ResponseWriter, r *http.Request) {
	var ids []int64
	for _, s := range r.PostForm["id"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			h.renderError(w, r, http.StatusBadRequest, "error.invalid")
			return
		}
		ids = append(ids, id)
	}
	back := localBack(r.PostForm.Get("back"), "/console/inquiries")
	macroID, err := strconv.ParseInt(r.PostForm.Get("macro"), 10, 64)
	if err != nil || macroID <= 0 {
		h.renderError(w, r, http.StatusBadRequest, "error.invalid")
		return
	}
	if len(ids) == 0 {
		h.redirect(w, r, back, flash{Kind: "info", Key: "flash.bulk_none"})
		return
	}
	results, err := h.svc.Automation.ApplyMacro(r.Context(), macroID, ids)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	applied := 0
	var failed []string
	t := h.tr(r)
	for _, res := range results {
		if res.Code == "" {
			applied++
		} else {
			failed = append(failed, fmt.Sprintf("#%d (%s)", res.InquiryID, t.Refusal(macroRefusal(res))))
		}
	}
	switch {
	case len(failed) == 0:
		h.redirect(w, r, back, flash{Key: "automation.bulk_applied", Args: []string{strconv.Itoa(applied)}})
		return
	case applied == 0:
		// "applied to 0 inquiries, not to 2" reads oddly: none took it.
		h.redirect(w, r, back, flash{Kind: "error", Key: "automation.macro_failed", Args: []string{strings.Join(failed, ", ")}})
		return
	}
	h.redirect(w, r, back, flash{Kind: "error", Key: "automation.bulk_partial",
		Args: []string{strconv.Itoa(applied), strconv.Itoa(len(failed)), strings.Join(failed, ", ")}})
}

// inquiryPriority sets the inquiry's priority by hand.
func (h *handler) inquiryPriority(w http.ResponseWriter, r *http.Request) {
	id, ok := inquiryID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	if err := h.svc.Automation.SetPriority(r.Context(), id, vocdesk.Priority(r.PostForm.Get("priority"))); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/console/inquiries/"+strconv.FormatInt(id, 10), flash{Key: "flash.inquiry_saved"})
}
