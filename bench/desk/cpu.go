package main

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
)

// cpuMeter is a client that can tell how much CPU the side answering it
// has used so far: on a 2-core machine the load generator shares the cores
// with the server, so requests/s alone understate what the server can do.
type cpuMeter interface {
	cpu() (time.Duration, error)
}

// cpu is this process's CPU time: the services run in process.
func (s *serviceClient) cpu() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, err
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}

// cpu is the vocdesk serve process's CPU time, from /proc.
func (c *httpClient) cpu() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; fields after its ")" are
	// state, ppid, ... utime (14) and stime (15) in clock ticks.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("unexpected /proc stat: %q", s)
	}
	var utime, stime int64
	fmt.Sscan(f[11], &utime)
	fmt.Sscan(f[12], &stime)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks, nil
}
