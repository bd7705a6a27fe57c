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

	// Imports logs the back office's purchase imports (optional; the CLI
	// imports without a log).
	Imports PurchaseImportLog

	// Reconciliation compares purchases with the developer's server log
	// (uploaded or pushed); optional like the refunds.
	Reconciliation ReconciliationService

	// Mail is the email channel's store: the SMTP intake and the mail log.
	// Optional; the mail log's routes answer only when set.
	Mail MailService
	// Reviews are customers' ratings of apps, developers' official
	// replies and the store's moderation; optional like the refunds.
	Reviews ReviewService
	// Reports are the dashboards' figures; optional like the refunds.
	Reports ReportService
}
