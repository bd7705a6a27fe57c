package crashtest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds the real vocdesk command once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "vocdesk-crashtest")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "vocdesk")
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Dir(filepath.Dir(file))
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/vocdesk")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// run runs a vocdesk command to completion and returns its stdout.
func run(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("vocdesk %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

// server is a `vocdesk serve` subprocess that can be killed and restarted
// on the same database and address.
type server struct {
	t    *testing.T
	args []string
	addr string
	log  *os.File

	mu   sync.Mutex
	cmd  *exec.Cmd
	wait chan struct{}
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func newServer(t *testing.T, dsn string, extra ...string) *server {
	addr := freeAddr(t)
	log, err := os.Create(filepath.Join(t.TempDir(), "serve.log"))
	if err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, addr: addr, log: log,
		args: append([]string{"serve", "--addr", addr, "--db", dsn, "--log-level", "warn", "--shutdown-timeout", "2s"}, extra...)}
	t.Cleanup(func() {
		s.kill()
		log.Close()
		if t.Failed() {
			b, _ := os.ReadFile(log.Name())
			if len(b) > 8000 {
				b = b[len(b)-8000:]
			}
			t.Logf("server log (tail):\n%s", b)
		}
	})
	return s
}

func (s *server) url() string { return "http://" + s.addr }

// start launches the process and waits until it answers /readyz.
func (s *server) start() {
	s.t.Helper()
	s.mu.Lock()
	cmd := exec.Command(binary(s.t), s.args...)
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		s.mu.Unlock()
		s.t.Fatalf("start vocdesk serve: %v", err)
	}
	wait := make(chan struct{})
	go func() { _ = cmd.Wait(); close(wait) }()
	s.cmd, s.wait = cmd, wait
	s.mu.Unlock()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-wait:
			s.t.Fatalf("vocdesk serve exited during start")
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		req, _ := http.NewRequestWithContext(ctx, "GET", s.url()+"/readyz", nil)
		res, err := http.DefaultClient.Do(req)
		cancel()
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("vocdesk serve did not become ready")
}

// kill sends SIGKILL: no shutdown, no deferred work, as a power cut.
func (s *server) kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.wait
	s.cmd = nil
}
