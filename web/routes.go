package web

import (
	"net/http"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// realmSet says which realms may use a route. Tenancy inside a route is the
// services' business (they scope by the actor); the set only keeps a realm
// away from routes that are not meant for it at all.
type realmSet uint8

func realms(rs ...vocdesk.Realm) realmSet {
	var s realmSet
	for _, r := range rs {
		s |= realmBit(r)
	}
	return s
}

func realmBit(r vocdesk.Realm) realmSet {
	switch r {
	case vocdesk.RealmCustomer:
		return 1
	case vocdesk.RealmDeveloper:
		return 2
	case vocdesk.RealmOperator:
		return 4
	}
	return 0
}

func (s realmSet) has(r vocdesk.Realm) bool { return s&realmBit(r) != 0 }

// The realm sets routes use. public routes need no credentials at all.
var (
	public    realmSet = 0
	operators          = realms(vocdesk.RealmOperator)
	staff              = realms(vocdesk.RealmOperator, vocdesk.RealmDeveloper)
	customers          = realms(vocdesk.RealmCustomer)
	signedIn           = realms(vocdesk.RealmCustomer, vocdesk.RealmDeveloper, vocdesk.RealmOperator)
)

// route is one line of the route table: the one list the mux, the OpenAPI
// test and the tenancy test all read, so none of them can miss a route.
type route struct {
	method string
	path   string   // a Go 1.22 ServeMux path, which is also its OpenAPI path
	realms realmSet // who may call it; public: anyone, without credentials
	json   bool     // a JSON API route: errors are JSON, credentials are checked
	handle func(w http.ResponseWriter, r *http.Request) error
}

func (rt route) pattern() string { return rt.method + " " + rt.path }

// routes is the route table. Keep it sorted by path, then method.
func (s *Server) routes() []route {
	return []route{
		{"GET", "/healthz", public, false, s.healthz},
		{"GET", "/readyz", public, false, s.readyz},
		{"GET", "/metrics", public, false, s.serveMetrics},

		{"GET", "/api/v1/apps", staff, true, s.listApps},
		{"POST", "/api/v1/apps", operators, true, s.createApp},
		{"GET", "/api/v1/apps/{slug}/reviews", public, true, s.listAppReviews},
		{"GET", "/api/v1/availability", developersOnly, true, s.listAvailability},
		{"PUT", "/api/v1/availability", developersOnly, true, s.putAvailability},
		{"GET", "/api/v1/attachments/{id}", signedIn, true, s.getAttachment},
		{"GET", "/api/v1/audit", staff, true, s.listAudit},
		{"POST", "/api/v1/auth/token", public, true, s.createToken},
		{"DELETE", "/api/v1/auth/token", signedIn, true, s.deleteToken},
		{"POST", "/api/v1/calls", operators, true, s.createCall},
		{"GET", "/api/v1/canned-replies", developersOnly, true, s.listCannedReplies},
		{"POST", "/api/v1/canned-replies", developersOnly, true, s.createCannedReply},
		{"PUT", "/api/v1/canned-replies/{id}", developersOnly, true, s.putCannedReply},
		{"DELETE", "/api/v1/canned-replies/{id}", developersOnly, true, s.deleteCannedReply},
		{"POST", "/api/v1/customers", operators, true, s.createCustomer},
		{"POST", "/api/v1/cancellation-batches", developersOnly, true, s.createCancellationBatch},
		{"GET", "/api/v1/cancellation-batches/template.csv", developersOnly, true, s.cancellationBatchTemplateCSV},
		{"GET", "/api/v1/cancellation-batches/template.xlsx", developersOnly, true, s.cancellationBatchTemplateXLSX},
		{"GET", "/api/v1/cancellation-batches/{id}", developersOnly, true, s.getCancellationBatch},
		{"GET", "/api/v1/cancellation-batches/{id}/results.csv", developersOnly, true, s.exportCancellationBatch},
		{"GET", "/api/v1/cancellation-requests", staff, true, s.listCancellations},
		{"GET", "/api/v1/cancellation-requests/{id}", staff, true, s.getCancellation},
		{"POST", "/api/v1/cancellation-requests/{id}/approve", operators, true, s.approveCancellation},
		{"POST", "/api/v1/cancellation-requests/{id}/reject", operators, true, s.rejectCancellation},
		{"POST", "/api/v1/cancellation-requests/{id}/retry", operators, true, s.retryCancellation},
		{"GET", "/api/v1/customers/{id}", staff, true, s.getCustomer},
		{"GET", "/api/v1/deliveries", staff, true, s.listServerDeliveries},
		{"POST", "/api/v1/deliveries", developersOnly, true, s.pushDeliveries},
		{"GET", "/api/v1/developers", staff, true, s.listDevelopers},
		{"POST", "/api/v1/developers", operators, true, s.createDeveloper},
		{"GET", "/api/v1/developers/{slug}", staff, true, s.getDeveloper},
		{"GET", "/api/v1/developers/{slug}/members", staff, true, s.listMembers},
		{"POST", "/api/v1/developers/{slug}/members", staff, true, s.createMember},
		{"GET", "/api/v1/developers/{slug}/imap", staff, true, s.getIMAPMailbox},
		{"PUT", "/api/v1/developers/{slug}/imap", staff, true, s.putIMAPMailbox},
		{"DELETE", "/api/v1/developers/{slug}/imap", staff, true, s.deleteIMAPMailbox},
		{"GET", "/api/v1/developers/{slug}/notes", operators, true, s.listDeveloperNotes},
		{"POST", "/api/v1/developers/{slug}/notes", operators, true, s.createDeveloperNote},
		{"GET", "/api/v1/escalations", operators, true, s.listEscalations},
		{"GET", "/api/v1/escalations/counts", operators, true, s.listEscalationCounts},
		{"PUT", "/api/v1/escalations/deadline", operators, true, s.putEscalationDeadline},
		{"GET", "/api/v1/holidays", signedIn, true, s.listHolidays},
		{"POST", "/api/v1/holidays", operators, true, s.createHoliday},
		{"DELETE", "/api/v1/holidays/{date}", operators, true, s.deleteHoliday},
		{"GET", "/api/v1/inquiries", staff, true, s.listInquiries},
		{"POST", "/api/v1/inquiries", staff, true, s.createInquiry},
		{"POST", "/api/v1/inquiries/bulk", staff, true, s.bulkInquiries},
		{"GET", "/api/v1/inquiries/counts", staff, true, s.countInquiries},
		{"GET", "/api/v1/inquiries/{id}", staff, true, s.getInquiry},
		{"PATCH", "/api/v1/inquiries/{id}", staff, true, s.patchInquiry},
		{"POST", "/api/v1/inquiries/{id}/notes", staff, true, s.noteInquiry},
		{"GET", "/api/v1/inquiries/{id}/priority", staff, true, s.getPriority},
		{"PUT", "/api/v1/inquiries/{id}/priority", developersOnly, true, s.putPriority},
		{"POST", "/api/v1/inquiries/{id}/replies", staff, true, s.replyInquiry},
		{"POST", "/api/v1/inquiries/{id}/contact-merge", staff, true, s.mergeContact},
		{"POST", "/api/v1/inquiries/{id}/merge", staff, true, s.mergeInquiry},
		{"POST", "/api/v1/inquiries/{id}/merge/undo", staff, true, s.undoMerge},
		{"GET", "/api/v1/inquiries/{id}/merges", staff, true, s.listMerges},
		{"GET", "/api/v1/inquiries/{id}/snooze", staff, true, s.getSnooze},
		{"PUT", "/api/v1/inquiries/{id}/snooze", staff, true, s.putSnooze},
		{"DELETE", "/api/v1/inquiries/{id}/snooze", staff, true, s.deleteSnooze},
		{"POST", "/api/v1/intake/social", public, true, s.socialIntake},
		{"POST", "/api/v1/items", operators, true, s.createItem},
		{"GET", "/api/v1/macros", developersOnly, true, s.listMacros},
		{"POST", "/api/v1/macros", developersOnly, true, s.createMacro},
		{"GET", "/api/v1/macros/{id}", developersOnly, true, s.getMacro},
		{"PUT", "/api/v1/macros/{id}", developersOnly, true, s.putMacro},
		{"DELETE", "/api/v1/macros/{id}", developersOnly, true, s.deleteMacro},
		{"POST", "/api/v1/macros/{id}/apply", developersOnly, true, s.applyMacro},
		{"GET", "/api/v1/mail/messages", staff, true, s.listMailMessages},
		{"GET", "/api/v1/mail/messages/{id}", staff, true, s.getMailMessage},
		{"GET", "/api/v1/mail/messages/{id}/raw", staff, true, s.getMailRaw},
		{"GET", "/api/v1/keys", staff, true, s.listKeys},
		{"POST", "/api/v1/keys", operators, true, s.createKey},
		{"DELETE", "/api/v1/keys/{id}", staff, true, s.revokeKey},
		{"GET", "/api/v1/me", customers, true, s.getMe},
		{"GET", "/api/v1/me/inquiries", customers, true, s.listMyInquiries},
		{"POST", "/api/v1/me/inquiries", customers, true, s.createMyInquiry},
		{"GET", "/api/v1/me/inquiries/{id}", customers, true, s.getMyInquiry},
		{"POST", "/api/v1/me/inquiries/{id}/messages", customers, true, s.addMyMessage},
		{"POST", "/api/v1/me/inquiries/{id}/rating", customers, true, s.rateMyInquiry},
		{"POST", "/api/v1/me/inquiries/{id}/solve", customers, true, s.solveMyInquiry},
		{"GET", "/api/v1/me/purchases", customers, true, s.listMyPurchases},
		{"GET", "/api/v1/me/purchases/{txid}", customers, true, s.getMyPurchase},
		{"GET", "/api/v1/me/reviews", customers, true, s.listMyReviews},
		{"POST", "/api/v1/me/reviews", customers, true, s.createMyReview},
		{"PUT", "/api/v1/me/reviews/{id}", customers, true, s.updateMyReview},
		{"GET", "/api/v1/openapi.json", public, true, s.openAPI},
		{"GET", "/api/v1/purchases", staff, true, s.listPurchases},
		{"POST", "/api/v1/purchases", operators, true, s.createPurchase},
		{"GET", "/api/v1/purchases/{txid}", staff, true, s.getPurchase},
		{"POST", "/api/v1/purchases/{txid}/cancellation-requests", staff, true, s.createCancellation},
		{"POST", "/api/v1/purchases/{txid}/chargebacks", operators, true, s.createChargeback},
		{"POST", "/api/v1/purchases/{txid}/deliveries", staff, true, s.markDelivered},
		{"GET", "/api/v1/purchases/{txid}/reconciliation", staff, true, s.getPurchaseReconciliation},
		{"GET", "/api/v1/reconciliation-settings", developersOnly, true, s.getReconSettings},
		{"PUT", "/api/v1/reconciliation-settings", developersOnly, true, s.putReconSettings},
		{"GET", "/api/v1/reconciliations", staff, true, s.listReconciliations},
		{"POST", "/api/v1/reconciliations", developersOnly, true, s.createReconciliation},
		{"GET", "/api/v1/reconciliations/{id}", staff, true, s.getReconciliation},
		{"GET", "/api/v1/reconciliations/{id}/exceptions", staff, true, s.listReconExceptions},
		{"GET", "/api/v1/reconciliations/{id}/exceptions.csv", staff, true, s.exportReconExceptions},
		{"GET", "/api/v1/refund-policy", operators, true, s.getRefundPolicy},
		{"GET", "/api/v1/rules", developersOnly, true, s.listRules},
		{"POST", "/api/v1/rules", developersOnly, true, s.createRule},
		{"POST", "/api/v1/rules/dry-run", developersOnly, true, s.dryRunRule},
		{"GET", "/api/v1/rules/{id}", developersOnly, true, s.getRule},
		{"PUT", "/api/v1/rules/{id}", developersOnly, true, s.putRule},
		{"DELETE", "/api/v1/rules/{id}", developersOnly, true, s.deleteRule},
		{"GET", "/api/v1/reports/inquiries", staff, true, s.getInquiryReport},
		{"GET", "/api/v1/reports/refunds", staff, true, s.getRefundReport},
		{"GET", "/api/v1/review-reports", operators, true, s.listReviewReports},
		{"GET", "/api/v1/reviews", staff, true, s.listReviews},
		{"GET", "/api/v1/reviews/{id}", staff, true, s.getReview},
		{"POST", "/api/v1/reviews/{id}/helpful", customers, true, s.markHelpful},
		{"POST", "/api/v1/reviews/{id}/hide", operators, true, s.hideReview},
		{"PUT", "/api/v1/reviews/{id}/reply", developersOnly, true, s.replyReview},
		{"POST", "/api/v1/reviews/{id}/reports", developersOnly, true, s.reportReview},
		{"POST", "/api/v1/reviews/{id}/restore", operators, true, s.restoreReview},
		{"GET", "/api/v1/notifications", developersOnly, true, s.listNotifications},
		{"POST", "/api/v1/notifications/read", developersOnly, true, s.readAllNotifications},
		{"POST", "/api/v1/notifications/{id}/read", developersOnly, true, s.readNotification},
		{"GET", "/api/v1/saved-views", developersOnly, true, s.listSavedViews},
		{"POST", "/api/v1/saved-views", developersOnly, true, s.createSavedView},
		{"DELETE", "/api/v1/saved-views/{id}", developersOnly, true, s.deleteSavedView},
		{"GET", "/api/v1/sla-policy", staff, true, s.getSLAPolicy},
		{"PUT", "/api/v1/sla-policy", staff, true, s.putSLAPolicy},
		{"GET", "/api/v1/social-connectors", developersOnly, true, s.listConnectors},
		{"POST", "/api/v1/social-connectors", developersOnly, true, s.createConnector},
		{"DELETE", "/api/v1/social-connectors/{id}", developersOnly, true, s.deleteConnector},
		{"GET", "/api/v1/tags", developersOnly, true, s.listTags},
		{"PUT", "/api/v1/refund-policy", operators, true, s.putRefundPolicy},
		{"GET", "/api/v1/undelivered-purchases", staff, true, s.listUndelivered},
		{"GET", "/api/v1/voided-purchases", staff, true, s.listVoided},
		{"PUT", "/api/v1/webhook", developersOnly, true, s.putWebhook},
		{"GET", "/api/v1/webhook/deliveries", staff, true, s.listDeliveries},
		{"POST", "/api/v1/webhook/deliveries/{id}/redeliver", staff, true, s.redeliver},
		{"POST", "/api/v1/webhook/test", developersOnly, true, s.sendTestEvent},
	}
}

// apiPrefix is where the JSON API lives; anything under it that no route
// matches answers JSON too.
const apiPrefix = "/api/v1/"

// mount registers the route table on the mux.
func (s *Server) mount() {
	for _, rt := range s.routes() {
		s.mux.Handle(rt.pattern(), s.wrap(rt))
	}
	s.mux.HandleFunc(apiPrefix, s.noRoute)
}

// wrap applies what every route shares: it names the route for logs and
// metrics and, on API routes, checks the credentials and the realm.
func (s *Server) wrap(rt route) http.Handler {
	name := rt.pattern()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := infoFrom(r.Context())
		if info != nil {
			info.route = name
		}
		// The path and query are text like any field: checked before
		// anything reads them (see vocdesk.TextProblem).
		if err := requestTextOK(r); err != nil {
			writeError(w, r, err)
			return
		}
		if rt.json && rt.realms != public {
			a, cred, err := s.authenticate(r)
			if err != nil {
				if vocdesk.ErrorCode(err) == vocdesk.EUNAUTHORIZED {
					w.Header().Set("WWW-Authenticate", `Bearer realm="vocdesk"`)
				}
				writeError(w, r, err)
				return
			}
			if info != nil {
				info.realm = a.Realm
			}
			// A route of another realm answers like a route that does not
			// exist: across the line, nothing is there.
			if !rt.realms.has(a.Realm) {
				writeError(w, r, errNotFound)
				return
			}
			ctx := vocdesk.NewContextWithActor(r.Context(), a)
			r = r.WithContext(withCredential(ctx, cred))
		}
		if rt.json {
			// After the realm check: across the line, a route answers 404
			// whatever its query says.
			if err := s.queryParams.check(name, r); err != nil {
				writeError(w, r, err)
				return
			}
		}
		if err := rt.handle(w, r); err != nil {
			writeError(w, r, err)
		}
	})
}

// requestTextOK checks the decoded path and every query parameter.
func requestTextOK(r *http.Request) error {
	if err := vocdesk.CheckText("path", r.URL.Path); err != nil {
		return err
	}
	return vocdesk.CheckTexts(r.URL.Query())
}

// noRoute answers paths under /api/v1/ that no route matched: 405 with Allow
// when the path exists for other methods, else 404, both in JSON.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != apiPrefix {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeError(w, r, vocdesk.Errorf(codeMethodNotAllowed, "%s is not allowed here; use %s", r.Method, strings.Join(allow, " or ")))
		return
	}
	writeError(w, r, errNotFound)
}
