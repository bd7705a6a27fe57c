package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/vocdesk/vocdesk"
)

// requestInfo is what the inner layers learn about a request (its route, its
// actor, its error) and the outer layer logs and counts. It travels in the
// context as a pointer, because the inner layers see copies of the request.
type requestInfo struct {
	id    string
	route string // the route pattern; "" when no route matched
	realm vocdesk.Realm
	err   error
}

type infoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(infoKey{}).(*requestInfo)
	return info
}

// nameRoute records the pattern of the page a request matched, so that page
// requests are counted and logged by page like API requests are by route.
func nameRoute(r *http.Request, pattern string) {
	if info := infoFrom(r.Context()); info != nil {
		info.route = pattern
	}
}

// statusWriter remembers the status and size of the answer.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach Flush and deadlines underneath.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// requestIDRE accepts a caller's request id only when it is short and plain,
// so that logs cannot be stuffed through it.
var requestIDRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// observe is the outermost layer: it gives every request an id, and logs and
// counts it once it is answered. A 5xx is logged at error level with its
// cause, so the cause and the request are in one line.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{id: r.Header.Get("X-Request-Id")}
		if !requestIDRE.MatchString(info.id) {
			info.id = newRequestID()
		}
		w.Header().Set("X-Request-Id", info.id)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), infoKey{}, info)))

		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		elapsed := time.Since(start)
		route := info.route
		if route == "" {
			route = "unmatched"
		}
		s.metrics.observe(route, sw.status, elapsed)

		attrs := []slog.Attr{
			slog.String("id", info.id),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path), // never the query: it may hold emails
			slog.String("route", route),
			slog.Int("status", sw.status),
			slog.Int("bytes", sw.bytes),
			slog.Duration("duration", elapsed),
		}
		if info.realm != "" {
			attrs = append(attrs, slog.String("realm", string(info.realm)))
		}
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
			if info.err != nil {
				attrs = append(attrs, slog.String("error", info.err.Error()))
			}
		}
		s.log.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

// recoverPanics turns a panic in a handler into a 500 JSON answer (when
// nothing was written yet) and a logged error with the stack, instead of a
// dropped connection.
func recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v) // the server's own signal to drop the connection
			}
			err := fmt.Errorf("panic: %v\n%s", v, debug.Stack())
			if sw, ok := w.(*statusWriter); ok && sw.status != 0 {
				// Too late for a clean answer; record the cause at least.
				if info := infoFrom(r.Context()); info != nil {
					info.err = err
				}
				return
			}
			writeError(w, r, err)
		}()
		next.ServeHTTP(w, r)
	})
}

// retryAfter renders a wait as whole seconds for the Retry-After header,
// rounding up so the client never comes back too early.
func retryAfter(d time.Duration) string {
	secs := int64((d + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return strconv.FormatInt(secs, 10)
}
