package sqlstore

import (
	"context"

	"github.com/vocdesk/vocdesk"
)

// scopeDeveloperOwned limits rows that belong to one developer and concern
// no customer directly (deliveries, reconciliation reports, undelivered
// flags; alias t) to the actor's: a developer's own, all for operators,
// none for customers. It is scope.go's rule for the reconciliation tables,
// kept beside them; every reconciliation query goes through it or through
// developerFrom.
func scopeDeveloperOwned(c *conds, a *vocdesk.Actor, t string) {
	switch {
	case a.IsOperator():
	case a.IsDeveloper():
		c.add(t+".developer_id = ?", a.DeveloperID)
	default:
		c.add("1 = 0")
	}
}

// developerFrom returns the actor when it acts for a developer with at least
// role min. Operators have no developer of their own to push deliveries or
// upload logs for, and customers none at all: for them these calls do not
// exist.
func developerFrom(ctx context.Context, min vocdesk.Role) (*vocdesk.Actor, error) {
	a, err := developerActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := canManage(a, a.DeveloperID, min); err != nil {
		return nil, err
	}
	return a, nil
}
