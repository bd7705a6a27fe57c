package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// customerJSON is a store account as the actor may see it: the service masks
// email and phone for roles that do not need them.
type customerJSON struct {
	ID        int64  `json:"id"`
	Email     string `json:"email"`
	Name      string `json:"name"`
	Phone     string `json:"phone"`
	Locale    string `json:"locale,omitempty"`
	CreatedAt string `json:"created_at"`
}

func newCustomerJSON(c *vocdesk.Customer) customerJSON {
	return customerJSON{ID: c.ID, Email: c.Email, Name: c.Name, Phone: c.Phone, Locale: c.Locale, CreatedAt: timeJSON(c.CreatedAt)}
}

type createCustomerRequest struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Locale   string `json:"locale"`
	Password string `json:"password"`
}

// createCustomer registers a store account (store side). Without a password
// the customer cannot sign in until one is set.
func (s *Server) createCustomer(w http.ResponseWriter, r *http.Request) error {
	var req createCustomerRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := requireFields("email", req.Email, "name", req.Name); err != nil {
		return err
	}
	switch req.Locale {
	case "", "ko", "en":
	default:
		return vocdesk.Errorf(vocdesk.EINVALID, "locale must be ko or en")
	}
	c := &vocdesk.Customer{Email: req.Email, Name: req.Name, Phone: req.Phone, Locale: req.Locale}
	if err := s.svc.Customers.CreateCustomer(r.Context(), c, req.Password); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newCustomerJSON(c))
	return nil
}

func (s *Server) getCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID("customer", r.PathValue("id"))
	if err != nil {
		return err
	}
	c, err := s.svc.Customers.FindCustomerByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newCustomerJSON(c))
	return nil
}
