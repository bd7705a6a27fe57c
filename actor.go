package vocdesk

import "context"

// Realm is the kind of account an actor signed in with.
type Realm string

const (
	RealmCustomer  Realm = "customer"
	RealmDeveloper Realm = "developer"
	RealmOperator  Realm = "operator"
)

// Role is a developer member's role. Operators and customers have none.
type Role string

const (
	RoleOwner  Role = "owner"
	RoleAdmin  Role = "admin"
	RoleAgent  Role = "agent"
	RoleViewer Role = "viewer"
)

// Valid reports whether r is one of the four member roles.
func (r Role) Valid() bool {
	switch r {
	case RoleOwner, RoleAdmin, RoleAgent, RoleViewer:
		return true
	}
	return false
}

// rank orders roles so that "at least agent" is one comparison.
func (r Role) rank() int {
	switch r {
	case RoleOwner:
		return 4
	case RoleAdmin:
		return 3
	case RoleAgent:
		return 2
	case RoleViewer:
		return 1
	}
	return 0
}

// AtLeast reports whether r grants everything min grants.
func (r Role) AtLeast(min Role) bool { return r.rank() >= min.rank() }

// Actor is who is making a request: the one value every tenancy decision is
// taken from. Exactly one of CustomerID, DeveloperID, OperatorID is set,
// according to Realm.
type Actor struct {
	Realm       Realm
	CustomerID  int64 // RealmCustomer
	DeveloperID int64 // RealmDeveloper: the developer organisation
	MemberID    int64 // RealmDeveloper: the signed-in member; 0 for an API key
	OperatorID  int64 // RealmOperator; 0 for an API key
	Role        Role  // RealmDeveloper
	KeyID       int64 // set when the actor authenticated with an API key
	Name        string
	Email       string
}

// IsOperator reports whether a is a store operator (or an operator API key).
func (a *Actor) IsOperator() bool { return a != nil && a.Realm == RealmOperator }

// IsDeveloper reports whether a acts for a developer organisation.
func (a *Actor) IsDeveloper() bool {
	return a != nil && a.Realm == RealmDeveloper && a.DeveloperID != 0
}

// IsCustomer reports whether a is a store customer.
func (a *Actor) IsCustomer() bool { return a != nil && a.Realm == RealmCustomer && a.CustomerID != 0 }

// SeesContacts reports whether a may see customers' phone numbers and email
// addresses unmasked: operators and developer members above viewer.
func (a *Actor) SeesContacts() bool {
	return a.IsOperator() || (a.IsDeveloper() && a.Role.AtLeast(RoleAgent))
}

type actorKey struct{}

// NewContextWithActor returns a context that carries a as the requesting actor.
func NewContextWithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFromContext returns the requesting actor, or nil for an anonymous
// request. Services deny by default when it is nil.
func ActorFromContext(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}
