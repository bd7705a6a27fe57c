package sqlstore_test

import (
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

func TestCustomers(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		op := asOperator()
		wantCode(t, f.customers.CreateCustomer(op, &vocdesk.Customer{Email: "MINJI.KIM@example.com", Name: "Dup"}, ""), vocdesk.ECONFLICT)
		wantCode(t, f.customers.CreateCustomer(op, &vocdesk.Customer{Email: "not an email", Name: "x"}, ""), vocdesk.EINVALID)
		wantCode(t, f.customers.CreateCustomer(asDeveloper(f.devA, vocdesk.RoleOwner), &vocdesk.Customer{Email: "c@example.com", Name: "C"}, ""), vocdesk.ENOTFOUND)

		c, err := f.customers.FindCustomerByID(op, f.custA.ID)
		must(t, err)
		if c.Email != f.custA.Email || c.Phone != f.custA.Phone || c.Name != "김민지" {
			t.Fatalf("operator sees %+v", c)
		}
		c, err = f.customers.FindCustomerByID(asCustomer(f.custA), f.custA.ID)
		must(t, err)
		if c.Email != f.custA.Email {
			t.Fatalf("customer sees own contacts masked: %+v", c)
		}
		_, err = f.customers.FindCustomerByID(asCustomer(f.custB), f.custA.ID)
		wantCode(t, err, vocdesk.ENOTFOUND)

		// Before any purchase the developer cannot see the customer.
		_, err = f.customers.FindCustomerByID(asDeveloper(f.devA, vocdesk.RoleAgent), f.custA.ID)
		wantCode(t, err, vocdesk.ENOTFOUND)
		f.record(t, f.purchase("T1", "o-1", f.custA, f.appA, "", 1200, t0))

		c, err = f.customers.FindCustomerByID(asDeveloper(f.devA, vocdesk.RoleAgent), f.custA.ID)
		must(t, err)
		if c.Email != f.custA.Email || c.Phone != f.custA.Phone {
			t.Fatalf("agent sees masked contacts: %+v", c)
		}
		c, err = f.customers.FindCustomerByID(asDeveloper(f.devA, vocdesk.RoleViewer), f.custA.ID)
		must(t, err)
		if c.Email != "m***@example.com" || c.Phone != "***-5678" {
			t.Fatalf("viewer sees %+v", c)
		}
		// Developer B sold nothing to A; customer B bought nothing from A.
		_, err = f.customers.FindCustomerByID(asDeveloper(f.devB, vocdesk.RoleOwner), f.custA.ID)
		wantCode(t, err, vocdesk.ENOTFOUND)
		_, err = f.customers.FindCustomerByID(asDeveloper(f.devA, vocdesk.RoleOwner), f.custB.ID)
		wantCode(t, err, vocdesk.ENOTFOUND)
		_, err = f.customers.FindCustomerByID(op, 999999)
		wantCode(t, err, vocdesk.ENOTFOUND)
	})
}
