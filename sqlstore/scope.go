package sqlstore

import (
	"context"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// Tenancy is decided here and nowhere else. Every service call takes its
// actor from the context (nil is denied), and every query of tenant data adds
// the WHERE fragment that scope functions below produce. A row outside the
// actor's scope is then simply not found, so "not yours" and "does not
// exist" give the same answer (domain.md, Tenancy).

// errNotFound answers an operator-only action attempted by a developer or a
// customer. It is ENOTFOUND rather than EFORBIDDEN on purpose: the contract
// gives a request across a boundary the answer of a request for something
// that does not exist, and another realm's functions are across one.
// EFORBIDDEN is kept for a member of the right developer whose role is too
// low, who knows the thing exists.
var errNotFound = vocdesk.Errorf(vocdesk.ENOTFOUND, "not found")

// actorFrom returns the request's actor; anonymous calls are refused.
func actorFrom(ctx context.Context) (*vocdesk.Actor, error) {
	a := vocdesk.ActorFromContext(ctx)
	if a == nil || !(a.IsOperator() || a.IsDeveloper() || a.IsCustomer()) {
		return nil, vocdesk.Errorf(vocdesk.EUNAUTHORIZED, "sign in first")
	}
	return a, nil
}

// operatorFrom returns the actor when it is an operator (or the system).
func operatorFrom(ctx context.Context) (*vocdesk.Actor, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if !a.IsOperator() {
		return nil, errNotFound
	}
	return a, nil
}

// developerActorFrom returns the actor when it acts for a developer (a
// member or the developer's API key), whatever its role: what belongs to a developer's
// console alone does not exist for operators and customers.
func developerActorFrom(ctx context.Context) (*vocdesk.Actor, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if !a.IsDeveloper() {
		return nil, errNotFound
	}
	return a, nil
}

// canManage checks that a may change things of developer devID that need
// role min: operators may, members of devID with role min or above may,
// members with a lower role are forbidden, and everyone else finds nothing.
func canManage(a *vocdesk.Actor, devID int64, min vocdesk.Role) error {
	switch {
	case a.IsOperator():
		return nil
	case a.IsDeveloper() && a.DeveloperID == devID:
		if a.Role.AtLeast(min) {
			return nil
		}
		return vocdesk.Errorf(vocdesk.EFORBIDDEN, "your role (%s) may not do this; ask an owner or admin", a.Role)
	}
	return errNotFound
}

// masksContacts reports whether customers' email and phone are masked for
// a: developer viewers. Customers see their own contacts.
func masksContacts(a *vocdesk.Actor) bool { return a.IsDeveloper() && !a.SeesContacts() }

// conds collects WHERE conditions and their arguments. Conditions are
// written with "?" and numbered $1, $2, ... as they are added, so fragments
// compose without counting placeholders by hand.
type conds struct {
	list []string
	args []any
}

func (c *conds) add(cond string, args ...any) {
	var b strings.Builder
	n := 0
	for i := 0; i < len(cond); i++ {
		if cond[i] == '?' {
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(len(c.args) + n + 1))
			n++
			continue
		}
		b.WriteByte(cond[i])
	}
	c.list = append(c.list, b.String())
	c.args = append(c.args, args...)
}

// where renders " WHERE a AND b", or "" when there are no conditions.
func (c *conds) where() string {
	if len(c.list) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(c.list, " AND ")
}

// whereAnd is where with one more condition, for a statement's branch.
func (c *conds) whereAnd(cond string) string {
	return (&conds{list: append(c.list[:len(c.list):len(c.list)], cond)}).where()
}

// next returns the placeholder for one more argument, appended by the caller.
func (c *conds) next(arg any) string {
	c.args = append(c.args, arg)
	return "$" + strconv.Itoa(len(c.args))
}

// idIs is the condition "col equals the id bound". The id is cast: SQLite
// propagates a "column = ?" constant into the joins of the same query only
// while the value bound keeps the column's affinity, so it marks the
// statement to be planned again for every new binding, which was a third
// of an inquiry page's time. A cast value has the column's affinity by
// construction and the plan stays (the cast costs nothing on PostgreSQL).
func idIs(col string) string { return col + " = CAST(? AS BIGINT)" }

// scopePurchases limits purchases (alias p) to the actor's: a customer's own,
// a developer's apps', all for operators.
func scopePurchases(c *conds, a *vocdesk.Actor, p string) {
	switch {
	case a.IsOperator():
	case a.IsDeveloper():
		c.add(idIs(p+".developer_id"), a.DeveloperID)
	case a.IsCustomer():
		c.add(idIs(p+".customer_id"), a.CustomerID)
	default:
		c.add("1 = 0")
	}
}

// customerLinks are the ways a developer comes to see a customer, each an
// EXISTS subquery on the customer alias "c" with the developer's id as its
// one argument. The desk adds "asked it something" (an inquiry) here.
var customerLinks = []string{
	"SELECT 1 FROM purchases lp WHERE lp.customer_id = c.id AND lp.developer_id = ?",
	// A call whose customer withheld their ids (call.go) is no link.
	"SELECT 1 FROM inquiries li WHERE li.customer_id = c.id AND li.developer_id = ? AND li.withhold_ids = FALSE",
}

// scopeCustomers limits customers (alias c) to those the actor may see:
// themself for a customer, those linked to it for a developer, all for
// operators.
func scopeCustomers(cs *conds, a *vocdesk.Actor) {
	switch {
	case a.IsOperator():
	case a.IsDeveloper():
		parts := make([]string, len(customerLinks))
		args := make([]any, len(customerLinks))
		for i, q := range customerLinks {
			parts[i] = "EXISTS (" + q + ")"
			args[i] = a.DeveloperID
		}
		cs.add("("+strings.Join(parts, " OR ")+")", args...)
	case a.IsCustomer():
		cs.add(idIs("c.id"), a.CustomerID)
	default:
		cs.add("1 = 0")
	}
}

// scopeApps limits apps (alias a) to those the actor may see: a developer's
// own; everything for operators and customers, since the store's catalogue
// is public.
func scopeApps(c *conds, actor *vocdesk.Actor, alias string) {
	switch {
	case actor.IsOperator(), actor.IsCustomer():
	case actor.IsDeveloper():
		c.add(idIs(alias+".developer_id"), actor.DeveloperID)
	default:
		c.add("1 = 0")
	}
}

// scopeDevelopers limits developers (alias d): operators see all, a
// developer itself, customers none (they meet developers through apps).
func scopeDevelopers(c *conds, a *vocdesk.Actor, alias string) {
	switch {
	case a.IsOperator():
	case a.IsDeveloper():
		c.add(idIs(alias+".id"), a.DeveloperID)
	default:
		c.add("1 = 0")
	}
}

// scopeInquiries limits inquiries (alias i) to the actor's: a customer's own,
// a developer's apps', all for operators. Every desk query goes through it
// (or through inquiryFor, which does).
func scopeInquiries(c *conds, a *vocdesk.Actor, i string) {
	switch {
	case a.IsOperator():
	case a.IsDeveloper():
		c.add(idIs(i+".developer_id"), a.DeveloperID)
	case a.IsCustomer():
		c.add(idIs(i+".customer_id"), a.CustomerID)
	default:
		c.add("1 = 0")
	}
}

// canWriteInquiry checks that a may change inquiries of developer devID as
// the developer does (reply, note, assign, tag, change status): agents and
// above. Viewers are forbidden; operators read and write their own messages
// only, so they are forbidden here too; customers find nothing.
func canWriteInquiry(a *vocdesk.Actor, devID int64) error {
	if a.IsOperator() {
		return vocdesk.Errorf(vocdesk.EFORBIDDEN, "operators read inquiries; the developer answers them")
	}
	return canManage(a, devID, vocdesk.RoleAgent)
}

// scopeOwned limits a developer's own settings (canned replies, notes'
// developer, tags) by their developer_id column col: a developer's own, all
// for operators, none for customers.
func scopeOwned(c *conds, a *vocdesk.Actor, col string) {
	switch {
	case a.IsOperator():
	case a.IsDeveloper():
		c.add(col+" = ?", a.DeveloperID)
	default:
		c.add("1 = 0")
	}
}
