package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/recon"
)

// defaultReconPeriod is the period reconciled when none is given: the last
// thirty days, the month a developer typically closes.
const defaultReconPeriod = 30 * 24 * time.Hour

// Reconcile runs the engine over the developer's purchases and the given
// server log, then stores the report in one transaction. Nothing is stored
// for a run that fails (a header without a mapped column, a broken
// stream): a report is either complete or absent.
func (s *ReconciliationService) Reconcile(ctx context.Context, in vocdesk.ReconcileInput) (*vocdesk.Reconciliation, error) {
	a, err := developerFrom(ctx, vocdesk.RoleAgent)
	if err != nil {
		return nil, err
	}
	now := s.db.now()
	if in.To.IsZero() {
		in.To = now
	}
	if in.From.IsZero() {
		in.From = in.To.Add(-defaultReconPeriod)
	}
	if !in.From.Before(in.To) {
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "from must be before to")
	}
	rep := &vocdesk.Reconciliation{DeveloperID: a.DeveloperID, Source: in.Source, From: in.From.UTC(), To: in.To.UTC(), CreatedBy: a.Name}
	store := &purchaseSource{db: s.db, devID: a.DeveloperID, from: micros(in.From), to: micros(in.To)}
	var server recon.ServerSource
	switch in.Source {
	case vocdesk.ReconUpload:
		if in.Log == nil {
			return nil, vocdesk.Errorf(vocdesk.EINVALID, "send the server log")
		}
		// Checked before the engine runs, so a refused upload costs no
		// work, and again when the report is stored (storeReport).
		var n int
		err := s.db.readRow(ctx, uploadsSinceQuery, []any{a.DeveloperID, string(vocdesk.ReconUpload), micros(now.Add(-24 * time.Hour))},
			func(r *sql.Row) error { return r.Scan(&n) })
		if err != nil {
			return nil, fmt.Errorf("sqlstore: count uploads: %w", err)
		}
		if err := s.uploadQuota(n); err != nil {
			return nil, err
		}
		if in.Columns == nil {
			st, err := s.ReconSettings(ctx)
			if err != nil {
				return nil, err
			}
			in.Columns = st.Columns
		}
		switch in.Format {
		case "":
			in.Format = "csv"
		case "csv", "jsonl":
		default:
			return nil, vocdesk.Errorf(vocdesk.EINVALID, "format must be csv or jsonl")
		}
		name := strings.TrimSpace(in.FileName)
		if name == "" {
			name = "server log"
		}
		rep.FileName, rep.Format, rep.Columns = truncate(name, 200), in.Format, in.Columns
		fl, err := recon.OpenServerStream(rep.FileName, in.Log, in.Columns, in.Format == "jsonl", in.SizeHint)
		if err != nil {
			// A failed read (a body over the HTTP layer's limit, a dropped
			// connection) is the only error the engine wraps; it keeps its
			// cause so that the HTTP layer can answer 413 for a too large
			// body.
			if errors.Unwrap(err) != nil {
				return nil, fmt.Errorf("sqlstore: reconcile: %w", err)
			}
			// A missing column or an empty file: the caller's input, said
			// in the engine's words, which name the column and the header.
			return nil, vocdesk.Errorf(vocdesk.EINVALID, "%s", err.Error())
		}
		server = fl
	case vocdesk.ReconDeliveries:
		server = &deliverySource{db: s.db, devID: a.DeveloperID, from: store.from, to: store.to}
	default:
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "source must be upload or deliveries")
	}

	var rowErrs []*vocdesk.ReconRowError
	res, err := recon.Reconcile(ctx, store, server, recon.Options{OnError: func(e recon.RowError) {
		if len(rowErrs) < vocdesk.MaxReconErrors {
			rowErrs = append(rowErrs, &vocdesk.ReconRowError{Source: e.File, Line: e.Line, Message: e.Err,
				Reason: e.Reason, Args: vocdesk.ReasonArgs(e.Args)})
		}
	}})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("sqlstore: reconcile: %w", err)
	}
	rep.Counts = make(map[string]int64, len(vocdesk.ReconCategories))
	for _, c := range recon.Categories() {
		rep.Counts[c.String()] = res.Count(c)
	}
	// Pushed deliveries are already chosen by the period (deliverySource);
	// an uploaded log is not, so its records of purchases paid before or
	// after the period are told apart from records of nothing paid.
	var outside map[string]outsideBuy
	if in.Source == vocdesk.ReconUpload {
		if outside, err = s.outsidePeriod(ctx, a.DeveloperID, res); err != nil {
			return nil, err
		}
	}
	countOutside(rep.Counts, res, outside)
	rep.StoreRows, rep.ServerRows, rep.InvalidRows = res.StoreRows, res.ServerRows, res.InvalidRows
	rep.Errors = int64(len(rowErrs))
	if err := s.storeReport(ctx, a, rep, res, outside, rowErrs, in.Source == vocdesk.ReconUpload, s.Limits.MaxExceptions); err != nil {
		return nil, err
	}
	return rep, nil
}

// uploadsSinceQuery counts a developer's uploads since a time: the quota
// of vocdesk.ReconLimits.UploadsPerDay is over any 24 hours, so that no
// midnight doubles it. reconciliations_developer (developer_id, id) finds
// the developer's rows; a day's worth is small.
const uploadsSinceQuery = `SELECT COUNT(*) FROM reconciliations WHERE developer_id = $1 AND source = $2 AND created_at > $3`

// uploadQuota refuses the upload after n others in the last 24 hours.
func (s *ReconciliationService) uploadQuota(n int) error {
	if max := s.Limits.UploadsPerDay; max > 0 && n >= max {
		return vocdesk.Errorf(vocdesk.ERATELIMITED,
			"this developer has uploaded %d server logs in the last 24 hours, the most this server allows; try again later", max)
	}
	return nil
}

// storeReport writes the report, its exceptions and errors, remembers an
// upload's mapping, and audits the run.
func (s *ReconciliationService) storeReport(ctx context.Context, a *vocdesk.Actor, rep *vocdesk.Reconciliation,
	res *recon.Result, outside map[string]outsideBuy, rowErrs []*vocdesk.ReconRowError, upload bool, maxExceptions int64) error {
	return s.db.inWrite(ctx, func(tx *Tx) error {
		// The developer's row is locked (PostgreSQL; SQLite has one writer)
		// so that two uploads at once cannot both take the last one of the
		// day's quota.
		if err := tx.queryRow(ctx, `SELECT slug FROM developers d WHERE id = $1`+tx.forUpdate("d"), rep.DeveloperID).Scan(&rep.DeveloperSlug); err != nil {
			return fmt.Errorf("sqlstore: store reconciliation: %w", err)
		}
		if upload {
			var n int
			if err := tx.queryRow(ctx, uploadsSinceQuery, rep.DeveloperID, string(vocdesk.ReconUpload), micros(tx.now.Add(-24*time.Hour))).Scan(&n); err != nil {
				return fmt.Errorf("sqlstore: count uploads: %w", err)
			}
			if err := s.uploadQuota(n); err != nil {
				return err
			}
		}
		counts, _ := json.Marshal(rep.Counts) // a map of int64s always marshals
		rep.CreatedAt = tx.now
		err := tx.queryRow(ctx, `INSERT INTO reconciliations (developer_id, source, file_name, format, columns, from_at, to_at,
			counts, store_rows, server_rows, invalid_rows, exceptions, errors, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12, $13, $14) RETURNING id`,
			rep.DeveloperID, string(rep.Source), rep.FileName, rep.Format, columnsJSON(rep.Columns), micros(rep.From), micros(rep.To),
			string(counts), rep.StoreRows, rep.ServerRows, rep.InvalidRows, rep.Errors, rep.CreatedBy, micros(tx.now)).Scan(&rep.ID)
		if err != nil {
			return fmt.Errorf("sqlstore: store reconciliation: %w", err)
		}
		if rep.Exceptions, err = tx.insertExceptions(ctx, rep.ID, res, outside, maxExceptions); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE reconciliations SET exceptions = $2 WHERE id = $1`, rep.ID, rep.Exceptions); err != nil {
			return fmt.Errorf("sqlstore: store reconciliation: %w", err)
		}
		if err := tx.insertRowErrors(ctx, rep.ID, rowErrs); err != nil {
			return err
		}
		if upload && len(rep.Columns) > 0 {
			if err := tx.rememberColumns(ctx, rep.DeveloperID, rep.Columns); err != nil {
				return err
			}
		}
		return tx.audit(ctx, a, change{action: "reconciliation.created", entity: "reconciliation", entityID: rep.ID,
			developerID: rep.DeveloperID, after: rep})
	})
}

// insertRows batches rows of cols columns into multi-row INSERTs: one
// statement per few hundred rows instead of one per row, which is what
// makes storing a million exceptions take seconds rather than minutes.
type rowInserter struct {
	tx     *Tx
	prefix string
	cols   int
	args   []any
	n      int64
}

// perInsert keeps a statement under PostgreSQL's and SQLite's bound
// parameter limits (65535 and 32766) for up to 9 columns.
const perInsert = 500

func (ri *rowInserter) add(ctx context.Context, vals ...any) error {
	ri.args = append(ri.args, vals...)
	ri.n++
	if len(ri.args) >= perInsert*ri.cols {
		return ri.flush(ctx)
	}
	return nil
}

func (ri *rowInserter) flush(ctx context.Context) error {
	if len(ri.args) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(ri.prefix)
	for i := 0; i < len(ri.args); i += ri.cols {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for j := range ri.cols {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "$%d", i+j+1)
		}
		b.WriteByte(')')
	}
	if _, err := ri.tx.exec(ctx, b.String(), ri.args...); err != nil {
		return fmt.Errorf("sqlstore: insert report rows: %w", err)
	}
	ri.args = ri.args[:0]
	return nil
}

// insertExceptions stores the report's first max lines (all when max is 0
// or less) and answers how many of those it stored are exceptions. A record
// outside the period is stored as a line of its own category, with the
// purchase it names as its store side, and is no exception.
func (tx *Tx) insertExceptions(ctx context.Context, id int64, res *recon.Result, outside map[string]outsideBuy, max int64) (int64, error) {
	ri := &rowInserter{tx: tx, cols: 9, prefix: `INSERT INTO recon_exceptions
		(reconciliation_id, seq, category, txid, tid, store_amount, store_currency, server_amount, server_currency) VALUES `}
	exceptions := int64(0)
	for e := range res.Exceptions() {
		if max > 0 && ri.n >= max {
			break
		}
		category := e.Category.String()
		store, server := minorUnits(e.StoreAmount, e.StoreCurrency), minorUnits(e.ServerAmount, e.ServerCurrency)
		storeCur := e.StoreCurrency
		if b, ok := outside[outsideKey(e)]; ok && e.Category == recon.DeliveredNotPaid {
			category, store, storeCur = vocdesk.ReconOutsidePeriod, b.amount, b.currency
		} else {
			exceptions++
		}
		if err := ri.add(ctx, id, ri.n+1, category, e.TxID, e.TID, store, storeCur, server, e.ServerCurrency); err != nil {
			return 0, err
		}
	}
	return exceptions, ri.flush(ctx)
}

func (tx *Tx) insertRowErrors(ctx context.Context, id int64, errs []*vocdesk.ReconRowError) error {
	ri := &rowInserter{tx: tx, cols: 7, prefix: `INSERT INTO recon_errors (reconciliation_id, seq, source, line, message, reason, args) VALUES `}
	for _, e := range errs {
		if err := ri.add(ctx, id, ri.n+1, e.Source, e.Line, truncate(e.Message, 500), truncate(e.Reason, 100), reasonArgs(e.Args)); err != nil {
			return err
		}
	}
	return ri.flush(ctx)
}

// minorUnits reads back an amount the engine formatted; an empty side is 0.
func minorUnits(amount, currency string) int64 {
	if currency == "" {
		return 0
	}
	v, err := vocdesk.ParseAmount(amount, currency)
	if err != nil {
		return 0 // cannot happen: the engine formats only amounts it parsed
	}
	return v
}
