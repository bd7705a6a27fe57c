package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vocdesk/vocdesk"
)

// maxBodyBytes is the contract's limit on JSON request bodies.
const maxBodyBytes = 1 << 20

// moneyFields are the JSON fields that hold amounts. A number there gets a
// message that says how to send money, since that is the mistake people make.
var moneyFields = map[string]bool{"amount": true, "price": true}

// decodeJSON reads the request body, one JSON object, into dst. It is the only
// place request bodies are read, so every route agrees on the rules:
//
//   - more than 1 MiB is 413, checked on Content-Length and while reading;
//   - a Content-Type, when present, must be JSON (application/json or a
//     +json type). A missing one is tolerated because curl users forget it,
//     but a form or text/plain body is refused: those are the types a
//     browser may send cross-site without asking first;
//   - unknown fields, malformed JSON, wrong types, an empty body and trailing
//     data after the object are 400 with a message that names the problem;
//   - invalid UTF-8, and any string that breaks vocdesk.TextProblem (a NUL, a
//     control character), are 400 invalid_text naming the field.
//
// w may be nil (fuzzing); with a writer, an oversized body also closes the
// connection instead of reading on.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return vocdesk.Errorf(vocdesk.EINVALID, "Content-Type must be application/json")
		}
	}
	if r.ContentLength > maxBodyBytes {
		return tooLarge()
	}
	// The body is read whole (it is at most 1 MiB) so that its encoding can
	// be checked before encoding/json quietly turns bad bytes into U+FFFD.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge()
		}
		return vocdesk.Errorf(vocdesk.EINVALID, "request body could not be read")
	}
	if !utf8.Valid(body) {
		return vocdesk.Errorf(vocdesk.EINVALIDTEXT, "request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	// "null" decodes into any pointer as "nothing", leaving dst as it was:
	// a PUT that then answers 200 having changed nothing.
	if bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
		return vocdesk.Errorf(vocdesk.EINVALID, "request body must be a JSON object, not null")
	}
	// Escapes can still spell what raw bytes may not (\u0000, \u001b).
	if err := checkDecodedText(dst); err != nil {
		return err
	}
	// The object must be the whole body: "{...}{...}" or "{...} x" is a
	// client bug that silently dropping the rest would hide.
	var extra json.RawMessage
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
		return nil
	case err == nil:
		return vocdesk.Errorf(vocdesk.EINVALID, "request body must hold exactly one JSON object")
	default:
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge()
		}
		return vocdesk.Errorf(vocdesk.EINVALID, "request body must hold exactly one JSON object")
	}
}

func tooLarge() error {
	return vocdesk.Errorf(vocdesk.ETOOLARGE, "request body is larger than %d bytes", maxBodyBytes)
}

// decodeError turns encoding/json's errors into messages for API users.
func decodeError(err error) error {
	var (
		mbe *http.MaxBytesError
		se  *json.SyntaxError
		ute *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &mbe):
		return tooLarge()
	case errors.Is(err, io.EOF):
		return vocdesk.Errorf(vocdesk.EINVALID, "request body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return vocdesk.Errorf(vocdesk.EINVALID, "request body is malformed JSON (it ends too early)")
	case errors.As(err, &se):
		return vocdesk.Errorf(vocdesk.EINVALID, "request body is malformed JSON at byte %d", se.Offset)
	case errors.As(err, &ute):
		if ute.Field == "" {
			return vocdesk.Errorf(vocdesk.EINVALID, "request body must be a JSON object, not %s", ute.Value)
		}
		if moneyFields[ute.Field] && ute.Value == "number" {
			return vocdesk.Errorf(vocdesk.EINVALID,
				"%s must be a string in major units such as \"1200\" or \"0.99\", never a JSON number", ute.Field)
		}
		return vocdesk.Errorf(vocdesk.EINVALID, "%s must be a %s, not %s", ute.Field, jsonKind(ute.Type.Kind().String()), ute.Value)
	}
	// encoding/json reports unknown fields only as text: `json: unknown field "x"`.
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return vocdesk.Errorf(vocdesk.EINVALID, "unknown field %s", f)
	}
	return vocdesk.Errorf(vocdesk.EINVALID, "request body is not valid: %v", strings.TrimPrefix(err.Error(), "json: "))
}

// jsonKind names a Go kind as a JSON type, for messages.
func jsonKind(k string) string {
	switch {
	case k == "string":
		return "string"
	case strings.HasPrefix(k, "int"), strings.HasPrefix(k, "uint"), strings.HasPrefix(k, "float"):
		return "number"
	case k == "bool":
		return "boolean"
	case k == "slice", k == "array":
		return "array"
	}
	return "object"
}

// parseTime reads an RFC 3339 time from a field or query parameter.
func parseTime(name, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, vocdesk.Errorf(vocdesk.EINVALID, "%s must be an RFC 3339 time such as 2024-05-01T09:30:00+09:00", name)
	}
	return t, nil
}

// parseID reads a positive integer id from a path segment or query
// parameter. A malformed id is "not found" for path segments: there is no
// such resource, and saying "malformed" would tell nothing useful.
func parseID(what, s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, vocdesk.NotFound(what)
	}
	return id, nil
}

// maxLimit caps list pages, as the services do.
const maxLimit = 200

// queryLimit reads the optional limit parameter (1-200; 0 means the
// service's default).
func queryLimit(r *http.Request) (int, error) {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxLimit {
		return 0, vocdesk.Errorf(vocdesk.EINVALID, "limit must be a whole number from 1 to %d", maxLimit)
	}
	return n, nil
}

// requireFields reports the first empty required field, in the order given.
func requireFields(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if strings.TrimSpace(pairs[i+1]) == "" {
			return vocdesk.Errorf(vocdesk.EINVALID, "%s is required", pairs[i])
		}
	}
	return nil
}
