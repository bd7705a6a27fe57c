package purchaseimport

import (
	"context"
	"errors"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/vocdesk/vocdesk"
)

// DefaultBatchSize is the number of rows written in one transaction. The
// commit is where SQLite writes every index page the batch dirtied, and a
// billing export's rows land all over the customer index (and, if their
// payment times are not in order, all over the developer index too), so
// larger batches write each page once for more rows. 1M rows on SQLite in
// batches of 5,000: 70% of the speed of 100,000 for a file in payment
// order, 60% for one with random payment times. A batch holds the write
// lock for about a second, which live requests wait out (busy_timeout);
// --batch makes it shorter.
const DefaultBatchSize = 100000

// Reject is a row that was not imported, with the fields as they were in
// the file. Err's text is the reason in English, as the CLI prints it;
// vocdesk.ErrorReason finds its reason and values, for pages.
type Reject struct {
	Line   int
	Err    error
	Record []string
}

// Options tunes an import. Every field is optional.
type Options struct {
	BatchSize int
	// Writers is how many batches are written at once (default 1). On
	// PostgreSQL the foreign-key checks of a batch keep one server core
	// busy, so a second writer uses the other; SQLite has one writer.
	Writers int
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

	// Set by the writer before it closes written: each row's reason if
	// the ledger rejected it, or why the whole batch failed.
	written chan struct{}
	errs    []error
	failed  error
}

func (b *batch) record(i int) []string { return b.fields[i*b.width : (i+1)*b.width] }

// Import reads r and records every row through svc.ImportPurchases, in
// batches. The next batch is parsed while earlier ones are written (by
// opts.Writers at once), and batches are reported in file order. Rejected
// rows do not stop it; a batch that fails as a whole, a broken stream or
// ctx ending does, with the summary of the batches before it. A file
// without the required header is ErrFormat before any work.
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
	writers := max(1, opts.Writers)
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	// On an early return the batches still being written fail with ctx
	// and roll back before Import returns (the caller may close the
	// database next).
	defer wg.Wait()
	defer cancel()

	// The reader hands each batch to the writers and, in the same order,
	// to the loop below, which waits for each one's write in turn: at most
	// writers+1 batches are parsed ahead of the report.
	todo := make(chan *batch)
	inOrder := make(chan *batch, writers)
	go func() {
		defer close(todo)
		defer close(inOrder)
		for {
			b := readBatch(rd, size)
			b.written = make(chan struct{})
			select {
			case inOrder <- b:
			case <-ctx.Done():
				return
			}
			select {
			case todo <- b:
			case <-ctx.Done():
				return
			}
			if b.err != nil {
				return
			}
		}
	}()
	for range writers {
		wg.Go(func() {
			for b := range todo {
				if len(b.purchases) > 0 {
					b.errs, b.failed = svc.ImportPurchases(ctx, b.purchases)
				}
				close(b.written)
			}
		})
	}

	var sum Summary
	for b := range inOrder {
		select {
		case <-b.written:
		case <-ctx.Done():
			sum.Elapsed = time.Since(start)
			return sum, ctx.Err()
		}
		if b.failed != nil {
			sum.Elapsed = time.Since(start)
			return sum, b.failed
		}
		parseRejects := len(b.rejects)
		if len(b.purchases)+parseRejects == 0 && b.err == io.EOF {
			break // the end of a file of whole batches: no batch
		}
		for i, e := range b.errs {
			if e != nil {
				b.rejects = append(b.rejects, Reject{Line: b.lines[i], Err: refuse(e), Record: b.record(i)})
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
