package web

import (
	"context"
	"net/http"
	"time"
)

type statusJSON struct {
	Status string `json:"status"`
}

// healthz answers as long as the process serves HTTP at all.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, statusJSON{Status: "ok"})
	return nil
}

// readyz answers 200 only when the database answers, so that a load
// balancer sends no traffic to a process that cannot serve it.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.cfg.Ready(ctx); err != nil {
			if info := infoFrom(r.Context()); info != nil {
				info.err = err
			}
			s.log.WarnContext(r.Context(), "not ready", "error", err)
			writeJSON(w, http.StatusServiceUnavailable, statusJSON{Status: "unavailable"})
			return nil
		}
	}
	writeJSON(w, http.StatusOK, statusJSON{Status: "ok"})
	return nil
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) error {
	s.metricsHandler.ServeHTTP(w, r)
	return nil
}
