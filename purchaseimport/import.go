package purchaseimport

import (
	"context"
	"errors"
	"io"
	"slices"
	"time"

	"github.com/vocdesk/vocdesk"
)

// DefaultBatchSize is the number of rows written in one transaction. The
// commit is where SQLite writes every index page the batch dirtied, and a
// billing export's rows land all over the customer and developer indexes,
// so larger batches write each page once for more rows: 5,000 rows per
// batch imported at half the speed of 50,000, and 100,000 at about a tenth
// more again. A batch holds the write lock for about a second, which live
// requests wait out (busy_timeout); --batch makes it shorter.
const DefaultBatchSize = 100000

// Reject is a row that was not imported, with the fields as they were in
// the file.
type Reject struct {
	Line   int
	Err    error
	Record []string
}

// Options tunes an import. Every field is optional.
type Options struct {
	BatchSize int
	// OnReject is called for each rejected row, in line order, from the
	// goroutine that called Import.
	OnReject func(Reject)
	// OnHeader is called with the file's header row before any other call.
	OnHeader func([]string)
	// OnBatch is called after each batch is written with the totals so far.
	OnBatch func(Summary)
}

// Summary counts an import's rows. Stored counts rows now in the ledger with
// the file's values: imported now, or already there from an earlier run.
type Summary struct {
	Rows     int
	Stored   int
	Rejected int
	Batches  int
	Elapsed  time.Duration
}

// RowsPerSecond is the import's throughput over every row read.
func (s Summary) RowsPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Rows) / s.Elapsed.Seconds()
}

// batch is a span of the file: the rows that parsed, with their lines and
// raw fields (for reporting a row the ledger rejects), and the rows that did
// not parse.
type batch struct {
	purchases []*vocdesk.Purchase
	lines     []int
	fields    []string // row i is fields[i*width:(i+1)*width]
	width     int
	rejects   []Reject
	err       error // the input stream broke; the last batch carries it
}

func (b *batch) record(i int) []string { return b.fields[i*b.width : (i+1)*b.width] }

// Import reads r and records every row through svc.ImportPurchases, in
// batches. The next batch is parsed while the previous one is written.
// Rejected rows do not stop it; a batch that fails as a whole, a broken
// stream or ctx ending does, with the summary so far. A file without the
// required header is ErrFormat before any work.
func Import(ctx context.Context, svc vocdesk.PurchaseService, r io.Reader, opts Options) (Summary, error) {
	start := time.Now()
	rd, err := NewReader(r)
	if err != nil {
		return Summary{}, err
	}
	if opts.OnHeader != nil {
		opts.OnHeader(rd.Header())
	}
	size := opts.BatchSize
	if size <= 0 {
		size = DefaultBatchSize
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan *batch, 1)
	go func() {
		defer close(batches)
		for {
			b := readBatch(rd, size)
			select {
			case batches <- b:
			case <-ctx.Done():
				return
			}
			if b.err != nil {
				return
			}
		}
	}()

	var sum Summary
	for b := range batches {
		parseRejects := len(b.rejects)
		if len(b.purchases) > 0 {
			errs, err := svc.ImportPurchases(ctx, b.purchases)
			if err != nil {
				sum.Elapsed = time.Since(start)
				return sum, err
			}
			for i, e := range errs {
				if e != nil {
					b.rejects = append(b.rejects, Reject{Line: b.lines[i], Err: errors.New(vocdesk.ErrorMessage(e)), Record: b.record(i)})
				}
			}
		}
		sum.Batches++
		sum.Rows += len(b.purchases) + parseRejects
		sum.Rejected += len(b.rejects)
		sum.Stored = sum.Rows - sum.Rejected
		if opts.OnReject != nil {
			slices.SortFunc(b.rejects, func(x, y Reject) int { return x.Line - y.Line })
			for _, rj := range b.rejects {
				opts.OnReject(rj)
			}
		}
		sum.Elapsed = time.Since(start)
		if opts.OnBatch != nil {
			opts.OnBatch(sum)
		}
		if b.err != nil && b.err != io.EOF {
			return sum, b.err
		}
	}
	sum.Elapsed = time.Since(start)
	return sum, ctx.Err()
}

// readBatch parses up to size rows. The purchases live in one slab and the
// raw fields in one flat slice, so a batch costs a handful of allocations
// beyond encoding/csv's one string per row.
func readBatch(rd *Reader, size int) *batch {
	width := len(rd.header)
	slab := make([]vocdesk.Purchase, size)
	b := &batch{
		purchases: make([]*vocdesk.Purchase, 0, size),
		lines:     make([]int, 0, size),
		fields:    make([]string, 0, size*width),
		width:     width,
	}
	for n := 0; n < size; {
		p := &slab[n]
		err := rd.Read(p)
		if err == nil {
			b.purchases = append(b.purchases, p)
			b.lines = append(b.lines, rd.Line())
			b.fields = append(b.fields, rd.Record()...)
			n++
			continue
		}
		var re *RowError
		if errors.As(err, &re) {
			b.rejects = append(b.rejects, Reject{Line: re.Line, Err: re.Err, Record: slices.Clone(rd.Record())})
			continue
		}
		b.err = err
		break
	}
	return b
}
