package recon

import (
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"sync"
)

// A file is read by a pipeline of three stages, so that reading, parsing and
// matching overlap on every core:
//
//  1. the framer reads big blocks and cuts them after the last complete record
//     (cheap: a vectorised search for '"' and '\n'; only blocks with quotes
//     are walked record by record), carrying the rest over to the next block;
//  2. workers parse chunks in parallel into batches of rows, and call the
//     Prepare hook (hashing, lookups) on each row;
//  3. the caller's goroutine takes batches back in file order and hands rows
//     and errors to Add and Reject, so the result never depends on timing.
//
// Memory stays bounded: buffers and batches circulate through a fixed pool.

const (
	defaultBlockLen = 4 << 20 // bytes read at a time
	// maxRecord bounds one record (quoted newlines included). A longer one is
	// almost surely an unterminated quote: it is reported, and reading
	// resumes on its second line.
	defaultMaxRecord = 8 << 20
)

// limits are the pipeline's sizes; tests make them tiny to cut files into
// many chunks.
type limits struct {
	blockLen, maxRecord int
}

var defaultLimits = limits{defaultBlockLen, defaultMaxRecord}

// chunk is a run of complete records and, once parsed, its batch of rows.
type chunk[T any] struct {
	buf     []byte // backing buffer, returned to the pool
	data    []byte // the records
	line    int64  // physical line of data[0]
	atEOF   bool
	tooLong bool // data is empty: a record at line was longer than the limit

	scratch []byte            // unquoted field text, referenced by rows
	curs    map[string]string // known currency codes, so rows share one string
	fields  [][]byte
	rows    []T
	errs    []RowError
	done    chan struct{}
}

// parseFunc parses c.data into c.rows and c.errs.
type parseFunc[T any] func(c *chunk[T])

type pipeline[T any] struct {
	r        io.Reader
	name     string
	carry    []byte // bytes already read past the header
	line     int64  // line of carry[0]
	eof      bool   // carry is all that is left
	csv      bool   // CSV framing; otherwise one record per line (JSON Lines)
	limits   limits
	progress func(int64)
	parse    parseFunc[T]
	prepare  func([]T)
	add      func([]T)
	reject   func(RowError)
}

func (p *pipeline[T]) run(ctx context.Context) error {
	workers := runtime.GOMAXPROCS(0)
	inflight := 2*workers + 2
	pool := make(chan *chunk[T], inflight)
	for range inflight {
		pool <- &chunk[T]{done: make(chan struct{}, 1)}
	}
	work := make(chan *chunk[T], inflight)
	order := make(chan *chunk[T], inflight)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for c := range work {
				if !c.tooLong {
					p.parse(c)
					if p.prepare != nil && len(c.rows) > 0 {
						p.prepare(c.rows)
					}
				}
				c.done <- struct{}{}
			}
		})
	}
	var frameErr error
	go func() {
		defer close(order)
		defer close(work)
		frameErr = p.frame(ctx, pool, work, order, stop)
	}()

	var err error
	for c := range order {
		<-c.done
		if err == nil {
			err = ctx.Err()
		}
		if err == nil {
			p.deliver(c)
		}
		c.rows, c.errs, c.scratch = c.rows[:0], c.errs[:0], c.scratch[:0]
		pool <- c
	}
	close(stop)
	wg.Wait()
	if err != nil {
		return err
	}
	return frameErr
}

// deliver hands one batch to Reject and Add.
func (p *pipeline[T]) deliver(c *chunk[T]) {
	if c.tooLong {
		p.reject(rowError(p.name, c.line, recordTooLong(p.limits.maxRecord)))
		return
	}
	for _, e := range c.errs {
		p.reject(e)
	}
	p.add(c.rows)
}

// frame reads the input and sends chunks to the workers and, in the same
// order, to the deliverer.
func (p *pipeline[T]) frame(ctx context.Context, pool, work, order chan *chunk[T], stop chan struct{}) error {
	var scratch []byte
	var fields [][]byte
	carry, line, eof := p.carry, p.line, p.eof
	get := func() (*chunk[T], bool) {
		select {
		case c := <-pool:
			return c, true
		case <-stop:
			return nil, false
		case <-ctx.Done():
			return nil, false
		}
	}
	send := func(c *chunk[T]) {
		order <- c // never blocks: order holds as many as the pool
		work <- c
	}
	c, ok := get()
	if !ok {
		return ctx.Err()
	}
	for {
		// Fill the chunk's buffer: the carried-over bytes, then a new block.
		want := len(carry) + p.limits.blockLen
		if cap(c.buf) < want {
			c.buf = make([]byte, 0, want+want/4)
		}
		buf := append(c.buf[:0], carry...)
		for !eof && len(buf) < want {
			n, err := p.r.Read(buf[len(buf):want])
			buf = buf[:len(buf)+n]
			if p.progress != nil && n > 0 {
				p.progress(int64(n))
			}
			if errors.Is(err, io.EOF) {
				eof = true
			} else if err != nil {
				return err
			}
		}
		c.buf = buf
		if len(buf) == 0 {
			pool <- c
			return nil
		}
		var cut int
		if p.csv {
			cut = cutCSV(buf, eof, &scratch, fields)
		} else if eof {
			cut = len(buf)
		} else {
			cut = bytes.LastIndexByte(buf, '\n') + 1
		}
		if eof && cut == len(buf) {
			// At the end of the input every record counts as complete, so
			// the last one must be measured here: cut before it when it is
			// over the limit, and the branch below reports it.
			if last := p.lastRecordStart(buf, &scratch, fields); len(buf)-last > p.limits.maxRecord {
				cut = last
			}
		}
		if cut == 0 && len(buf) > p.limits.maxRecord {
			// Report the record that never ends and resume on its next line,
			// which may lie further on than this buffer.
			next, ok := get()
			if !ok {
				return ctx.Err()
			}
			c.data, c.line, c.tooLong = nil, line, true
			send(c)
			c, line = next, line+1
			rest, err := p.skipLine(buf, &eof)
			if err != nil {
				return err
			}
			carry = append(c.buf[:0], rest...)
			c.buf = carry
			continue
		}
		if cut == 0 {
			// Not one complete record: keep reading into a bigger buffer.
			carry = append([]byte(nil), buf...)
			continue
		}
		next, ok := get()
		if !ok {
			return ctx.Err()
		}
		c.data, c.line, c.atEOF, c.tooLong = buf[:cut], line, eof && cut == len(buf), false
		carry = append(next.buf[:0], buf[cut:]...)
		next.buf = carry
		line += int64(bytes.Count(buf[:cut], nl))
		send(c)
		c = next
		if eof && len(carry) == 0 {
			pool <- c
			return nil
		}
	}
}

// lastRecordStart is where the last record of buf begins (buf holds the
// rest of the input, so its last record needs no final newline).
func (p *pipeline[T]) lastRecordStart(buf []byte, scratch *[]byte, fields [][]byte) int {
	body := bytes.TrimSuffix(buf, nl)
	if p.csv {
		return cutCSV(body, false, scratch, fields)
	}
	return bytes.LastIndexByte(body, '\n') + 1
}

// skipLine drops the input up to and including the first '\n', starting with
// buf, and returns what follows it in the last buffer read.
func (p *pipeline[T]) skipLine(buf []byte, eof *bool) ([]byte, error) {
	for {
		if k := bytes.IndexByte(buf, '\n'); k >= 0 {
			return buf[k+1:], nil
		}
		if *eof {
			return nil, nil
		}
		n, err := p.r.Read(buf[:cap(buf)])
		buf = buf[:n]
		if p.progress != nil && n > 0 {
			p.progress(int64(n))
		}
		if errors.Is(err, io.EOF) {
			*eof = true
		} else if err != nil {
			return nil, err
		}
	}
}
