package ui

// routes lists every page. Realm gating is declared here, next to the route,
// so that a page cannot be added without saying who may see it.
func (h *handler) routes() *pageMux {
	mux := newPageMux()

	mux.HandleFunc("GET /{$}", h.home)
	mux.HandleFunc("GET /static/{file}", h.static)
	mux.HandleFunc("GET /lang/{lang}", h.setLang)
	mux.HandleFunc("GET /zone", h.setZone)

	for _, rl := range realms {
		mux.HandleFunc("GET "+rl.loginPath, h.loginForm(rl))
		mux.HandleFunc("POST "+rl.loginPath, h.loginSubmit(rl))
	}
	mux.HandleFunc("POST /logout", h.logout)

	// The customer's My Page.
	mux.Handle("GET /my", h.require(realmCustomer, h.myHome))
	mux.Handle("GET /my/purchases", h.require(realmCustomer, h.myPurchases))
	mux.Handle("GET /my/purchases/{txid}", h.require(realmCustomer, h.myPurchase))

	// The developer console.
	mux.Handle("GET /console", h.require(realmDeveloper, h.consoleHome))
	mux.Handle("GET /console/reconciliations", h.require(realmDeveloper, h.reconList))
	mux.Handle("POST /console/reconciliations", h.require(realmDeveloper, h.reconCreate))
	mux.Handle("GET /console/reconciliations/{id}", h.require(realmDeveloper, h.reconReport))
	mux.Handle("GET /console/reconciliations/{id}/exceptions.csv", h.require(realmDeveloper, h.reconExport))
	mux.Handle("GET /console/purchases/{txid}", h.require(realmDeveloper, h.consolePurchase))
	mux.Handle("POST /console/purchases/{txid}/delivered", h.require(realmDeveloper, h.markDelivered))

	// The store's back office.
	mux.Handle("GET /operator", h.require(realmOperator, h.operatorHome))
	mux.Handle("POST /operator/keys", h.require(realmOperator, h.operatorKeyCreate))
	mux.Handle("GET /operator/keys/new", h.require(realmOperator, h.operatorKeyNew))
	mux.Handle("POST /operator/keys/{id}/revoke", h.require(realmOperator, h.operatorKeyRevoke))
	// Purchase imports from a billing export.
	h.importRoutes(mux)
	// Purchase cancellations: the console's request form, the operator's queue.
	h.refundRoutes(mux)
	// The any-id purchase search, and cancelling from its results.
	h.purchaseSearchRoutes(mux)
	// Bulk cancellation from a spreadsheet.
	h.batchRoutes(mux)
	// The developer's webhook: endpoint, signing secret and delivery log.
	h.webhookRoutes(mux)

	// The developer's team and API keys.
	h.teamRoutes(mux)

	// The desk: inquiries of customers, developers and the store.
	h.deskRoutes(mux)
	// The email channel's mail log.
	h.mailRoutes(mux)
	// The developer's support mailbox polled over IMAP.
	h.imapRoutes(mux)
	// Reviews: the public app page, the console's inbox, the store's queue.
	h.reviewRoutes(mux)
	// The call centre's "Log a call"; the console's social connectors.
	h.callRoutes(mux)
	h.socialRoutes(mux)

	// The satisfaction survey's page, where its mail's links lead.
	h.surveyRoutes(mux)
	// The audit trail, readable: the back office's and a developer's.
	h.auditRoutes(mux)
	// The agent's day: presence on an inquiry, notifications of mentions.
	h.agentRoutes(mux)
	// The desk's automation: macros, rules, members in or away.
	h.automationRoutes(mux)
	// The dashboards: the developer's and the store's reports.
	h.reportRoutes(mux)

	// Everything else under "/" is ours to answer, with our own 404 page.
	mux.HandleFunc(catchAll, h.notFound)
	return mux
}
