package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// buildBinary builds cmd/vocdesk from the repository bench/ belongs to.
func buildBinary(ctx context.Context, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/vocdesk")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, b)
	}
	return nil
}

// vocdeskCLI runs the binary's one-shot commands on one database.
type vocdeskCLI struct {
	bin, dsn string
}

func (c *vocdeskCLI) output(ctx context.Context, args ...string) (stdout, stderr string, err error) {
	cmd := exec.CommandContext(ctx, c.bin, append(args, "--db", c.dsn)...)
	cmd.Env = cleanEnv()
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

func (c *vocdeskCLI) run(ctx context.Context, args ...string) error {
	_, stderr, err := c.output(ctx, args...)
	if err != nil {
		return fmt.Errorf("vocdesk %s: %v: %s", strings.Join(args, " "), err, stderr)
	}
	return nil
}

// operatorKey creates an operator key the way an operator would: the key
// is the last line of stdout.
func (c *vocdeskCLI) operatorKey(ctx context.Context) (string, error) {
	out, stderr, err := c.output(ctx, "key", "create", "--operator", "--name", "bench")
	if err != nil {
		return "", fmt.Errorf("vocdesk key create: %v: %s", err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return strings.TrimSpace(lines[len(lines)-1]), nil
}

// cleanEnv keeps VOCDESK_ settings of the caller's shell out of the
// benchmark's processes.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "VOCDESK_") {
			env = append(env, kv)
		}
	}
	return env
}

// server is a running `vocdesk serve`.
type server struct {
	cmd  *exec.Cmd
	url  string
	done chan error
}

var servingRE = regexp.MustCompile(`url=(http://[0-9.:]+)`)

// startServer starts vocdesk serve on a free port and waits for /readyz.
func startServer(ctx context.Context, bin, dsn, logLevel string) (*server, error) {
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--log-level", "info")
	cmd.Env = cleanEnv()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, done: make(chan error, 1)}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			if m := servingRE.FindStringSubmatch(line); m != nil {
				urlc <- m[1]
				continue
			}
			if logLevel != "info" && strings.Contains(line, "level=INFO") {
				continue
			}
			fmt.Fprintln(os.Stderr, "  serve:", line)
		}
		io.Copy(io.Discard, stderr)
	}()
	go func() { s.done <- cmd.Wait() }()
	select {
	case s.url = <-urlc:
	case err := <-s.done:
		return nil, fmt.Errorf("vocdesk serve exited: %v", err)
	case <-time.After(60 * time.Second):
		s.stop()
		return nil, fmt.Errorf("vocdesk serve did not start")
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	}
	for range 100 {
		resp, err := http.Get(s.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("vocdesk serve never became ready")
}

// stop sends SIGINT, as a person pressing ^C would, and waits.
func (s *server) stop() {
	if s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}
