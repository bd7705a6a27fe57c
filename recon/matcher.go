package recon

import (
	"bytes"
	"hash/maphash"
	"sync/atomic"

	"github.com/vocdesk/vocdesk"
)

// Per-purchase state lives in the low 24 bits of the purchase's ref word; the
// high 40 bits are its arena offset. One word per purchase plus its amount is
// 16 bytes, so ten million purchases take 160 MiB besides their ids.
const (
	metaBits      = 24
	metaMask      = 1<<metaBits - 1
	curMask       = 0xff    // bits 0-7: currency index in Matcher.curs
	statusShift   = 8       // bits 8-9: Status
	matchShift    = 10      // bits 10-11: matching server records, saturating at 2
	firstDiffFlag = 1 << 12 // the first matching record differs in amount or currency
	anyDiffFlag   = 1 << 13 // some matching record differs
	matchMask     = 3 << matchShift
)

// Purchases are kept in fixed-size blocks rather than one growing slice, so
// that growing never copies hundreds of megabytes or holds two copies.
const (
	blockBits = 16
	blockSize = 1 << blockBits
	maxBlocks = 1 << (32 - blockBits)
)

// tidJob is one batch of accepted purchases for the tid goroutine.
type tidJob struct {
	idx  []uint32
	hash []uint32
	tid  [][]byte // in the arena, so valid after the batch is gone
}

// money is a server record's amount, kept only when it differs from the
// purchase it matched.
type money struct {
	amount int64
	cur    uint8
}

// Matcher joins purchases with server records. Feed it every purchase with
// AddPurchase, call EndPurchases, then feed every server record with
// AddServerRecord, then take the Result. Only the Prepare methods may be
// called concurrently (with each other and, for PrepareServerRecord, with
// AddServerRecord); everything else belongs to one goroutine.
type Matcher struct {
	seed    maphash.Seed
	arena   arena
	refs    *[maxBlocks][]uint64 // fixed, so the tid goroutine reads it without a lock
	amounts *[maxBlocks][]int64
	n       uint32
	txids   idTable // owned by the goroutine calling AddPurchases
	tids    idTable // owned by the tid goroutine until EndPurchases

	// The tid index is built on a goroutine of its own, one batch behind the
	// txid index (a row's tid counts only once its txid is accepted), so
	// the two halves of loading run on two cores.
	tidJobs chan *tidJob
	tidFree chan *tidJob
	tidDone chan struct{}

	curs   []string // interned currency codes, indexed by the meta's currency bits
	curIdx map[string]uint8

	firstDiff map[uint32]money
	dupTIDs   int64
	ended     bool

	// Unmatched server records, in order, for delivered_not_paid.
	dnpIDs     arena
	dnpOffs    []uint64
	dnpAmounts []int64
	dnpCurs    []uint8

	serverRows int64

	lastCur    string
	lastCurIdx uint8
	// sink and sinks keep the group loads from being optimised away.
	sink  uint64
	sinks atomic.Uint64
}

// NewMatcher returns an empty Matcher.
func NewMatcher() *Matcher {
	return &Matcher{
		seed:      maphash.MakeSeed(),
		refs:      new([maxBlocks][]uint64),
		amounts:   new([maxBlocks][]int64),
		txids:     newIDTable(0),
		tids:      newIDTable(0),
		curIdx:    make(map[string]uint8),
		firstDiff: make(map[uint32]money),
	}
}

// Grow sizes the id tables for about n purchases, so that loading them does
// not pass through ever larger tables (each doubling briefly holds both).
func (m *Matcher) Grow(n int) {
	if m.n != 0 || n <= 0 {
		return
	}
	m.txids = newIDTable(n)
	m.tids = newIDTable(n)
}

func (m *Matcher) hash(b []byte) uint32 {
	h := maphash.Bytes(m.seed, b)
	return uint32(h>>32) ^ uint32(h)
}

func (m *Matcher) ref(idx uint32) *uint64 { return &m.refs[idx>>blockBits][idx&(blockSize-1)] }

// loadRef reads a purchase's word where AddServerRecords may be updating its
// state bits at the same time (PrepareServerRecords reads only the offset
// bits, which never change). On amd64 and arm64 it is a plain load.
func (m *Matcher) loadRef(idx uint32) uint64 { return atomic.LoadUint64(m.ref(idx)) }

func (m *Matcher) amount(idx uint32) int64 { return m.amounts[idx>>blockBits][idx&(blockSize-1)] }

// findTx returns the purchase index plus one for txid (0 if none) and the
// slot where txid would go.
func (m *Matcher) findTx(h uint32, txid []byte) (uint32, int) {
	t := &m.txids
	pos := t.home(h)
	for {
		s := t.slots[pos]
		if s == 0 {
			return 0, pos
		}
		if uint32(s>>32) == h {
			idx := uint32(s) - 1
			if bytes.Equal(m.arena.txid(m.loadRef(idx)>>metaBits), txid) {
				return idx + 1, pos
			}
		}
		pos = t.next(pos)
	}
}

// findTid is findTx for tids.
func (m *Matcher) findTid(h uint32, tid []byte) (uint32, int) {
	t := &m.tids
	pos := t.home(h)
	for {
		s := t.slots[pos]
		if s == 0 {
			return 0, pos
		}
		if uint32(s>>32) == h {
			idx := uint32(s) - 1
			if bytes.Equal(m.arena.tid(m.loadRef(idx)>>metaBits), tid) {
				return idx + 1, pos
			}
		}
		pos = t.next(pos)
	}
}

// currency interns a currency code, so a purchase carries a byte, not a string.
func (m *Matcher) currency(code string) (uint8, error) {
	if code == m.lastCur && code != "" {
		return m.lastCurIdx, nil
	}
	i, ok := m.curIdx[code]
	if !ok {
		if _, known := vocdesk.CurrencyExponent(code); !known {
			return 0, matchCurrency(code)
		}
		if len(m.curs) > curMask {
			return 0, errCurrencies
		}
		i = uint8(len(m.curs))
		m.curs = append(m.curs, code)
		m.curIdx[code] = i
	}
	m.lastCur, m.lastCurIdx = code, i
	return i, nil
}

// The batch methods work in groups: they first load the memory every row of
// the group will need (table slots, purchase state), then do the work. The
// loads of a group are independent, so the processor overlaps their cache
// misses instead of waiting for each in turn; on tables of hundreds of
// megabytes that is most of the time a join takes. Go has no prefetch
// instruction, so plain loads summed into m.sink stand in for one.
const group = 16

// PreparePurchases copies the ids of a batch into a new arena segment and
// hashes them. It may run on any goroutine: copying ids is most of the
// memory a reconciliation touches first (and fresh memory is slow to fault
// in), so it belongs on the source's parallel workers.
func (m *Matcher) PreparePurchases(rows []Purchase) {
	for len(rows) > 0 {
		// One segment for as many rows as fit in segSize (all of them,
		// unless the batch is huge); a huge id gets a segment of its own.
		size, n := 0, 0
		for n < len(rows) {
			need := entryLen(rows[n].TxID, rows[n].TID)
			if n > 0 && size+need > segSize {
				break
			}
			size, n = size+need, n+1
		}
		seg := &idSeg{b: make([]byte, 0, size)}
		for i := range rows[:n] {
			p := &rows[i]
			p.seg, p.pos = seg, len(seg.b)
			p.TxID, p.TID = appendEntry(&seg.b, p.TxID, p.TID)
			p.txHash, p.tidHash = m.hash(p.TxID), m.hash(p.TID)
			p.prepared = true
		}
		rows = rows[n:]
	}
}

// AddPurchases records a batch of store purchases, in order. It refuses,
// through reject, an empty or repeated txid, an unknown status or currency
// and a negative amount; the first row with a txid is the purchase. It must
// be followed by EndPurchases, which waits for the tid index.
func (m *Matcher) AddPurchases(rows []Purchase, reject func(i int, err error)) {
	if m.ended {
		for i := range rows {
			reject(i, errAfterEnd)
		}
		return
	}
	for i := range rows {
		if !rows[i].prepared {
			m.PreparePurchases(rows[i:])
			break
		}
	}
	if m.tidJobs == nil {
		m.startTIDs()
	}
	job := <-m.tidFree
	job.idx, job.hash, job.tid = job.idx[:0], job.hash[:0], job.tid[:0]
	var sink uint64
	for g := 0; g < len(rows); g += group {
		end := min(g+group, len(rows))
		for i := g; i < end; i++ {
			sink += m.txids.slots[m.txids.home(rows[i].txHash)]
		}
		for i := g; i < end; i++ {
			p := &rows[i]
			if err := m.addPurchase(p); err != nil {
				reject(i, err)
			} else if len(p.TID) > 0 {
				job.idx = append(job.idx, m.n-1)
				job.hash = append(job.hash, p.tidHash)
				job.tid = append(job.tid, p.TID)
			}
		}
	}
	m.sink += sink
	m.tidJobs <- job
}

// AddPurchase records one store purchase; see AddPurchases.
func (m *Matcher) AddPurchase(p *Purchase) error {
	var err error
	m.AddPurchases([]Purchase{*p}, func(_ int, e error) { err = e })
	return err
}

// addPurchase validates p, indexes its txid and stores it.
func (m *Matcher) addPurchase(p *Purchase) error {
	if len(p.TxID) == 0 {
		return errEmptyTxID
	}
	if p.Status < StatusPaid || p.Status > StatusCancelled {
		return errStatus
	}
	if p.Amount < 0 {
		return errNegative
	}
	cur, err := m.currency(p.Currency)
	if err != nil {
		return err
	}
	if m.n == 1<<32-2 {
		return errPurchases
	}
	found, txPos := m.findTx(p.txHash, p.TxID)
	if found != 0 {
		return repeatedTxID(p.TxID)
	}
	base, ok := m.arena.register(p.seg)
	if !ok {
		return errIDs
	}
	off := base | uint64(p.pos)
	idx := m.n
	if idx&(blockSize-1) == 0 {
		m.refs[idx>>blockBits] = make([]uint64, blockSize)
		m.amounts[idx>>blockBits] = make([]int64, blockSize)
	}
	*m.ref(idx) = off<<metaBits | uint64(cur) | uint64(p.Status)<<statusShift
	m.amounts[idx>>blockBits][idx&(blockSize-1)] = p.Amount
	m.n++
	if m.txids.full() {
		m.txids.grow()
		_, txPos = m.findTx(p.txHash, p.TxID)
	}
	m.txids.put(txPos, p.txHash, idx)
	return nil
}

// startTIDs starts the tid goroutine. Two jobs circulate, so the txid side
// fills one while the tid side works through the other.
func (m *Matcher) startTIDs() {
	m.tidJobs = make(chan *tidJob, 1)
	m.tidFree = make(chan *tidJob, 2)
	m.tidDone = make(chan struct{})
	m.tidFree <- &tidJob{}
	m.tidFree <- &tidJob{}
	go func() {
		defer close(m.tidDone)
		for job := range m.tidJobs {
			m.indexTIDs(job)
			m.tidFree <- job
		}
	}()
}

// indexTIDs adds a batch's tids; a tid already taken stays with the earlier
// purchase (first wins).
func (m *Matcher) indexTIDs(job *tidJob) {
	var sink uint64
	for g := 0; g < len(job.idx); g += group {
		end := min(g+group, len(job.idx))
		for i := g; i < end; i++ {
			sink += m.tids.slots[m.tids.home(job.hash[i])]
		}
		for i := g; i < end; i++ {
			found, pos := m.findTid(job.hash[i], job.tid[i])
			if found != 0 {
				m.dupTIDs++
				continue
			}
			if m.tids.full() {
				m.tids.grow()
				_, pos = m.findTid(job.hash[i], job.tid[i])
			}
			m.tids.put(pos, job.hash[i], job.idx[i])
		}
	}
	m.sinks.Add(sink)
}

// EndPurchases closes the store side and waits for the tid index: from now
// on the id tables are only read, which is what lets PrepareServerRecords
// run concurrently. Calling it again does nothing.
func (m *Matcher) EndPurchases() {
	if m.ended {
		return
	}
	m.ended = true
	if m.tidJobs != nil {
		close(m.tidJobs)
		<-m.tidDone
	}
}

// PrepareServerRecords finds the purchase each record matches. It may run on
// any goroutine, concurrently with itself and AddServerRecords, once
// EndPurchases was called. A lookup follows three dependent loads (slot,
// purchase, ids); each stage loads its part for the whole group first.
func (m *Matcher) PrepareServerRecords(rows []ServerRecord) {
	if !m.ended {
		return // AddServerRecords will refuse them
	}
	var hs [group]uint32
	var cand [group]uint32
	var sink uint64
	for g := 0; g < len(rows); g += group {
		grp := rows[g:min(g+group, len(rows))]
		for i := range grp {
			r := &grp[i]
			t := m.tableFor(r)
			hs[i] = m.hash(r.key())
			sink += t.slots[t.home(hs[i])]
		}
		for i := range grp {
			t := m.tableFor(&grp[i])
			cand[i] = 0
			for pos := t.home(hs[i]); ; pos = t.next(pos) {
				s := t.slots[pos]
				if s == 0 {
					break
				}
				if uint32(s>>32) == hs[i] {
					cand[i] = uint32(s)
					sink += m.loadRef(cand[i] - 1)
					break
				}
			}
		}
		for i := range grp {
			if cand[i] != 0 {
				off := m.loadRef(cand[i]-1) >> metaBits
				sink += uint64(m.arena.segs[off>>segBits][off&(segSize-1)])
			}
		}
		for i := range grp {
			r := &grp[i]
			r.match = m.lookupHashed(r, hs[i])
			r.resolved = true
		}
	}
	m.sinks.Add(sink)
}

// key is the id a record is matched by: its txid, or its tid without one.
func (r *ServerRecord) key() []byte {
	if len(r.TxID) > 0 {
		return r.TxID
	}
	return r.TID
}

func (m *Matcher) tableFor(r *ServerRecord) *idTable {
	if len(r.TxID) > 0 {
		return &m.txids
	}
	return &m.tids
}

func (m *Matcher) lookupHashed(r *ServerRecord, h uint32) uint32 {
	if len(r.TxID) > 0 {
		found, _ := m.findTx(h, r.TxID)
		return found
	}
	if len(r.TID) > 0 {
		found, _ := m.findTid(h, r.TID)
		return found
	}
	return 0
}

// AddServerRecords applies a batch of server records, in the log's order
// (which decides whose amount "the first matching record" shows). It
// refuses, through reject, a negative amount or an unknown currency.
func (m *Matcher) AddServerRecords(rows []ServerRecord, reject func(i int, err error)) {
	if !m.ended {
		for i := range rows {
			reject(i, errBeforeEnd)
		}
		return
	}
	var sink uint64
	for g := 0; g < len(rows); g += group {
		end := min(g+group, len(rows))
		for i := g; i < end; i++ {
			r := &rows[i]
			if !r.resolved {
				r.match, r.resolved = m.lookupHashed(r, m.hash(r.key())), true
			}
			if r.match != 0 {
				sink += *m.ref(r.match - 1) + uint64(m.amount(r.match-1))
			}
		}
		for i := g; i < end; i++ {
			if err := m.addServerRecord(&rows[i]); err != nil {
				reject(i, err)
			}
		}
	}
	m.sink += sink
}

// AddServerRecord applies one server record; see AddServerRecords.
func (m *Matcher) AddServerRecord(r *ServerRecord) error {
	var err error
	m.AddServerRecords([]ServerRecord{*r}, func(_ int, e error) { err = e })
	return err
}

func (m *Matcher) addServerRecord(r *ServerRecord) error {
	if r.Amount < 0 {
		return errNegative
	}
	cur, err := m.currency(r.Currency)
	if err != nil {
		return err
	}
	m.serverRows++
	if r.match == 0 {
		off, ok := m.dnpIDs.put(r.TxID, r.TID)
		if !ok {
			return errUnmatched
		}
		m.dnpOffs = append(m.dnpOffs, off)
		m.dnpAmounts = append(m.dnpAmounts, r.Amount)
		m.dnpCurs = append(m.dnpCurs, cur)
		return nil
	}
	idx := r.match - 1
	ref := m.ref(idx)
	v := *ref // this goroutine is the only writer
	differs := r.Amount != m.amount(idx) || uint64(cur) != v&curMask
	switch v & matchMask {
	case 0:
		v += 1 << matchShift
		if differs {
			m.firstDiff[idx] = money{r.Amount, cur}
			v |= firstDiffFlag | anyDiffFlag
		}
	case 1 << matchShift:
		v += 1 << matchShift
		fallthrough
	default:
		if differs {
			v |= anyDiffFlag
		}
	}
	atomic.StoreUint64(ref, v)
	return nil
}

// classify applies the contract's rules, in order, to one purchase's state.
func classify(v uint64) Category {
	status := Status(v >> statusShift & 3)
	matches := v & matchMask
	switch {
	case status == StatusRefunded || status == StatusCancelled:
		if matches != 0 {
			return DeliveredAfterRefund
		}
		return Refunded
	case matches == 0:
		return PaidNotDelivered
	case v&anyDiffFlag != 0:
		return AmountMismatch
	case matches > 1<<matchShift:
		return DuplicateDelivery
	}
	return Matched
}

// Result counts every category and keeps what it needs to list exceptions.
func (m *Matcher) Result() *Result {
	r := &Result{m: m, StoreRows: int64(m.n), ServerRows: m.serverRows, DuplicateStoreTIDs: m.dupTIDs}
	for b := 0; b*blockSize < int(m.n); b++ {
		blk := m.refs[b]
		n := blockSize
		if rest := int(m.n) - b*blockSize; rest < n {
			n = rest
		}
		for _, v := range blk[:n] {
			r.counts[classify(v)]++
		}
	}
	r.counts[DeliveredNotPaid] = int64(len(m.dnpOffs))
	return r
}

// MemoryBytes estimates what the Matcher holds, for progress reports.
func (m *Matcher) MemoryBytes() int64 {
	return m.arena.size() + m.dnpIDs.size() + int64(m.n/blockSize+1)*blockSize*16 +
		int64(len(m.txids.slots)+len(m.tids.slots))*8
}
