package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// report holds one engine's figures, each with its goal.
type report struct {
	engine string
	lines  []string
}

func (r *report) add(format string, args ...any) {
	line := fmt.Sprintf(format, args...) + loadAverage()
	r.lines = append(r.lines, line)
	logf("%s: %s", r.engine, line)
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "== %s ==\n", r.engine)
	for _, l := range r.lines {
		fmt.Fprintln(w, "  "+l)
	}
}

// loadAverage is the machine's one-minute load average, as " [load 1.23]",
// or "" where /proc/loadavg does not exist: figures from a busy machine are
// worth less, and the reader should know.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return ""
	}
	return fmt.Sprintf(" [load %s on %d CPUs]", f[0], runtime.NumCPU())
}

func verdict(ok bool) string {
	if ok {
		return "goal met"
	}
	return "GOAL MISSED"
}

// percentiles returns p50, p95 and p99 of ds (sorted in place).
func percentiles(ds []time.Duration) (p50, p95, p99 time.Duration) {
	slices.Sort(ds)
	at := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	return at(0.50), at(0.95), at(0.99)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }
