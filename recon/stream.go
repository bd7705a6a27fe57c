package recon

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// OpenServerStream reads a server log from r rather than from a named file:
// an HTTP request body, a multipart part. It reads and checks the header
// now, like OpenServer, and the rest as the ServerSource is run, so a log
// of any size passes through in blocks and is never held whole.
//
// name is what error reports call the source; jsonl selects JSON Lines
// instead of CSV; sizeHint, when known (a Content-Length), sizes the
// matcher's tables, and may be 0. Close does not close r: the caller owns it.
func OpenServerStream(name string, r io.Reader, columns map[string]string, jsonl bool, sizeHint int64) (*File, error) {
	for k, v := range columns {
		if !slices.Contains(serverFields, k) {
			return nil, fmt.Errorf("unknown field %q in the column map (fields: %s)", k, strings.Join(serverFields, ", "))
		}
		if strings.TrimSpace(v) == "" {
			return nil, fmt.Errorf("field %q is mapped to an empty column name", k)
		}
	}
	fl := &File{name: name, f: io.NopCloser(r), size: max(sizeHint, 0), jsonl: jsonl, limits: defaultLimits}
	for _, fd := range serverFields {
		col := fd
		if c, ok := columns[fd]; ok {
			col = strings.TrimSpace(c)
		}
		fl.keys = append(fl.keys, col)
	}
	if err := fl.readHeader(); err != nil {
		return nil, err
	}
	return fl, nil
}

// ServerFields lists the fields a column map may name, in order.
func ServerFields() []string { return slices.Clone(serverFields) }
