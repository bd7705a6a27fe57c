package mail_test

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// sink is a real SMTP server (Debian's python3-aiosmtpd, testdata/
// smtp_sink.py) that stores what it accepts in a directory.
type sink struct {
	Addr string
	Dir  string
}

// sinkPython is the Python that has Debian's aiosmtpd: the system one.
func sinkPython(t *testing.T) string {
	for _, p := range []string{"/usr/bin/python3"} {
		if exec.Command(p, "-c", "import aiosmtpd").Run() == nil {
			return p
		}
	}
	t.Fatal("python3-aiosmtpd is needed (scripts/test-deps.sh installs it)")
	return ""
}

// startSink runs the sink with args (--tempfail N, --reject) until the test
// ends. script is the path of smtp_sink.py from the test's directory.
func startSink(t *testing.T, script string, args ...string) *sink {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	host, port, _ := net.SplitHostPort(addr)
	s := &sink{Addr: addr, Dir: t.TempDir()}
	cmd := exec.Command(sinkPython(t), append([]string{script, host, port, s.Dir}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		ready <- sc.Scan() && sc.Text() == "ready"
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatal("the SMTP sink did not start")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the SMTP sink did not start in time")
	}
	return s
}

// messages returns what the sink stored, in arrival order.
func (s *sink) messages(t *testing.T) [][]byte {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(s.Dir, "*.eml"))
	sort.Slice(files, func(i, j int) bool {
		return len(files[i]) < len(files[j]) || (len(files[i]) == len(files[j]) && files[i] < files[j])
	})
	var out [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}
