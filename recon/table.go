package recon

import (
	"encoding/binary"
)

// idTable is an open-addressing hash table (linear probing) from an id to a
// purchase index. Each slot is one uint64: the id's 32-bit hash in the high
// half and the index plus one in the low half, 0 meaning empty. Keeping the
// hash in the slot lets a probe skip almost every other key without touching
// the arena, and lets the table grow without rereading the ids. The home slot
// is the hash scaled to the table's size (Lemire's multiply-shift), so the
// size need not be a power of two and the table can run at a load of 4/5:
// at 10 million ids it takes 100 MiB, a third of a map[string]uint32.
type idTable struct {
	slots []uint64
	n     int
}

// minTableSize keeps tiny reconciliations from resizing at every row.
const minTableSize = 1 << 10

func newIDTable(hint int) idTable {
	var t idTable
	t.slots = make([]uint64, tableSizeFor(hint))
	return t
}

// tableSizeFor returns a size that holds n ids at a load of 4/5.
func tableSizeFor(n int) int {
	return max(n+n/4+1, minTableSize)
}

// home is the first slot to probe for hash h.
func (t *idTable) home(h uint32) int {
	return int(uint64(h) * uint64(len(t.slots)) >> 32)
}

// next is the slot after pos, wrapping around.
func (t *idTable) next(pos int) int {
	pos++
	if pos == len(t.slots) {
		return 0
	}
	return pos
}

// full reports whether one more id would push the load above 4/5.
func (t *idTable) full() bool { return (t.n+1)*5 > len(t.slots)*4 }

// grow doubles the table. The slots carry their hash, so no id is reread.
func (t *idTable) grow() {
	old := t.slots
	t.slots = make([]uint64, 2*len(old))
	for _, s := range old {
		if s == 0 {
			continue
		}
		pos := t.home(uint32(s >> 32))
		for t.slots[pos] != 0 {
			pos = t.next(pos)
		}
		t.slots[pos] = s
	}
}

// put stores idx at pos, a free slot that a failed lookup returned.
func (t *idTable) put(pos int, h, idx uint32) {
	t.slots[pos] = uint64(h)<<32 | uint64(idx+1)
	t.n++
}

// arena keeps the ids of many rows in a few large byte slices, so that ten
// million purchases cost no per-row allocation and no pointer for the
// garbage collector to trace. An entry is the txid and the tid, each
// preceded by its length as a uvarint; its offset is the segment number
// times segSize plus the position in the segment.
//
// The segment directory is a fixed array, never reallocated, so that the
// goroutine indexing tids can read old segments while the one indexing
// txids registers new ones, without a lock.
type arena struct {
	segs *[maxSegs][]byte
	n    int
}

const (
	segBits = 24
	segSize = 1 << segBits // 16 MiB: large enough to amortise, small enough not to waste
	// offBits bounds an arena offset so that it fits beside 24 bits of
	// per-purchase state in one uint64 (1 TiB of ids: far beyond memory).
	offBits = 40
	maxSegs = 1 << (offBits - segBits)
)

// entryLen is the size of the entry for two ids.
func entryLen(txid, tid []byte) int {
	return varintLen(len(txid)) + len(txid) + varintLen(len(tid)) + len(tid)
}

func varintLen(n int) int {
	k := 1
	for n >= 0x80 {
		n >>= 7
		k++
	}
	return k
}

// appendEntry writes an entry at the end of seg, which has room for it, and
// returns the ids' new homes.
func appendEntry(seg *[]byte, txid, tid []byte) (newTx, newTid []byte) {
	b := binary.AppendUvarint(*seg, uint64(len(txid)))
	b = append(b, txid...)
	newTx = b[len(b)-len(txid) : len(b) : len(b)]
	b = binary.AppendUvarint(b, uint64(len(tid)))
	b = append(b, tid...)
	newTid = b[len(b)-len(tid) : len(b) : len(b)]
	*seg = b
	return newTx, newTid
}

// idSeg is a segment filled off the ordered goroutine (by PreparePurchases)
// and registered in the arena by the first purchase added from it.
type idSeg struct {
	b  []byte
	no int // segment number plus one; 0 until registered
}

// register gives seg its number, if it has none yet.
func (a *arena) register(seg *idSeg) (uint64, bool) {
	if seg.no == 0 {
		if a.n == maxSegs {
			return 0, false
		}
		a.init()
		a.segs[a.n] = seg.b
		a.n++
		seg.no = a.n
	}
	return uint64(seg.no-1) << segBits, true
}

func (a *arena) init() {
	if a.segs == nil {
		a.segs = new([maxSegs][]byte)
	}
}

// put copies the two ids into the arena and returns their offset, or false
// when the arena is full.
func (a *arena) put(txid, tid []byte) (uint64, bool) {
	need := entryLen(txid, tid)
	a.init()
	n := a.n
	// An entry must start below segSize for its offset to fit.
	if n == 0 || cap(a.segs[n-1])-len(a.segs[n-1]) < need || len(a.segs[n-1]) >= segSize {
		if n == maxSegs {
			return 0, false
		}
		// Segments double from 64 KiB to segSize, so a few unmatched server
		// records do not cost 16 MiB; a huge id gets a segment of its own.
		size := segSize
		if n < 8 {
			size = 64 << 10 << n
		}
		a.segs[n] = make([]byte, 0, max(size, need))
		a.n++
		n++
	}
	off := uint64(n-1)<<segBits | uint64(len(a.segs[n-1]))
	appendEntry(&a.segs[n-1], txid, tid)
	return off, true
}

// txid returns the first id of the entry at off.
func (a *arena) txid(off uint64) []byte {
	b := a.segs[off>>segBits][off&(segSize-1):]
	l, k := uvarint(b)
	return b[k : k+l]
}

// ids returns both ids of the entry at off.
func (a *arena) ids(off uint64) (txid, tid []byte) {
	b := a.segs[off>>segBits][off&(segSize-1):]
	l, k := uvarint(b)
	txid, b = b[k:k+l], b[k+l:]
	l, k = uvarint(b)
	return txid, b[k : k+l]
}

// tid returns the second id of the entry at off.
func (a *arena) tid(off uint64) []byte {
	_, tid := a.ids(off)
	return tid
}

// uvarint decodes a length written by put; ids shorter than 128 bytes, the
// usual case, take the one-byte branch.
func uvarint(b []byte) (int, int) {
	if b[0] < 0x80 {
		return int(b[0]), 1
	}
	v, k := binary.Uvarint(b)
	return int(v), k
}

// size is the memory the arena holds, for statistics.
func (a *arena) size() int64 {
	var n int64
	for i := range a.n {
		n += int64(cap(a.segs[i]))
	}
	return n
}
