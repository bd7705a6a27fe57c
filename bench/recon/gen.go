package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// The generator writes a store payment history and a developer's server log
// that look like real exports: extra columns, the server's own column names,
// KRW and USD, and a mix of outcomes close to what a busy marketplace sees
// (about 90% matched). It is seeded, so every run compares the same files.

// serverColumns is the --map the server file needs.
const serverColumns = "txid=store_tx_id,tid=order_no,amount=price,currency=cur"

var apps = []string{"com.example.puzzle", "kr.co.studio.rpg", "com.example.music", "kr.game.racing", "com.example.chat"}

// generate writes store.csv and server.csv into dir.
func generate(dir string, rows int, seed uint64) (storePath, serverPath string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	storePath, serverPath = filepath.Join(dir, "store.csv"), filepath.Join(dir, "server.csv")
	sf, err := os.Create(storePath)
	if err != nil {
		return "", "", err
	}
	defer sf.Close()
	vf, err := os.Create(serverPath)
	if err != nil {
		return "", "", err
	}
	defer vf.Close()
	st, sv := bufio.NewWriterSize(sf, 1<<20), bufio.NewWriterSize(vf, 1<<20)
	st.WriteString("txid,tid,app,amount,currency,status,paid_at\n")
	sv.WriteString("store_tx_id,order_no,user_id,price,cur,delivered_at\n")

	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var line []byte
	for i := range rows {
		txid := fmt.Appendf(nil, "TS20240501%010d", i)
		tid := fmt.Appendf(nil, "ORD-%012x", uint64(i)*2654435761%(1<<48))
		krw := r.IntN(10) < 7
		var amount int64 // minor units
		cur := "USD"
		if krw {
			cur, amount = "KRW", int64(r.IntN(990)+10)*100
		} else {
			amount = int64(r.IntN(100))*100 + 99
		}
		status := "paid"
		switch x := r.IntN(100); {
		case x < 3:
			status = "refunded"
		case x < 5:
			status = "cancelled"
		}
		paidAt := fmt.Sprintf("2024-05-%02dT%02d:%02d:%02dZ", 1+i%28, r.IntN(24), r.IntN(60), r.IntN(60))
		line = append(line[:0], txid...)
		line = append(line, ',')
		line = append(line, tid...)
		line = append(line, ',')
		line = append(line, apps[i%len(apps)]...)
		line = append(line, ',')
		line = appendAmount(line, amount, cur, false)
		line = append(line, ',')
		line = append(line, cur...)
		line = append(line, ',')
		line = append(line, status...)
		line = append(line, ',')
		line = append(line, paidAt...)
		line = append(line, '\n')
		st.Write(line)

		// How many server records, and whether they agree.
		n, bad := 1, false
		if status != "paid" {
			n = r.IntN(2) // delivered after refund half the time
		} else {
			switch x := r.IntN(1000); {
			case x < 30:
				n = 0 // paid, never delivered
			case x < 50:
				bad = true // amount mismatch
			case x < 70:
				n = 2 // delivered twice
			}
		}
		for k := range n {
			srvAmount := amount
			if bad && k == 0 {
				srvAmount += 100
			}
			writeServer(sv, &line, r, txid, tid, srvAmount, cur, i)
		}
		if r.IntN(100) == 0 { // delivered, never paid
			ghost := fmt.Appendf(nil, "TS20240601%010d", i)
			ghostTID := fmt.Appendf(nil, "GHOST-%010d", i)
			writeServer(sv, &line, r, ghost, ghostTID, amount, cur, i)
		}
	}
	if err := st.Flush(); err != nil {
		return "", "", err
	}
	if err := sv.Flush(); err != nil {
		return "", "", err
	}
	return storePath, serverPath, nil
}

func writeServer(w *bufio.Writer, line *[]byte, r *rand.Rand, txid, tid []byte, amount int64, cur string, i int) {
	l := (*line)[:0]
	if r.IntN(10) != 0 { // one record in ten was logged before the store's txid was known
		l = append(l, txid...)
	}
	l = append(l, ',')
	l = append(l, tid...)
	l = append(l, ",u"...)
	l = strconv.AppendInt(l, int64(i%5000000)+10000000, 10)
	l = append(l, ',')
	l = appendAmount(l, amount, cur, r.IntN(4) == 0)
	l = append(l, ',')
	l = append(l, cur...)
	l = append(l, ",2024-05-"...)
	l = fmt.Appendf(l, "%02dT%02d:%02d:%02dZ\n", 1+i%28, r.IntN(24), r.IntN(60), r.IntN(60))
	w.Write(l)
	*line = l
}

// appendAmount writes minor units as a decimal in major units; padded adds
// zero decimals ("1200.00" KRW, "10.990" USD), which are the same amount.
func appendAmount(b []byte, minor int64, cur string, padded bool) []byte {
	if cur == "KRW" {
		b = strconv.AppendInt(b, minor, 10)
		if padded {
			b = append(b, ".00"...)
		}
		return b
	}
	b = strconv.AppendInt(b, minor/100, 10)
	b = append(b, '.')
	if minor%100 < 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, minor%100, 10)
	if padded {
		b = append(b, '0')
	}
	return b
}
