package admin

import (
	"net/http"
)

// mountCertificates adds the certificate routes of the API:
//
//	GET  /api/v1/certificates               ?region=&status=valid|revoked&limit=&offset=
//	GET  /api/v1/certificates.csv           the same selection as CSV, all pages
//	POST /api/v1/certificates/{code}/revoke {"reason": "..."} → the certificate, revoked
func (h *api) mountCertificates(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/certificates", h.certificates)
	mux.HandleFunc("GET /api/v1/certificates.csv", h.exportCertificates)
	mux.HandleFunc("POST /api/v1/certificates/{code}/revoke", h.revokeCertificate)
}

func (h *api) certificates(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := pageParams(r)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	list, err := h.s.Certificates(r.Context(), caller(r), list(r, "region"), r.URL.Query().Get("status"), limit, offset)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func (h *api) exportCertificates(w http.ResponseWriter, r *http.Request) {
	// Check the request before the first byte of CSV: after it, an error
	// can no longer become a status.
	who, regions, status := caller(r), list(r, "region"), r.URL.Query().Get("status")
	if _, err := h.s.certificateFilter(r.Context(), who, regions, status); err != nil {
		h.fail(w, r, err, nil)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="sertifikat.csv"`)
	n, err := h.s.ExportCertificates(r.Context(), who, regions, status, w)
	if err != nil {
		h.log.Error("export certificates", "admin", who.ID, "written", n, "err", err)
		return
	}
	h.log.Info("certificates exported", "admin", who.ID, "rows", n)
}

func (h *api) revokeCertificate(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Reason string `json:"reason"`
	}
	if err := decode(w, r, &body); err != nil {
		h.fail(w, r, err, nil)
		return
	}
	who := caller(r)
	row, err := h.s.RevokeCertificate(r.Context(), who, r.PathValue("code"), body.Reason)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	h.log.Info("certificate revoked", "admin", who.ID, "code", row.Code, "reason", row.RevokedReason)
	writeJSON(w, http.StatusOK, row)
}
