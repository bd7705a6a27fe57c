package recon

import (
	"errors"

	"github.com/vocdesk/vocdesk"
)

// A malformed row's problem is a *vocdesk.Error: its Message is the English
// that errors.csv, the CLI and the API have always printed, word for word,
// and its Reason and Args let a page word it in its reader's language
// (web/ui's catalog has "reason."+Reason). Values are given as text where
// they come from the file ([]byte would print as numbers once kept).

// The CSV grammar's refusals carry no values, so each is made once: a
// malformed record costs no allocation, as a well-formed one does not.
var (
	errUnterminated = vocdesk.Errorf(vocdesk.EINVALID, "unterminated quoted field").
			Because("recon_csv_unterminated")
	errAfterQuote = vocdesk.Errorf(vocdesk.EINVALID, "extraneous character after a closing quote").
			Because("recon_csv_after_quote")
	errBareQuote = vocdesk.Errorf(vocdesk.EINVALID, `bare " in a field that does not start with a quote`).
			Because("recon_csv_bare_quote")
)

func recordTooLong(max int) *vocdesk.Error {
	return vocdesk.Errorf(vocdesk.EINVALID, "record longer than %d bytes (unterminated quoted field?)", max).
		Because("recon_record_too_long", max)
}

func fieldCountError(got, want int) *vocdesk.Error {
	return vocdesk.Errorf(vocdesk.EINVALID, "wrong number of fields: %d, want %d", got, want).
		Because("recon_field_count", got, want)
}

func unknownStatus(status []byte) *vocdesk.Error {
	return vocdesk.Errorf(vocdesk.EINVALID, "unknown status %q", status).
		Because("recon_status_unknown", string(status))
}

// unknownCurrency is the money's own refusal (vocdesk.ParseAmount's), which
// the row checks first without asking it.
func unknownCurrency(currency []byte) *vocdesk.Error {
	return vocdesk.Errorf(vocdesk.EINVALID, "unknown currency %q", currency).
		Because("currency_unknown", string(currency))
}

func negativeAmount(amount []byte) *vocdesk.Error {
	return vocdesk.Errorf(vocdesk.EINVALID, "negative amount %q", amount).
		Because("recon_amount_negative", string(amount))
}

func idTooLong(field string) *vocdesk.Error {
	return vocdesk.Errorf(vocdesk.EINVALID, "%s is longer than %d bytes", field, MaxIDLen).
		Because("recon_id_too_long", field, MaxIDLen)
}

// notJSON refuses a line that is no JSON object; the decoder's detail
// stays in the English message only, since it is encoding/json's English.
func notJSON(err error) *vocdesk.Error {
	return vocdesk.Errorf(vocdesk.EINVALID, "not a JSON object: %s", err.Error()).
		Because("recon_json_object")
}

func jsonMissing(key string) *vocdesk.Error {
	return vocdesk.Errorf(vocdesk.EINVALID, "missing field %q", key).
		Because("recon_json_missing", key)
}

// jsonValue refuses a value the decoder could not read; as with notJSON,
// its detail is said in English only.
func jsonValue(key string, err error) *vocdesk.Error {
	return vocdesk.Errorf(vocdesk.EINVALID, "field %q: %v", key, err).
		Because("recon_json_value", key)
}

func jsonType(key string) *vocdesk.Error {
	return vocdesk.Errorf(vocdesk.EINVALID, "field %q must be a string or a number", key).
		Because("recon_json_type", key)
}

// appError is err as an application error: the money's and the text's
// refusals are one already, with their reasons.
func appError(err error) *vocdesk.Error {
	var e *vocdesk.Error
	if errors.As(err, &e) {
		return e
	}
	return vocdesk.Errorf(vocdesk.EINVALID, "%s", vocdesk.ErrorMessage(err))
}
