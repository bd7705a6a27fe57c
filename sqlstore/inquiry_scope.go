package sqlstore

import "github.com/vocdesk/vocdesk"

// scopeInquiries limits inquiries (alias i) to the actor's: a customer's own,
// a developer's apps', all for operators. It is scope.go's rule for the
// desk's tables, kept beside them; every desk query goes through it (or
// through inquiryFor, which does).
func scopeInquiries(c *conds, a *vocdesk.Actor, i string) {
	switch {
	case a.IsOperator():
	case a.IsDeveloper():
		c.add(i+".developer_id = ?", a.DeveloperID)
	case a.IsCustomer():
		c.add(i+".customer_id = ?", a.CustomerID)
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
