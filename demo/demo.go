// Package demo fills a vocdesk database with a realistic marketplace through
// the services, so every rule of the ledger and of tenancy holds for demo
// data as for real data. It is deterministic (seeded) and idempotent:
// running it again adds nothing that is already there.
package demo

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/vocdesk/vocdesk"
)

// DefaultPassword is every demo account's password.
const DefaultPassword = "vocdesk-demo"

// DefaultSeed makes the default demo the same everywhere: the year of the
// post vocdesk grew from.
const DefaultSeed = 2014

// Options tunes Seed. Every field is optional.
type Options struct {
	Seed     uint64
	Password string
	// InsertInquiries stores the generated inquiries in its own way. When
	// it is nil and the services include the desk (Inquiries and Desk), the
	// demo stores them through the InquiryService with replies, notes,
	// tags, assignments, ratings and escalations (desk.go).
	InsertInquiries func(ctx context.Context, inquiries []Inquiry) error
	// SetNow, when set, lets the demo date the inquiries it stores at their
	// generated times (hours to days ago), so SLA timers run and the oldest
	// unanswered ones are escalated. The command passes a setter of the
	// database's clock; without it every inquiry is new as of now.
	SetNow func(now func() time.Time)
	// Logf reports progress, one line per step.
	Logf func(format string, args ...any)
	// Customers and Purchases size the marketplace (defaults
	// DefaultCustomers and DefaultPurchases). Every customer gets a
	// password, and hashing is the slow part of a first run.
	Customers, Purchases int
	// Workers bounds the accounts created at once: password hashing is
	// deliberately slow, so it is spread over the CPUs.
	Workers int
}

// Login is an account to try.
type Login struct {
	Realm     vocdesk.Realm
	Role      vocdesk.Role // members only
	Developer string       // members only: the developer's slug
	Name      string
	Email     string
	Password  string
	Path      string // where to sign in: /login, /developer/login, /operator/login
}

// Counts tells what a run created and what it found already there.
type Counts struct {
	Developers, Apps, Items, Members, Customers, Purchases int
}

// Result is what a run did and what to try.
type Result struct {
	Created, Existing Counts
	Logins            []Login
	// APIKey is a new operator API key named "demo"; earlier demo keys are
	// revoked, so one stays live.
	APIKey    string
	Inquiries []Inquiry
	// InquiriesStored is false while no InquiryService exists.
	InquiriesStored bool
	// InquiriesCreated and InquiriesExisting count what this run stored
	// and found from an earlier run; InquiriesEscalated how many it
	// escalated as past the store's deadline.
	InquiriesCreated, InquiriesExisting, InquiriesEscalated int
	// ReviewsCreated and ReviewsExisting count the reviews this run stored
	// and found from an earlier run (stored only with a ReviewService).
	ReviewsCreated, ReviewsExisting int
	// Features counts what this run added of the agents' day (features.go):
	// all zero on a second run.
	Features FeatureCounts
	// Mentioned is the login whose bell shows the demo's mention.
	Mentioned string

	Anchor time.Time // the history ends here: the demo's "now"
}

// operatorLogin is the store's back-office account.
var operatorLogin = struct{ Name, Email string }{"스토어 운영자 (Store Operator)", "operator@store.example"}

// Seed fills the database behind svc. The history ends when the first demo
// developer was created, so a later run regenerates exactly the same
// purchases and finds them present.
func Seed(ctx context.Context, svc vocdesk.Services, opts Options) (*Result, error) {
	if opts.Seed == 0 {
		opts.Seed = DefaultSeed
	}
	if opts.Password == "" {
		opts.Password = DefaultPassword
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	if opts.Customers < 2 {
		opts.Customers = DefaultCustomers
	}
	if opts.Purchases <= 0 {
		opts.Purchases = DefaultPurchases
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	ctx = vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor())
	s := &seeder{svc: svc, opts: opts, res: &Result{}}
	r := newRand(opts.Seed)

	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"operator", s.operator},
		{"developers and apps", s.developers},
		{"members", s.members},
	}
	for _, st := range steps {
		if err := st.fn(ctx); err != nil {
			return nil, fmt.Errorf("demo: %s: %w", st.name, err)
		}
	}
	cs := customers(r, opts.Customers)
	ps := purchases(r, cs, opts.Purchases, s.res.Anchor)
	if err := s.ledger(ctx, cs, ps); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	s.res.Inquiries = inquiries(r, cs, ps, s.res.Anchor)
	if err := s.insertInquiries(ctx); err != nil {
		return nil, fmt.Errorf("demo: inquiries: %w", err)
	}
	if err := s.features(ctx); err != nil {
		return nil, fmt.Errorf("demo: agents' day: %w", err)
	}
	if err := s.reviews(ctx); err != nil {
		return nil, fmt.Errorf("demo: reviews: %w", err)
	}
	if err := s.apiKey(ctx); err != nil {
		return nil, fmt.Errorf("demo: api key: %w", err)
	}
	s.res.Logins = s.logins(cs)
	return s.res, nil
}

type seeder struct {
	svc  vocdesk.Services
	opts Options
	res  *Result

	mu sync.Mutex // guards res.Created and res.Existing from workers
}

func (s *seeder) count(created bool, field func(*Counts) *int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if created {
		*field(&s.res.Created)++
	} else {
		*field(&s.res.Existing)++
	}
}

func (s *seeder) operator(ctx context.Context) error {
	err := s.svc.Developers.CreateOperator(ctx, &vocdesk.Operator{Name: operatorLogin.Name, Email: operatorLogin.Email}, s.opts.Password)
	if vocdesk.ErrorCode(err) == vocdesk.ECONFLICT {
		return nil
	}
	return err
}

// developers creates the studios and their apps and items. Developers and
// apps are looked up first; items are upserted (CreateItem), which leaves
// an unchanged item as it is.
func (s *seeder) developers(ctx context.Context) error {
	for i := range studios {
		st := &studios[i]
		d, err := s.svc.Developers.FindDeveloperBySlug(ctx, st.Slug)
		switch vocdesk.ErrorCode(err) {
		case "":
			s.count(false, func(c *Counts) *int { return &c.Developers })
		case vocdesk.ENOTFOUND:
			d = &vocdesk.Developer{Slug: st.Slug, Name: st.Name, Email: st.Email}
			if err := s.svc.Developers.CreateDeveloper(ctx, d); err != nil {
				return err
			}
			s.count(true, func(c *Counts) *int { return &c.Developers })
		default:
			return err
		}
		if i == 0 {
			s.res.Anchor = d.CreatedAt.UTC().Truncate(time.Minute)
		}
		for _, a := range st.Apps {
			found, err := s.svc.Developers.FindApps(ctx, vocdesk.AppFilter{Slug: a.Slug})
			if err != nil {
				return err
			}
			if len(found) == 0 {
				if err := s.svc.Developers.CreateApp(ctx, &vocdesk.App{DeveloperSlug: st.Slug, Slug: a.Slug, Name: a.Name}); err != nil {
					return err
				}
			}
			s.count(len(found) == 0, func(c *Counts) *int { return &c.Apps })
			for _, it := range a.Items {
				price := &vocdesk.Money{Amount: it.Price, Currency: st.currency()}
				if err := s.svc.Developers.CreateItem(ctx, &vocdesk.Item{AppSlug: a.Slug, SKU: it.SKU, Name: it.Name, Price: price}); err != nil {
					return err
				}
				s.res.Created.Items++
			}
		}
	}
	s.opts.Logf("%d developers, %d apps, %d items", len(studios), s.res.Created.Apps+s.res.Existing.Apps, s.res.Created.Items)
	return nil
}

var roles = [4]vocdesk.Role{vocdesk.RoleOwner, vocdesk.RoleAdmin, vocdesk.RoleAgent, vocdesk.RoleViewer}

func memberEmail(st *studio, role vocdesk.Role) string {
	return string(role) + "@" + st.Slug + ".example"
}

// members gives every studio one member in each role.
func (s *seeder) members(ctx context.Context) error {
	type todo struct {
		st *studio
		m  *vocdesk.Member
	}
	var work []todo
	for i := range studios {
		st := &studios[i]
		have, err := s.svc.Developers.FindMembers(ctx, st.Slug)
		if err != nil {
			return err
		}
		known := map[string]bool{}
		for _, m := range have {
			known[m.Email] = true
		}
		for j, role := range roles {
			email := memberEmail(st, role)
			if known[email] {
				s.count(false, func(c *Counts) *int { return &c.Members })
				continue
			}
			work = append(work, todo{st, &vocdesk.Member{Email: email, Name: st.Members[j].Name, Role: role}})
		}
	}
	return parallel(ctx, len(work), s.opts.Workers, func(i int) error {
		err := s.svc.Developers.CreateMember(ctx, work[i].st.Slug, work[i].m, s.opts.Password)
		if vocdesk.ErrorCode(err) == vocdesk.ECONFLICT {
			s.count(false, func(c *Counts) *int { return &c.Members })
			return nil
		}
		if err == nil {
			s.count(true, func(c *Counts) *int { return &c.Members })
		}
		return err
	})
}

// parallel runs fn(0..n-1) on up to workers goroutines and returns the
// first error.
func parallel(ctx context.Context, n, workers int, fn func(i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for i := range next {
				if err := fn(i); err != nil {
					cancel(err)
				}
			}
		})
	}
loop:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break loop
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil && ctx.Err() != nil {
		return err
	}
	return nil
}
