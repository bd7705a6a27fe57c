package purchaseimport

import (
	"encoding/csv"
	"errors"

	"github.com/vocdesk/vocdesk"
)

// refusal is why a row or a file was refused: an application error whose
// text is its message alone, so that the CLI prints a row's reason (and
// writes it to --rejects) in the words it always has, while pages find
// its reason and values (vocdesk.ErrorReason) and word it in their
// reader's language. A refusal of the whole file is also ErrFormat.
type refusal struct {
	app    *vocdesk.Error
	format bool
}

func (r *refusal) Error() string { return r.app.Message }

func (r *refusal) Unwrap() []error {
	if r.format {
		return []error{ErrFormat, r.app}
	}
	return []error{r.app}
}

// refuse turns an application error (the ledger's, the validation's or
// the reader's own) into a row's reason. Any other error is worded as the
// API words it ("Internal error."), its details being for logs.
func refuse(err error) error {
	var e *vocdesk.Error
	if errors.As(err, &e) {
		return &refusal{app: e}
	}
	return errors.New(vocdesk.ErrorMessage(err))
}

// amountError is the money's refusal of an amount with "amount: " before
// its message, as the CLI has always printed it; its reason and values
// stay.
func amountError(err error) error {
	var e *vocdesk.Error
	if !errors.As(err, &e) {
		return err
	}
	c := *e
	c.Message = "amount: " + e.Message
	return &c
}

// formatError is a refusal of the file as a whole: "not a purchase
// export: " and what is wrong with it.
func formatError(e *vocdesk.Error) error {
	e.Message = ErrFormat.Error() + ": " + e.Message
	return &refusal{app: e, format: true}
}

// csvRowRefusal gives a row that encoding/csv could not read its reason;
// the message stays the package's own ("bare \" in non-quoted-field").
func csvRowRefusal(err error) error {
	e := vocdesk.Errorf(vocdesk.EINVALID, "%s", err.Error())
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		e.Because("import_csv_bare_quote")
	case errors.Is(err, csv.ErrQuote):
		e.Because("import_csv_quote")
	default:
		// ErrFieldCount, the only other error a ParseError holds; the
		// reader counts fields itself, so it is not expected.
		e.Because("import_csv_field_count")
	}
	return &refusal{app: e}
}

// csvHeaderRefusal is the refusal of a file whose header row encoding/csv
// could not read (or whose upload broke before the header's end).
func csvHeaderRefusal(err error) error {
	e := vocdesk.Errorf(vocdesk.EINVALID, "header: %v", err)
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrBareQuote):
		e.Because("import_header_bare_quote", pe.StartLine)
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrQuote):
		e.Because("import_header_quote", pe.StartLine)
	default:
		e.Because("import_header_unreadable")
	}
	return formatError(e)
}
