package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// askForm is the customer's question as typed: it is shown again, whole,
// when the store refuses it.
type askForm struct {
	TxID     string
	App      string
	Category string
	Subject  string
	Body     string
	Invalid  []string // fields to mark
	ErrorKey string
}

// IsInvalid reports whether field is marked.
func (f *askForm) IsInvalid(field string) bool { return contains(f.Invalid, field) }

// parseAskForm reads an ask form into the inquiry and its first message.
// It checks what the page can check itself, so the person learns of every
// mistake at once; the service checks everything again.
func parseAskForm(v url.Values) (*askForm, *vocdesk.Inquiry, *vocdesk.Message) {
	f := &askForm{
		TxID:     strings.TrimSpace(v.Get("txid")),
		App:      strings.TrimSpace(v.Get("app")),
		Category: v.Get("category"),
		Subject:  strings.TrimSpace(v.Get("subject")),
		Body:     v.Get("body"),
	}
	if f.TxID != "" && (len(f.TxID) > 64 || !validCursor(f.TxID)) {
		f.Invalid = append(f.Invalid, "txid")
	}
	if f.TxID == "" && !vocdesk.ValidSlug(f.App) {
		f.Invalid = append(f.Invalid, "app")
	}
	if !vocdesk.Category(f.Category).Valid() {
		f.Invalid = append(f.Invalid, "category")
	}
	if f.Subject == "" || len([]rune(f.Subject)) > vocdesk.MaxSubject {
		f.Invalid = append(f.Invalid, "subject")
	}
	if vocdesk.ValidateBody(f.Body) != nil {
		f.Invalid = append(f.Invalid, "body")
	}
	in := &vocdesk.Inquiry{
		Channel:  vocdesk.ChannelStore,
		Category: vocdesk.Category(f.Category),
		Subject:  f.Subject,
		TxID:     f.TxID,
	}
	if f.TxID == "" {
		in.AppSlug = f.App
	}
	return f, in, &vocdesk.Message{Body: f.Body}
}

// askData is the ask page: a question about a purchase or about an app.
type askData struct {
	Form     *askForm
	Purchase *vocdesk.Purchase // nil for a question about an app
	Apps     []*vocdesk.App
	Limits   attachmentLimits
}

// attachmentLimits are shown next to every file input.
type attachmentLimits struct {
	Files int
	MB    int
}

func limits() attachmentLimits {
	return attachmentLimits{Files: vocdesk.MaxAttachments, MB: vocdesk.MaxAttachmentSize >> 20}
}

// myAsk shows the ask form: /my/ask?txid=... about a purchase (also on the
// purchase's page itself), /my/ask?app=... or /my/ask about an app.
func (h *handler) myAsk(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := &askForm{TxID: q.Get("txid"), App: q.Get("app"), Category: q.Get("category")}
	if f.Category == "" || !vocdesk.Category(f.Category).Valid() {
		f.Category = string(vocdesk.CategoryRefund)
		if f.TxID == "" {
			f.Category = string(vocdesk.CategoryBug)
		}
	}
	h.showAsk(w, r, f, http.StatusOK)
}

func (h *handler) showAsk(w http.ResponseWriter, r *http.Request, f *askForm, status int) {
	ctx := r.Context()
	a := vocdesk.ActorFromContext(ctx)
	d := &askData{Form: f, Limits: limits()}
	if f.TxID != "" {
		p, err := h.svc.Purchases.FindPurchaseByTxID(ctx, f.TxID)
		if err != nil || p.CustomerID != a.CustomerID {
			h.notFound(w, r)
			return
		}
		d.Purchase = p
	} else {
		apps, err := h.svc.Developers.FindApps(ctx, vocdesk.AppFilter{Limit: 500})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.Apps = apps
	}
	h.render(w, r, status, viewMyAsk, "ask.title", d)
}

// myAskSubmit creates the inquiry. A refused question comes back with
// everything typed still in the form (files excepted: browsers cannot be
// given a file back) and the reason next to the field.
func (h *handler) myAskSubmit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, in, first := parseAskForm(r.PostForm)
	if len(f.Invalid) > 0 {
		f.ErrorKey = "form.err.fields"
		h.showAsk(w, r, f, http.StatusUnprocessableEntity)
		return
	}
	files, err := readAttachments(r)
	if err == nil {
		first.Attachments = files
		err = h.svc.Inquiries.CreateInquiry(ctx, in, first)
	}
	if err != nil {
		if vocdesk.ErrorCode(err) == vocdesk.ENOTFOUND {
			h.notFound(w, r)
			return
		}
		key := sendErrorKey(err)
		if key == "" {
			h.fail(w, r, err)
			return
		}
		f.ErrorKey = key
		h.showAsk(w, r, f, http.StatusUnprocessableEntity)
		return
	}
	http.Redirect(w, r, "/my/inquiries/"+strconv.FormatInt(in.ID, 10)+"?sent=1", http.StatusSeeOther)
}
