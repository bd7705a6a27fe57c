package web

import (
	"net/http"
)

// The /me routes are the customer's My Page over the API. They call the same
// services as the developer routes; the services scope every answer to the
// customer in the context.

func (s *Server) getMe(w http.ResponseWriter, r *http.Request) error {
	c, err := s.svc.Customers.FindCustomerByID(r.Context(), actorFrom(r).CustomerID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newCustomerJSON(c))
	return nil
}

func (s *Server) listMyPurchases(w http.ResponseWriter, r *http.Request) error {
	f, err := purchaseFilter(r, "app", "from", "to")
	if err != nil {
		return err
	}
	return s.writePurchases(w, r, f)
}

func (s *Server) getMyPurchase(w http.ResponseWriter, r *http.Request) error {
	return s.getPurchase(w, r)
}
