package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// mergeJSON is a merge as the API shows it.
type mergeJSON struct {
	ID         int64  `json:"id"`
	Merged     int64  `json:"merged"`
	Survivor   int64  `json:"survivor"`
	MergedAt   string `json:"merged_at"`
	UndoUntil  string `json:"undo_until"` // an undo is taken until then, if neither inquiry changed
	SurvivorOf string `json:"survivor_subject"`
}

func newMergeJSON(g *vocdesk.InquiryMerge) mergeJSON {
	return mergeJSON{ID: g.ID, Merged: g.MergedID, Survivor: g.SurvivorID, MergedAt: timeJSON(g.MergedAt),
		UndoUntil: timeJSON(g.UndoUntil), SurvivorOf: g.SurvivorSubject}
}

func (s *Server) merges() (vocdesk.MergeService, error) {
	if s.svc.Merges == nil {
		return nil, errNotFound
	}
	return s.svc.Merges, nil
}

// mergeRequest is the body of POST /inquiries/{id}/merge.
type mergeRequest struct {
	Into int64 `json:"into"`
}

// decodeMerge reads POST /inquiries/{id}/merge: the survivor's id.
func decodeMerge(w http.ResponseWriter, r *http.Request) (int64, error) {
	var req mergeRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return 0, err
	}
	if req.Into <= 0 {
		return 0, vocdesk.Errorf(vocdesk.EINVALID, "into must be the id of the inquiry to merge into")
	}
	return req.Into, nil
}

// mergeInquiry is POST /inquiries/{id}/merge: inquiry id's thread moves
// into inquiry into, and id becomes a closed pointer to it.
func (s *Server) mergeInquiry(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.merges()
	if err != nil {
		return err
	}
	id, err := parseID("inquiry", r.PathValue("id"))
	if err != nil {
		return err
	}
	into, err := decodeMerge(w, r)
	if err != nil {
		return err
	}
	g, err := svc.MergeInquiry(r.Context(), id, into)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newMergeJSON(g))
	return nil
}

// undoMerge is POST /inquiries/{id}/merge/undo, id being the merged one.
func (s *Server) undoMerge(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.merges()
	if err != nil {
		return err
	}
	id, err := parseID("inquiry", r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := svc.UndoMerge(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listMerges is GET /inquiries/{id}/merges: the inquiry's pointer, if it
// was merged, and the inquiries merged into it.
func (s *Server) listMerges(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.merges()
	if err != nil {
		return err
	}
	id, err := parseID("inquiry", r.PathValue("id"))
	if err != nil {
		return err
	}
	out, in, err := svc.FindMerges(r.Context(), id)
	if err != nil {
		return err
	}
	res := struct {
		MergedInto *mergeJSON  `json:"merged_into"`
		MergedIn   []mergeJSON `json:"merged_in"`
	}{MergedIn: []mergeJSON{}}
	if out != nil {
		j := newMergeJSON(out)
		res.MergedInto = &j
	}
	for _, g := range in {
		res.MergedIn = append(res.MergedIn, newMergeJSON(g))
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// mergeContact is POST /inquiries/{id}/contact-merge: the inquiry's email
// contact, with its other inquiries, joins the store account of the same
// address.
func (s *Server) mergeContact(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.merges()
	if err != nil {
		return err
	}
	id, err := parseID("inquiry", r.PathValue("id"))
	if err != nil {
		return err
	}
	cm, err := svc.MergeContact(r.Context(), id)
	if err != nil {
		return err
	}
	ids := cm.InquiryIDs
	if ids == nil {
		ids = []int64{}
	}
	writeJSON(w, http.StatusOK, struct {
		CustomerID int64   `json:"customer_id"`
		Inquiries  []int64 `json:"inquiries"`
	}{cm.CustomerID, ids})
	return nil
}
