package recon

import (
	"bytes"
	"fmt"
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
)

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
	refs    [][]uint64
	amounts [][]int64
	n       uint32
	txids   idTable
	tids    idTable

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
			if bytes.Equal(m.arena.txid(*m.ref(idx)>>metaBits), txid) {
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
			if bytes.Equal(m.arena.tid(*m.ref(idx)>>metaBits), tid) {
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
			return 0, fmt.Errorf("unknown currency %q", code)
		}
		if len(m.curs) > curMask {
			return 0, fmt.Errorf("too many currencies")
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

// PreparePurchases hashes the ids of a batch. It may run on any goroutine.
func (m *Matcher) PreparePurchases(rows []Purchase) {
	for i := range rows {
		p := &rows[i]
		p.txHash = m.hash(p.TxID)
		p.tidHash = m.hash(p.TID)
		p.prepared = true
	}
}

// AddPurchases records a batch of store purchases, in order. It refuses,
// through reject, an empty or repeated txid, an unknown status or currency
// and a negative amount; the first row with a txid is the purchase.
func (m *Matcher) AddPurchases(rows []Purchase, reject func(i int, err error)) {
	var sink uint64
	for g := 0; g < len(rows); g += group {
		end := min(g+group, len(rows))
		for i := g; i < end; i++ {
			p := &rows[i]
			if !p.prepared {
				p.txHash, p.tidHash, p.prepared = m.hash(p.TxID), m.hash(p.TID), true
			}
			sink += m.txids.slots[m.txids.home(p.txHash)] + m.tids.slots[m.tids.home(p.tidHash)]
		}
		for i := g; i < end; i++ {
			if err := m.addPurchase(&rows[i]); err != nil {
				reject(i, err)
			}
		}
	}
	m.sink += sink
}

// AddPurchase records one store purchase; see AddPurchases.
func (m *Matcher) AddPurchase(p *Purchase) error {
	var err error
	m.AddPurchases([]Purchase{*p}, func(_ int, e error) { err = e })
	return err
}

func (m *Matcher) addPurchase(p *Purchase) error {
	if m.ended {
		return fmt.Errorf("purchase after EndPurchases")
	}
	if len(p.TxID) == 0 {
		return fmt.Errorf("empty txid")
	}
	if p.Status < StatusPaid || p.Status > StatusCancelled {
		return fmt.Errorf("unknown status")
	}
	if p.Amount < 0 {
		return fmt.Errorf("negative amount")
	}
	cur, err := m.currency(p.Currency)
	if err != nil {
		return err
	}
	if m.n == 1<<32-2 {
		return fmt.Errorf("too many purchases")
	}
	found, txPos := m.findTx(p.txHash, p.TxID)
	if found != 0 {
		return fmt.Errorf("repeated txid %q", p.TxID)
	}
	off := m.arena.put(p.TxID, p.TID)
	if off >= 1<<offBits {
		return fmt.Errorf("too many ids")
	}
	idx := m.n
	if idx&(blockSize-1) == 0 {
		m.refs = append(m.refs, make([]uint64, blockSize))
		m.amounts = append(m.amounts, make([]int64, blockSize))
	}
	*m.ref(idx) = off<<metaBits | uint64(cur) | uint64(p.Status)<<statusShift
	m.amounts[idx>>blockBits][idx&(blockSize-1)] = p.Amount
	m.n++

	if m.txids.full() {
		m.txids.grow()
		_, txPos = m.findTx(p.txHash, p.TxID)
	}
	m.txids.put(txPos, p.txHash, idx)

	if len(p.TID) == 0 {
		return nil
	}
	found, tidPos := m.findTid(p.tidHash, p.TID)
	if found != 0 {
		m.dupTIDs++ // first wins: the earlier purchase keeps the tid
		return nil
	}
	if m.tids.full() {
		m.tids.grow()
		_, tidPos = m.findTid(p.tidHash, p.TID)
	}
	m.tids.put(tidPos, p.tidHash, idx)
	return nil
}

// EndPurchases closes the store side: from now on the id tables are only
// read, which is what lets PrepareServerRecords run concurrently.
func (m *Matcher) EndPurchases() { m.ended = true }

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
					sink += *m.ref(cand[i] - 1)
					break
				}
			}
		}
		for i := range grp {
			if cand[i] != 0 {
				off := *m.ref(cand[i] - 1) >> metaBits
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
			reject(i, fmt.Errorf("server record before EndPurchases"))
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
		return fmt.Errorf("negative amount")
	}
	cur, err := m.currency(r.Currency)
	if err != nil {
		return err
	}
	m.serverRows++
	if r.match == 0 {
		m.dnpOffs = append(m.dnpOffs, m.dnpIDs.put(r.TxID, r.TID))
		m.dnpAmounts = append(m.dnpAmounts, r.Amount)
		m.dnpCurs = append(m.dnpCurs, cur)
		return nil
	}
	idx := r.match - 1
	ref := m.ref(idx)
	v := *ref
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
	*ref = v
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
	for b, blk := range m.refs {
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
	return m.arena.size() + m.dnpIDs.size() + int64(len(m.refs))*blockSize*16 +
		int64(len(m.txids.slots)+len(m.tids.slots))*8
}
