package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
)

// httpClient measures the desk through the JSON API of a real `vocdesk
// serve` (built from this repository, on a loopback port, on the loaded
// database): bearer authentication, routing, middleware and JSON both ways.
// Each developer's requests carry that developer's API key, so an inquiry
// view only reads (a member opening it would clear the unread marker).
type httpClient struct {
	base string
	http *http.Client
	keys []string // by developer id
	op   string   // the operator's key
	stop func()
	pid  int // of vocdesk serve
}

// newHTTPClient makes an API key for every developer of the world, builds
// the binary and starts vocdesk serve on dsn.
func newHTTPClient(ctx context.Context, db *sqlstore.DB, dsn string, w *world, clients int) (*httpClient, error) {
	c := &httpClient{
		http: &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients}},
		keys: make([]string, w.developers+1),
	}
	auth := sqlstore.NewAuthService(db)
	sys := vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor())
	for d := 1; d <= w.developers; d++ {
		k, err := auth.CreateAPIKey(sys, &vocdesk.APIKey{Realm: vocdesk.RealmDeveloper, DeveloperSlug: fmt.Sprintf("dev-%d", d), Name: "bench"})
		if err != nil {
			return nil, fmt.Errorf("api key of dev-%d: %w", d, err)
		}
		c.keys[d] = k
	}
	op, err := auth.CreateAPIKey(sys, &vocdesk.APIKey{Realm: vocdesk.RealmOperator, Name: "bench"})
	if err != nil {
		return nil, fmt.Errorf("operator api key: %w", err)
	}
	c.op = op
	dir, err := os.MkdirTemp("", "desk-bench-bin")
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "vocdesk")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/vocdesk")
	build.Dir, build.Env = "..", append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--log-level", "info")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "VOCDESK_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c.pid = cmd.Process.Pid
	c.stop = func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		os.RemoveAll(dir)
	}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- m[1]
			} else if strings.Contains(sc.Text(), "level=ERROR") {
				fmt.Fprintln(os.Stderr, "  serve:", sc.Text())
			}
		}
	}()
	select {
	case c.base = <-urlc:
		return c, nil
	case <-time.After(2 * time.Minute):
		c.stop()
		return nil, errors.New("vocdesk serve did not start")
	}
}

var servingRE = regexp.MustCompile(`url=(http://[0-9.:]+)`)

// get fetches path as developer dev (0: the operator) and decodes the JSON answer into v.
func (c *httpClient) get(ctx context.Context, dev int, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, "GET", c.base+path, nil)
	if err != nil {
		return err
	}
	key := c.op // dev 0: the operator
	if dev > 0 {
		key = c.keys[dev]
	}
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		return fmt.Errorf("GET %s: %d %s", path, res.StatusCode, b)
	}
	return json.NewDecoder(res.Body).Decode(v)
}

type listAnswer struct {
	Items []json.RawMessage `json:"items"`
}

func (c *httpClient) inbox(ctx context.Context, dev int, f vocdesk.InquiryFilter) (int, error) {
	q := url.Values{"limit": {strconv.Itoa(f.Limit)}}
	if f.Sort != "" {
		q.Set("sort", f.Sort)
	}
	if len(f.Status) > 0 {
		st := make([]string, len(f.Status))
		for i, s := range f.Status {
			st[i] = string(s)
		}
		q.Set("status", strings.Join(st, ","))
	}
	if f.Snoozed != "" {
		q.Set("snoozed", f.Snoozed)
	}
	if f.Priority != "" {
		q.Set("priority", string(f.Priority))
	}
	var a listAnswer
	err := c.get(ctx, dev, "/api/v1/inquiries?"+q.Encode(), &a)
	return len(a.Items), err
}

// view is GET /inquiries/{id}: the inquiry, its thread and the customer
// panel (purchases of this developer's apps, earlier inquiries).
func (c *httpClient) view(ctx context.Context, dev int, id int64) (int, error) {
	var a struct {
		Messages          []json.RawMessage `json:"messages"`
		CustomerPurchases []json.RawMessage `json:"customer_purchases"`
	}
	err := c.get(ctx, dev, "/api/v1/inquiries/"+strconv.FormatInt(id, 10), &a)
	return len(a.Messages) + len(a.CustomerPurchases), err
}

func (c *httpClient) search(ctx context.Context, dev int, q string) (int, error) {
	var a listAnswer
	err := c.get(ctx, dev, "/api/v1/inquiries?limit=20&q="+url.QueryEscape(q), &a)
	return len(a.Items), err
}

func (c *httpClient) operatorSearch(ctx context.Context, q string) (int, error) {
	var a listAnswer
	err := c.get(ctx, 0, "/api/v1/inquiries?limit=20&q="+url.QueryEscape(q), &a)
	return len(a.Items), err
}

// close stops the server.
func (c *httpClient) close() {
	if c.stop != nil {
		c.stop()
	}
}

var errUnknownMode = errors.New("mode must be service or http")
