package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// DecodeDeliveries is the request decoder of POST /api/v1/deliveries: the
// deliveries that pass, and per item the reason one does not.
func DecodeDeliveries(r *http.Request) ([]*vocdesk.Delivery, []error, error) {
	items, err := decodeDeliveries(nil, r)
	if err != nil {
		return nil, nil, err
	}
	ds, errs := make([]*vocdesk.Delivery, len(items)), make([]error, len(items))
	for i, it := range items {
		ds[i], errs[i] = it.D, it.Err
	}
	return ds, errs, nil
}
