package sqlstore

import "encoding/json"

// A refusal kept for a page to word later (an import's or a reconciliation's
// rejected row, a delivery's failure) is stored as its English message, its
// reason and the reason's values (vocdesk.ReasonArgs): the values as a JSON
// array of strings.

// reasonArgs is a reason's values as stored, each cut to 200 bytes (a value
// may be a field of an uploaded file, or a whole malformed row).
func reasonArgs(args []string) string {
	cut := make([]string, len(args))
	for i, a := range args {
		cut[i] = truncate(a, 200)
	}
	b, _ := json.Marshal(cut) // a []string always marshals
	return string(b)
}

// keptArgs reads what reasonArgs stored. A value that is not such an array
// (a row written by hand) gives none: the page then words the reason
// without them, or shows the English message.
func keptArgs(stored string) []string {
	var args []string
	if json.Unmarshal([]byte(stored), &args) != nil {
		return nil
	}
	return args
}
