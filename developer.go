package vocdesk

import (
	"context"
	"regexp"
	"time"
)

// Developer is a seller organisation: it owns apps and answers their customers.
type Developer struct {
	ID        int64     `json:"-"`
	Slug      string    `json:"slug"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	CreatedAt time.Time `json:"created_at"`
}

// App is an application a developer sells in the store.
type App struct {
	ID            int64  `json:"-"`
	DeveloperID   int64  `json:"-"`
	DeveloperSlug string `json:"developer"`
	// DeveloperName is the developer's name where a page shows it to a
	// person (the public app page); the API names the developer by slug.
	DeveloperName string    `json:"-"`
	Slug          string    `json:"slug"`
	Name          string    `json:"name"`
	CreatedAt     time.Time `json:"created_at"`
}

// Item is something sold inside an app (or the app itself), named by a SKU
// unique within the app.
type Item struct {
	ID        int64     `json:"-"`
	AppID     int64     `json:"-"`
	AppSlug   string    `json:"app"`
	SKU       string    `json:"sku"`
	Name      string    `json:"name"`
	Price     *Money    `json:"-"` // list price, informational; purchases carry what was paid
	CreatedAt time.Time `json:"created_at"`
}

// Member is a person who works in a developer's console.
type Member struct {
	ID          int64     `json:"id"`
	DeveloperID int64     `json:"-"`
	Email       string    `json:"email"`
	Name        string    `json:"name"`
	Role        Role      `json:"role"`
	CreatedAt   time.Time `json:"created_at"`
}

// Operator is a person in the store's back office.
type Operator struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// ValidSlug reports whether s is a usable slug: lower-case letters, digits and
// dashes, starting with a letter or digit, at most 63 characters.
func ValidSlug(s string) bool { return slugRE.MatchString(s) }

// Validate checks a developer before it is stored.
func (d *Developer) Validate() error {
	switch {
	case !ValidSlug(d.Slug):
		return Errorf(EINVALID, "slug must be lower-case letters, digits and dashes (1-63)")
	case d.Name == "":
		return Errorf(EINVALID, "name is required")
	case !ValidEmail(d.Email):
		return Errorf(EINVALID, "email is not a valid address")
	}
	return nil
}

// Validate checks an app before it is stored.
func (a *App) Validate() error {
	switch {
	case a.DeveloperSlug == "" && a.DeveloperID == 0:
		return Errorf(EINVALID, "developer is required")
	case !ValidSlug(a.Slug):
		return Errorf(EINVALID, "slug must be lower-case letters, digits and dashes (1-63)")
	case a.Name == "":
		return Errorf(EINVALID, "name is required")
	}
	return nil
}

// AppFilter selects apps. Results are scoped to the actor's developer.
type AppFilter struct {
	DeveloperSlug string
	Slug          string
	Limit         int
}

// DeveloperService holds developers, their apps and items, members and the
// store's operators.
type DeveloperService interface {
	// CreateDeveloper registers a seller organisation. Operators only.
	CreateDeveloper(ctx context.Context, d *Developer) error
	// FindDeveloperBySlug returns a developer the actor may see
	// (operators: any; developers: their own).
	FindDeveloperBySlug(ctx context.Context, slug string) (*Developer, error)
	// FindDevelopers lists developers the actor may see.
	FindDevelopers(ctx context.Context) ([]*Developer, error)

	// CreateApp registers an app for a developer. Operators only.
	CreateApp(ctx context.Context, a *App) error
	// FindApps lists apps the actor may see.
	FindApps(ctx context.Context, f AppFilter) ([]*App, error)

	// CreateItem registers an item of an app, or updates its name and price.
	// Operators only.
	CreateItem(ctx context.Context, it *Item) error

	// CreateMember adds a person to a developer organisation. Operators, and
	// the developer's own owners and admins.
	CreateMember(ctx context.Context, developerSlug string, m *Member, password string) error
	// FindMembers lists the members of the actor's developer.
	FindMembers(ctx context.Context, developerSlug string) ([]*Member, error)
	// UpdateMemberRole changes a member's role, and RemoveMember removes a
	// member (their sessions end; inquiries assigned to them go back to
	// the queue). Operators, and the developer's owners and admins signed
	// in as persons: only an owner changes an owner or makes one, and the
	// developer's last owner stays an owner.
	UpdateMemberRole(ctx context.Context, developerSlug string, memberID int64, role Role) (*Member, error)
	RemoveMember(ctx context.Context, developerSlug string, memberID int64) error

	// CreateOperator adds a store operator. Operators only (and the CLI, which
	// acts as the system).
	CreateOperator(ctx context.Context, o *Operator, password string) error
}
