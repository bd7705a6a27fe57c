package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/web"
)

// ReconConfig bounds what reconciliation uploads may add to the database
// and how long one may keep the engine busy (issue 16): the admin's limits,
// not the uploader's.
type ReconConfig struct {
	MaxExceptions  int64 // exception rows stored per report; counts stay exact
	UploadsPerDay  int   // uploads per developer in any 24 hours
	MaxUploadBytes int64 // bytes of one uploaded server log
}

func defaultReconConfig() ReconConfig {
	l := vocdesk.DefaultReconLimits()
	return ReconConfig{MaxExceptions: l.MaxExceptions, UploadsPerDay: l.UploadsPerDay, MaxUploadBytes: web.DefaultMaxUploadBytes}
}

func (c *Config) registerRecon(fs *flag.FlagSet) {
	fs.Int64Var(&c.Recon.MaxExceptions, "recon-max-exceptions", c.Recon.MaxExceptions,
		"exception rows one reconciliation report stores (the first ones; counts stay exact)")
	fs.IntVar(&c.Recon.UploadsPerDay, "recon-uploads-per-day", c.Recon.UploadsPerDay,
		"server log uploads one developer may reconcile in any 24 hours")
	fs.Int64Var(&c.Recon.MaxUploadBytes, "recon-max-upload-bytes", c.Recon.MaxUploadBytes,
		"largest server log `bytes` one reconciliation upload may send")
}

func (c ReconConfig) validate() error {
	var errs []error
	if c.MaxExceptions < 1 {
		errs = append(errs, fmt.Errorf("--recon-max-exceptions must be at least 1, not %d", c.MaxExceptions))
	}
	if c.UploadsPerDay < 1 {
		errs = append(errs, fmt.Errorf("--recon-uploads-per-day must be at least 1, not %d", c.UploadsPerDay))
	}
	if c.MaxUploadBytes < 1<<10 {
		errs = append(errs, fmt.Errorf("--recon-max-upload-bytes must be at least 1024, not %d", c.MaxUploadBytes))
	}
	return errors.Join(errs...)
}

func (c ReconConfig) limits() vocdesk.ReconLimits {
	return vocdesk.ReconLimits{MaxExceptions: c.MaxExceptions, UploadsPerDay: c.UploadsPerDay}
}
