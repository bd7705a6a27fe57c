package sqlstore_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// benchEngines runs fn on SQLite and, when VOCDESK_TEST_POSTGRES is set, on
// PostgreSQL.
func benchEngines(b *testing.B, fn func(b *testing.B, db *sqlstore.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, sqlstoretest.OpenSQLite(b)) })
	if u := os.Getenv(sqlstoretest.EnvPostgres); u != "" {
		b.Run("postgres", func(b *testing.B) { fn(b, sqlstoretest.OpenPostgres(b, u)) })
	}
}

// market fills a database with what purchases refer to: 1,000 customers,
// 10 developers with 2 apps each, and returns a generator of purchases.
func market(b testing.TB, db *sqlstore.DB, orderedTxIDs bool) func(i int) *vocdesk.Purchase {
	b.Helper()
	op := asOperator()
	devs := sqlstore.NewDeveloperService(db)
	custs := sqlstore.NewCustomerService(db)
	var apps []string
	for d := range 10 {
		slug := fmt.Sprintf("dev-%d", d)
		must(b, devs.CreateDeveloper(op, &vocdesk.Developer{Slug: slug, Name: slug, Email: slug + "@dev.example"}))
		for a := range 2 {
			app := fmt.Sprintf("app-%d-%d", d, a)
			must(b, devs.CreateApp(op, &vocdesk.App{DeveloperSlug: slug, Slug: app, Name: app}))
			apps = append(apps, app)
		}
	}
	var customers []int64
	for c := range 1000 {
		cu := &vocdesk.Customer{Email: fmt.Sprintf("c%d@example.com", c), Name: "C"}
		must(b, custs.CreateCustomer(op, cu, ""))
		customers = append(customers, cu.ID)
	}
	skus := []string{"", "gems-100", "gems-500", "pass-month", "skin-01"}
	methods := []vocdesk.Method{vocdesk.MethodCarrier, vocdesk.MethodCard, vocdesk.MethodCash, vocdesk.MethodGift}
	// Each i maps to one purchase, so a txid is never reused across calls
	// and tids stay unique per developer.
	return func(i int) *vocdesk.Purchase {
		r := rand.New(rand.NewPCG(uint64(i), 42))
		// Random txids put every insert on a random leaf of the txid index;
		// billing systems often issue time-ordered ones, which append.
		tx := fmt.Sprintf("TX%016x", r.Uint64())
		if orderedTxIDs {
			tx = fmt.Sprintf("TX%012d", i)
		}
		return &vocdesk.Purchase{
			TxID:       tx,
			TID:        fmt.Sprintf("ORD-%d", i),
			CustomerID: customers[r.IntN(len(customers))],
			AppSlug:    apps[r.IntN(len(apps))],
			ItemSKU:    skus[r.IntN(len(skus))],
			Amount:     int64(100 * (1 + r.IntN(500))),
			Currency:   "KRW",
			Method:     methods[r.IntN(len(methods))],
			PaidAt:     time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
		}
	}
}

// BenchmarkImportPurchases loads batches of 10,000 purchases, as a billing
// export is imported, and reports purchases per second. The table grows as
// the benchmark runs, as it does in life. Run with
//
//	go test -run '^$' -bench ImportPurchases -benchtime 20x ./sqlstore/
func BenchmarkImportPurchases(b *testing.B) {
	const batchSize = 10_000
	for _, txids := range []string{"random", "ordered"} {
		b.Run("txid="+txids, func(b *testing.B) {
			benchEngines(b, func(b *testing.B, db *sqlstore.DB) {
				gen := market(b, db, txids == "ordered")
				svc := sqlstore.NewPurchaseService(db)
				ctx := asOperator()
				batch := make([]*vocdesk.Purchase, batchSize)
				next := 0
				b.ResetTimer()
				for b.Loop() {
					b.StopTimer()
					for j := range batch {
						batch[j] = gen(next)
						next++
					}
					b.StartTimer()
					errs, err := svc.ImportPurchases(ctx, batch)
					if err != nil {
						b.Fatal(err)
					}
					for j, e := range errs {
						if e != nil {
							b.Fatalf("row %d: %v", j, e)
						}
					}
				}
				b.ReportMetric(float64(next)/b.Elapsed().Seconds(), "purchases/s")
			})
		})
	}
}

// BenchmarkFindPurchases times the My Page query (a customer's newest 50)
// on a ledger of 200,000 purchases.
func BenchmarkFindPurchases(b *testing.B) {
	benchEngines(b, func(b *testing.B, db *sqlstore.DB) {
		gen := market(b, db, false)
		svc := sqlstore.NewPurchaseService(db)
		batch := make([]*vocdesk.Purchase, 10_000)
		for n := 0; n < 200_000; n += len(batch) {
			for j := range batch {
				batch[j] = gen(n + j)
			}
			if _, err := svc.ImportPurchases(asOperator(), batch); err != nil {
				b.Fatal(err)
			}
		}
		if db.Dialect() == "postgres" {
			_, err := db.RawForTest().Exec(`ANALYZE purchases`)
			must(b, err)
		}
		ctx := asCustomer(&vocdesk.Customer{ID: gen(0).CustomerID})
		b.ResetTimer()
		for b.Loop() {
			list, _, err := svc.FindPurchases(ctx, vocdesk.PurchaseFilter{})
			if err != nil || len(list) == 0 {
				b.Fatal(len(list), err)
			}
		}
	})
}

// BenchmarkRecordPurchaseParallel records purchases one call each from 32
// goroutines per GOMAXPROCS, as the HTTP ingest does under load, and reports
// purchases per second.
func BenchmarkRecordPurchaseParallel(b *testing.B) {
	benchEngines(b, func(b *testing.B, db *sqlstore.DB) {
		gen := market(b, db, false)
		svc := sqlstore.NewPurchaseService(db)
		var next atomic.Int64
		b.SetParallelism(32)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			ctx := asOperator()
			for pb.Next() {
				p := gen(int(next.Add(1)))
				created, err := svc.RecordPurchase(ctx, p)
				if err != nil || !created {
					b.Errorf("RecordPurchase: %v %v", created, err)
					return
				}
			}
		})
		b.ReportMetric(float64(next.Load())/b.Elapsed().Seconds(), "purchases/s")
	})
}
