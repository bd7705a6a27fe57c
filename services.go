package vocdesk

// Services bundles the service implementations that the interfaces (the JSON
// API, the web pages, the CLI) are built on. Wiring fills it once at start.
type Services struct {
	Developers DeveloperService
	Customers  CustomerService
	Purchases  PurchaseService
	Auth       AuthService

	// Inquiries and Desk are the desk: inquiries with their threads, and
	// its settings (canned replies, SLA, holidays, views, escalation).
	Inquiries InquiryService
	Desk      DeskService

	// Cancellations and Webhooks are optional for interfaces that do not
	// offer refunds; the JSON API answers their routes only when set.
	Cancellations CancellationService
	Webhooks      WebhookService

	// Reconciliation compares purchases with the developer's server log
	// (uploaded or pushed); optional like the refunds.
	Reconciliation ReconciliationService

	// Reviews are customers' ratings of apps, developers' official
	// replies and the store's moderation; optional like the refunds.
	Reviews ReviewService
}
