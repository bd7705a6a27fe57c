package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// DecodeMacroForTest is the decoder of POST and PUT /macros, for fuzzing.
func DecodeMacroForTest(r *http.Request) (*vocdesk.Macro, error) { return decodeMacro(nil, r) }

// DecodeRuleForTest is the decoder of POST and PUT /rules and the dry run.
func DecodeRuleForTest(r *http.Request) (*vocdesk.Rule, error) { return decodeRule(nil, r) }
