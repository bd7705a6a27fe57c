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

// The matcher's refusals come after a row was read: a store row whose txid
// an earlier row took, and the limits of one run (currencies, purchases,
// ids, server records without a purchase), which a database source meets
// as a file does. Their messages are the matcher's English as it always
// was; their reasons let the report word them too. The txid is kept as
// text.
var (
	errAfterEnd = vocdesk.Errorf(vocdesk.EINVALID, "purchase after EndPurchases").
			Because("recon_match_order")
	errBeforeEnd = vocdesk.Errorf(vocdesk.EINVALID, "server record before EndPurchases").
			Because("recon_match_order")
	errEmptyTxID = vocdesk.Errorf(vocdesk.EINVALID, "empty txid").
			Because("recon_match_txid_empty")
	errStatus = vocdesk.Errorf(vocdesk.EINVALID, "unknown status").
			Because("recon_match_status")
	errNegative = vocdesk.Errorf(vocdesk.EINVALID, "negative amount").
			Because("recon_match_amount_negative")
	errCurrencies = vocdesk.Errorf(vocdesk.EINVALID, "too many currencies").
			Because("recon_match_currencies")
	errPurchases = vocdesk.Errorf(vocdesk.EINVALID, "too many purchases").
			Because("recon_match_purchases")
	errIDs = vocdesk.Errorf(vocdesk.EINVALID, "too many ids").
		Because("recon_match_ids")
	errUnmatched = vocdesk.Errorf(vocdesk.EINVALID, "too many unmatched records").
			Because("recon_match_unmatched")
)

func repeatedTxID(txid []byte) *vocdesk.Error {
	return vocdesk.Errorf(vocdesk.EINVALID, "repeated txid %q", txid).
		Because("recon_match_txid_repeated", string(txid))
}

// matchCurrency is the matcher's unknown currency: the money's own
// refusal, as the reader gives it.
func matchCurrency(code string) *vocdesk.Error {
	return vocdesk.Errorf(vocdesk.EINVALID, "unknown currency %q", code).
		Because("currency_unknown", code)
}

// matchRowError is a row the matcher refused with err: one of the
// refusals above, with its reason, or (no such thing today) another
// error, in its English alone.
func matchRowError(file string, line int64, err error) RowError {
	var e *vocdesk.Error
	if errors.As(err, &e) {
		return rowError(file, line, e)
	}
	return RowError{File: file, Line: line, Err: err.Error()}
}
