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
	// IMAP keeps developers' polled mailboxes; optional like the mail log.
	IMAP IMAPService

	// Surveys ask customers to rate resolved inquiries; Audit reads the
	// audit trail. Optional: their pages and routes answer only when set.
	Surveys SurveyService
	Audit   AuditService
	// Merges and Snoozes are the agent's day (issue 22): merging inquiries
	// and contacts, snoozing inquiries. Optional; their routes answer only
	// when set.
	Merges  MergeService
	Snoozes SnoozeService

	// Presence and Notifications are the agents' day: who else has an
	// inquiry open, and mentions in notes. Optional; the pages offer
	// presence and the bell only when set.
	Presence      PresenceService
	Notifications NotificationService

	// Calls is the call centre: phone inquiries with the caller's consent;
	// Social the social networks' connectors. Optional; their routes
	// answer only when set.
	Calls  CallService
	Social SocialService
	// Automation is the desk's macros and rules, and members' availability
	// for round-robin; optional, its routes answer only when set.
	Automation AutomationService
	// Reports are the dashboards' figures; optional like the refunds.
	Reports ReportService
}
