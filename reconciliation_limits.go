package vocdesk

// ReconLimits bound how fast reconciliation can grow the database: what an
// upload stores is the admin's to allow, not the uploader's to choose.
type ReconLimits struct {
	// MaxExceptions is how many exception rows one report stores. Counts
	// stay exact; a report that found more keeps the first MaxExceptions
	// in report order and says so (Reconciliation.ExceptionsTruncated).
	MaxExceptions int64
	// UploadsPerDay is how many server log uploads one developer may
	// reconcile in any 24 hours; more answer ERATELIMITED.
	UploadsPerDay int
}

// DefaultReconLimits are the limits of a server started without flags: at
// most 20 uploads a day of at most 20,000 stored exceptions each, so one
// developer adds at most 400,000 exception rows a day however big or wrong
// the files are. A real month of a busy app has a few hundred exceptions.
func DefaultReconLimits() ReconLimits {
	return ReconLimits{MaxExceptions: 20_000, UploadsPerDay: 20}
}

// ExceptionsFound is how many exception rows the report's counts add up to:
// the rows it would store without a limit.
func (r *Reconciliation) ExceptionsFound() int64 {
	var n int64
	for c, v := range r.Counts {
		if IsReconException(c) {
			n += v
		}
	}
	return n
}

// ExceptionsTruncated reports whether the report stored only the first
// Exceptions of ExceptionsFound exceptions.
func (r *Reconciliation) ExceptionsTruncated() bool { return r.Exceptions < r.ExceptionsFound() }
