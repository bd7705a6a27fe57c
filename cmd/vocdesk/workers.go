package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/desk"
	"github.com/vocdesk/vocdesk/jobs"
	"github.com/vocdesk/vocdesk/payment"
	"github.com/vocdesk/vocdesk/refunds"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/survey"
	"github.com/vocdesk/vocdesk/webhooks"
)

// WorkersConfig holds the settings of the background jobs that run inside
// vocdesk serve: refunds through the payment provider, webhook deliveries,
// mail. The provider settings inject faults into the built-in store ledger
// provider, for tests and drills.
type WorkersConfig struct {
	Workers          int
	JobLease         time.Duration
	RefundBackoffMax time.Duration
	IdempotencyLease time.Duration
	Mailer           string // "log" or "discard"

	ProviderFailRate    float64
	ProviderTimeoutRate float64
	ProviderDeclineRate float64
	ProviderLatency     time.Duration
	ProviderLateRate    float64
	ProviderLateBy      time.Duration
}

func defaultWorkersConfig() WorkersConfig {
	return WorkersConfig{Workers: 8, JobLease: time.Minute, RefundBackoffMax: time.Minute, IdempotencyLease: 10 * time.Second, Mailer: "log"}
}

// registerWorkers adds the background jobs' flags to vocdesk serve.
func (c *Config) registerWorkers(fs *flag.FlagSet) {
	w := &c.Workers
	fs.IntVar(&w.Workers, "job-workers", w.Workers, "background jobs run at once (refunds, webhooks, mail)")
	fs.DurationVar(&w.JobLease, "job-lease", w.JobLease, "how long a claimed job is held before another process may take it over (after a crash)")
	fs.DurationVar(&w.RefundBackoffMax, "refund-backoff-max", w.RefundBackoffMax, "longest wait between attempts of a refund whose provider call failed")
	fs.DurationVar(&w.IdempotencyLease, "idempotency-lease", w.IdempotencyLease, "how long a request's Idempotency-Key counts as in progress before a retry may take it over (after a crash)")
	fs.StringVar(&w.Mailer, "mailer", w.Mailer, "outgoing mail without --smtp-relay: log (log each mail and drop it) or discard")
	fs.Float64Var(&w.ProviderFailRate, "provider-fail-rate", w.ProviderFailRate, "share (0-1) of payment provider calls that fail before acting")
	fs.Float64Var(&w.ProviderTimeoutRate, "provider-timeout-rate", w.ProviderTimeoutRate, "share (0-1) of provider refunds that time out after the refund was made")
	fs.Float64Var(&w.ProviderDeclineRate, "provider-decline-rate", w.ProviderDeclineRate, "share (0-1) of provider refunds declined for good")
	fs.DurationVar(&w.ProviderLatency, "provider-latency", w.ProviderLatency, "mean latency of a payment provider call")
	fs.Float64Var(&w.ProviderLateRate, "provider-late-rate", w.ProviderLateRate, "share (0-1) of provider refunds made at once and answered --provider-late-by later")
	fs.DurationVar(&w.ProviderLateBy, "provider-late-by", w.ProviderLateBy, "how late a late provider answer arrives")
}

func (w WorkersConfig) validate() error {
	var errs []error
	if w.Workers < 1 {
		errs = append(errs, fmt.Errorf("--job-workers must be at least 1"))
	}
	if w.JobLease < 2*time.Second {
		errs = append(errs, fmt.Errorf("--job-lease must be at least 2s, not %s", w.JobLease))
	}
	if w.RefundBackoffMax < 200*time.Millisecond {
		errs = append(errs, fmt.Errorf("--refund-backoff-max must be at least 200ms, not %s", w.RefundBackoffMax))
	}
	if w.IdempotencyLease < time.Second {
		errs = append(errs, fmt.Errorf("--idempotency-lease must be at least 1s, not %s", w.IdempotencyLease))
	}
	if w.Mailer != "log" && w.Mailer != "discard" {
		errs = append(errs, fmt.Errorf("--mailer must be log or discard, not %q", w.Mailer))
	}
	if err := w.faults().Validate(); err != nil {
		errs = append(errs, fmt.Errorf("--provider-*: %w", err))
	}
	return errors.Join(errs...)
}

func (w WorkersConfig) faults() payment.Faults {
	return payment.Faults{FailRate: w.ProviderFailRate, TimeoutRate: w.ProviderTimeoutRate,
		DeclineRate: w.ProviderDeclineRate, Latency: w.ProviderLatency, LateRate: w.ProviderLateRate, LateBy: w.ProviderLateBy}
}

// workers is the running job runner.
type workers struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// startWorkers runs the job runner on db until stop: the refund executor on
// the built-in store ledger provider, webhook deliveries and mail.
func startWorkers(cfg Config, db *sqlstore.DB, svc vocdesk.Services, logger *slog.Logger, reg prometheus.Registerer) (*workers, error) {
	w := cfg.Workers
	jobsDone := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vocdesk_jobs_total",
		Help: "Background job attempts by kind and outcome (completed, retried, failed)."}, []string{"kind", "outcome"})
	refundOutcomes := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vocdesk_refund_outcomes_total",
		Help: "Refund attempts by outcome (refunded, declined, retry)."}, []string{"outcome"})
	for _, c := range []prometheus.Collector{jobsDone, refundOutcomes} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register job metrics: %w", err)
		}
	}
	exec := &refunds.Executor{
		Service:  svc.Cancellations,
		Provider: payment.NewStoreLedger(sqlstore.NewProviderLedger(db), w.faults()),
		Outcome:  func(o string) { refundOutcomes.WithLabelValues(o).Inc() },
	}
	deliver := &webhooks.Deliverer{
		Service:   svc.Webhooks,
		Client:    webhooks.NewClient(cfg.AllowPrivateWebhooks, 10*time.Second),
		UserAgent: "vocdesk-webhooks/1",
	}
	social := &webhooks.SocialReplier{
		Service:   svc.Social,
		Client:    webhooks.NewClient(cfg.AllowPrivateWebhooks, 10*time.Second),
		UserAgent: "vocdesk-webhooks/1",
	}
	mail := newMailKind(cfg, svc.Mail, logger)
	// An attempt must end well within its lease, or a second process
	// would take the job over while the first still works on it.
	timeout := min(w.JobLease/2, 30*time.Second)
	kinds := map[string]jobs.Kind{
		vocdesk.JobRefundExecute:  exec.Kind(),
		vocdesk.JobWebhookDeliver: deliver.Kind(),
		vocdesk.JobSendMail:       mail,
		vocdesk.JobIMAPPoll:       newIMAPKind(cfg, svc.IMAP, timeout, logger),
		vocdesk.JobInquiryWake:    desk.WakeKind(svc.Snoozes),
		vocdesk.JobSocialReply:    social.Kind(),
	}
	if svc.Surveys != nil {
		kinds[vocdesk.JobSendSurvey] = survey.JobKind(svc.Surveys, newSender(cfg, logger), cfg.publicURL())
	}
	refund := kinds[vocdesk.JobRefundExecute]
	refund.Backoff = jobs.Exponential(200*time.Millisecond, w.RefundBackoffMax)
	kinds[vocdesk.JobRefundExecute] = refund
	for k, kind := range kinds {
		kind.Timeout = timeout
		kinds[k] = kind
	}
	r := &jobs.Runner{
		Queue:   sqlstore.NewJobQueue(db),
		Kinds:   kinds,
		Workers: w.Workers,
		Lease:   w.JobLease,
		Logger:  logger,
		Done:    func(kind, outcome string) { jobsDone.WithLabelValues(kind, outcome).Inc() },
	}
	ctx, cancel := context.WithCancel(context.Background())
	ws := &workers{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(ws.done)
		if err := r.Run(ctx); err != nil {
			logger.Error("job runner", "err", err)
		}
	}()
	return ws, nil
}

// stop ends the runner and waits for running jobs; they see the
// cancellation, and whatever they leave half done their leases hand on.
func (ws *workers) stop() {
	ws.cancel()
	<-ws.done
}

// configureServices applies the workers' settings to the services.
func configureServices(cfg Config, svc vocdesk.Services) {
	if cs, ok := svc.Cancellations.(*sqlstore.CancellationService); ok {
		cs.KeyLease = cfg.Workers.IdempotencyLease
	}
	if rs, ok := svc.Reconciliation.(*sqlstore.ReconciliationService); ok {
		rs.Limits = cfg.Recon.limits()
	}
	if is, ok := svc.IMAP.(*sqlstore.IMAPService); ok {
		is.AllowPlain = cfg.Mail.IMAPAllowPlain
	}
}
