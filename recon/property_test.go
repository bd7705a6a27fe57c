package recon

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// logGen writes random but plausible store and server files: repeated and
// padded ids, refunds, missing, duplicated and mismatched deliveries, empty
// server txids, quoted fields with commas, quotes and newlines, blank lines,
// CRLF, a BOM, and a sprinkling of malformed rows.
type logGen struct {
	r    *rand.Rand
	crlf bool
}

func (g *logGen) nl() string {
	if g.crlf {
		return "\r\n"
	}
	return "\n"
}

// field renders a value as a CSV field, quoting it when it must be and
// sometimes when it need not be.
func (g *logGen) field(s string) string {
	if strings.ContainsAny(s, ",\"\r\n") || g.r.IntN(8) == 0 {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

func (g *logGen) id(prefix string, n int) string {
	s := fmt.Sprintf("%s%d", prefix, g.r.IntN(n))
	switch g.r.IntN(10) {
	case 0:
		s = "  " + s
	case 1:
		s += " "
	}
	return s
}

func (g *logGen) note() string {
	switch g.r.IntN(6) {
	case 0:
		return "a, b"
	case 1:
		return "say \"hi\""
	case 2:
		return "two\nlines"
	case 3:
		return "crlf\r\ninside"
	}
	return "n"
}

var genCurrencies = []string{"KRW", "USD", "KWD", "KRW", "USD", "XYZ"}

func (g *logGen) money() (string, string) {
	cur := genCurrencies[g.r.IntN(len(genCurrencies)-1)]
	if g.r.IntN(40) == 0 {
		cur = "XYZ"
	}
	var amount string
	switch cur {
	case "KRW":
		amount = fmt.Sprint(100 * (1 + g.r.IntN(30)))
	case "KWD":
		amount = fmt.Sprintf("%d.%03d", g.r.IntN(5), g.r.IntN(1000))
	default:
		amount = fmt.Sprintf("%d.%02d", g.r.IntN(50), g.r.IntN(100))
	}
	switch g.r.IntN(30) {
	case 0:
		amount += ".5" // invalid in every currency: a second point
	case 1:
		amount = "-" + amount
	case 2:
		if !strings.Contains(amount, ".") {
			amount += ".00" // same amount, more zeros
		} else {
			amount += "0"
		}
	case 3:
		amount = "12.5" // invalid for KRW only
	case 4:
		amount = "10" // 10 USD = 10.00
	}
	return amount, cur
}

func (g *logGen) store(rows int) []byte {
	var b bytes.Buffer
	if g.r.IntN(2) == 0 {
		b.WriteString("\xEF\xBB\xBF")
	}
	cols := []string{"txid", "tid", "amount", "currency", "status", "note"}
	g.r.Shuffle(len(cols), func(i, j int) { cols[i], cols[j] = cols[j], cols[i] })
	b.WriteString(strings.Join(cols, ",") + g.nl())
	statuses := []string{"paid", "paid", "paid", "refunded", "cancelled", "paid", "shipped"}
	for range rows {
		amount, cur := g.money()
		vals := map[string]string{
			"txid": g.id("TX", rows), "tid": g.id("T", rows), "amount": amount, "currency": cur,
			"status": statuses[g.r.IntN(len(statuses))], "note": g.note(),
		}
		if g.r.IntN(40) == 0 {
			vals["txid"] = " "
		}
		out := make([]string, 0, len(cols)+1)
		for _, c := range cols {
			out = append(out, g.field(vals[c]))
		}
		if g.r.IntN(50) == 0 {
			out = append(out, "extra") // wrong number of fields
		}
		b.WriteString(strings.Join(out, ",") + g.nl())
		if g.r.IntN(20) == 0 {
			b.WriteString(g.nl()) // blank line
		}
	}
	return b.Bytes()
}

var genColumns = map[string]string{"txid": "store_tx", "tid": "order_no", "amount": "price", "currency": "cur"}

func (g *logGen) server(rows int) []byte {
	var b bytes.Buffer
	if g.r.IntN(2) == 0 {
		b.WriteString("\xEF\xBB\xBF")
	}
	cols := []string{"store_tx", "order_no", "price", "cur", "user"}
	g.r.Shuffle(len(cols), func(i, j int) { cols[i], cols[j] = cols[j], cols[i] })
	b.WriteString(strings.Join(cols, ",") + g.nl())
	for range rows {
		amount, cur := g.money()
		vals := map[string]string{
			"store_tx": g.id("TX", rows), "order_no": g.id("T", rows), "price": amount, "cur": cur, "user": g.note(),
		}
		if g.r.IntN(4) == 0 {
			vals["store_tx"] = "" // logged before the store's txid was known
		}
		out := make([]string, 0, len(cols))
		for _, c := range cols {
			out = append(out, g.field(vals[c]))
		}
		if g.r.IntN(60) == 0 {
			out = out[:len(out)-1]
		}
		b.WriteString(strings.Join(out, ",") + g.nl())
	}
	return b.Bytes()
}

// TestPropertyAgreesWithReference checks the engine against the reference
// on many seeded random logs, with the reader cut into tiny chunks and with
// the normal sizes.
func TestPropertyAgreesWithReference(t *testing.T) {
	seeds := 300
	if testing.Short() {
		seeds = 40
	}
	for seed := range seeds {
		g := &logGen{r: rand.New(rand.NewPCG(uint64(seed), 7)), crlf: seed%2 == 1}
		rows := 1 + g.r.IntN(120)
		storeCSV, serverCSV := g.store(rows), g.server(rows+g.r.IntN(40))
		want, werr, ok := reference(storeCSV, serverCSV, genColumns)
		if !ok || werr != nil {
			t.Fatalf("seed %d: the generator wrote a file encoding/csv rejects (%v)", seed, werr)
		}
		for _, lim := range []limits{defaultLimits, {blockLen: 1 + seed%97, maxRecord: 1 << 20}} {
			got, err := engine(t, storeCSV, serverCSV, genColumns, lim)
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			if diff := compare(got, want); diff != "" {
				t.Fatalf("seed %d, block %d: %s\nstore:\n%s\nserver:\n%s", seed, lim.blockLen, diff, storeCSV, serverCSV)
			}
		}
	}
}
