package sqlstore

import "github.com/vocdesk/vocdesk"

// Services wires the SQL implementation of every service over db: the one
// list the binary, the tests and the browser tests' marketplace start from.
func Services(db *DB) vocdesk.Services {
	return vocdesk.Services{
		Developers: NewDeveloperService(db),
		Customers:  NewCustomerService(db),
		Purchases:  NewPurchaseService(db),
		Auth:       NewAuthService(db),
		Imports:    NewImportLog(db),

		Cancellations: NewCancellationService(db),
		Webhooks:      NewWebhookService(db),

		Reconciliation: NewReconciliationService(db),

		Inquiries: NewInquiryService(db),
		Desk:      NewDeskService(db),

		Mail:    NewMailService(db),
		Reviews: NewReviewService(db),
		IMAP:    NewIMAPService(db),

		Surveys: NewSurveyService(db),
		Audit:   NewAuditService(db),
		Merges:  NewMergeService(db),
		Snoozes: NewSnoozeService(db),

		Presence:      NewPresenceService(db),
		Notifications: NewNotificationService(db),

		Calls:  NewCallService(db),
		Social: NewSocialService(db),

		Automation: NewAutomationService(db),
		Reports:    NewReportService(db),
	}
}
