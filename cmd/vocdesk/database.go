package main

import (
	"context"
	"fmt"
	"net/url"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
)

// openDatabase opens and migrates the database named by dsn. Every command
// migrates first, so a fresh file or schema is always usable.
func openDatabase(ctx context.Context, dsn string) (*sqlstore.DB, error) {
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	return db, nil
}

// newServices wires the SQL implementations of every service.
func newServices(db *sqlstore.DB) vocdesk.Services {
	return vocdesk.Services{
		Developers: sqlstore.NewDeveloperService(db),
		Customers:  sqlstore.NewCustomerService(db),
		Purchases:  sqlstore.NewPurchaseService(db),
		Auth:       sqlstore.NewAuthService(db),

		Cancellations: sqlstore.NewCancellationService(db),
		Webhooks:      sqlstore.NewWebhookService(db),

		Reconciliation: sqlstore.NewReconciliationService(db),

		Inquiries: sqlstore.NewInquiryService(db),
		Desk:      sqlstore.NewDeskService(db),

		Reviews: sqlstore.NewReviewService(db),
	}
}

// systemContext is ctx acting as the system: the CLI's own operator actor,
// with no person behind it.
func systemContext(ctx context.Context) context.Context {
	return vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor())
}

// redactDSN hides a PostgreSQL password before a DSN is printed or logged.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	return u.Redacted()
}

// errorText is what a person sees of err: the message of an application
// error, or the whole chain for anything else (the CLI's user is the
// operator, who may see internals).
func errorText(err error) string {
	if code := vocdesk.ErrorCode(err); code != vocdesk.EINTERNAL {
		return vocdesk.ErrorMessage(err)
	}
	return err.Error()
}

// exitFor is the exit status for a failed service call: 2 when the input was
// wrong (bad value, unknown developer), 1 for everything else.
func exitFor(err error) int {
	switch vocdesk.ErrorCode(err) {
	case vocdesk.EINVALID, vocdesk.ENOTFOUND, vocdesk.ECONFLICT, vocdesk.EUNPROCESSABLE:
		return 2
	}
	return 1
}
