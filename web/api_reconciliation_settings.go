package web

import (
	"net/http"
	"time"

	"github.com/vocdesk/vocdesk"
)

// reconSettingsJSON is a developer's reconciliation settings.
type reconSettingsJSON struct {
	Columns                 map[string]string `json:"columns"`
	Continuous              bool              `json:"continuous"`
	DeliveryDeadlineSeconds int64             `json:"delivery_deadline_seconds"`
}

// putReconSettingsRequest changes settings; fields left out keep their
// value.
type putReconSettingsRequest struct {
	Columns                 map[string]string `json:"columns"`
	Continuous              *bool             `json:"continuous"`
	DeliveryDeadlineSeconds *int64            `json:"delivery_deadline_seconds"`
}

func newReconSettingsJSON(st *vocdesk.ReconSettings) reconSettingsJSON {
	cols := map[string]string{}
	for k, v := range st.Columns {
		cols[k] = v
	}
	return reconSettingsJSON{Columns: cols, Continuous: st.Continuous, DeliveryDeadlineSeconds: int64(st.DeliveryDeadline / time.Second)}
}

func (s *Server) getReconSettings(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.reconciliation()
	if err != nil {
		return err
	}
	st, err := svc.ReconSettings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newReconSettingsJSON(st))
	return nil
}

func (s *Server) putReconSettings(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.reconciliation()
	if err != nil {
		return err
	}
	var req putReconSettingsRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	st, err := svc.ReconSettings(r.Context())
	if err != nil {
		return err
	}
	if req.Columns != nil {
		st.Columns = vocdesk.ColumnMap{}
		for k, v := range req.Columns {
			if err := st.Columns.Set(k, v); err != nil {
				return err
			}
		}
	}
	if req.Continuous != nil {
		st.Continuous = *req.Continuous
	}
	if req.DeliveryDeadlineSeconds != nil {
		secs := *req.DeliveryDeadlineSeconds
		if secs < 60 || secs > 30*24*3600 {
			return vocdesk.Errorf(vocdesk.EINVALID, "delivery_deadline_seconds must be from 60 to 2592000")
		}
		st.DeliveryDeadline = time.Duration(secs) * time.Second
	}
	if err := svc.SetReconSettings(r.Context(), st); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newReconSettingsJSON(st))
	return nil
}
