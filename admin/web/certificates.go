package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/pamong-desa/pamong/admin"
)

// certPage is how many certificates one page lists.
const certPage = 50

type certificatesData struct {
	admin.CertificateList
	Status, Region string
	RevokedCode    string
	Prev, Next     string
	CSV            string
}

func (h *Handler) certificates(w http.ResponseWriter, r *http.Request) {
	sess := current(r)
	q := r.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	var regions []string
	if q.Get("region") != "" {
		regions = []string{q.Get("region")}
	}
	list, err := h.Service.Certificates(r.Context(), sess.Admin, regions, q.Get("status"), certPage, offset)
	if err != nil {
		h.fail(w, r, sess, err)
		return
	}
	d := certificatesData{CertificateList: list, Status: q.Get("status"), Region: q.Get("region"), RevokedCode: q.Get("revoked")}
	at := func(off int) string {
		return "/admin/certificates?" + url.Values{"status": {d.Status}, "region": {d.Region}, "offset": {strconv.Itoa(off)}}.Encode()
	}
	if list.Offset > 0 {
		d.Prev = at(max(list.Offset-certPage, 0))
	}
	if list.Offset+len(list.Certificates) < list.Total {
		d.Next = at(list.Offset + certPage)
	}
	d.CSV = "/admin/certificates.csv?" + url.Values{"status": {d.Status}, "region": {d.Region}}.Encode()
	h.render(w, r, http.StatusOK, "certificates", page{Session: sess, Title: "Sertifikat", Data: d})
}

// certificatesCSV streams every certificate the filter selects; the
// service writes it a page at a time, so memory stays flat.
func (h *Handler) certificatesCSV(w http.ResponseWriter, r *http.Request) {
	sess := current(r)
	q := r.URL.Query()
	var regions []string
	if q.Get("region") != "" {
		regions = []string{q.Get("region")}
	}
	// Check the filter before the header goes out, so a refusal is a
	// status and not half a file.
	if _, err := h.Service.Certificates(r.Context(), sess.Admin, regions, q.Get("status"), 1, 0); err != nil {
		h.fail(w, r, sess, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="pamong-sertifikat.csv"`)
	if _, err := h.Service.ExportCertificates(r.Context(), sess.Admin, regions, q.Get("status"), w); err != nil {
		h.Log.Warn("certificate CSV cut short", "err", err)
	}
}

func (h *Handler) revokeCertificate(w http.ResponseWriter, r *http.Request) {
	sess := current(r)
	row, err := h.Service.RevokeCertificate(r.Context(), sess.Admin, r.PathValue("code"), r.PostFormValue("reason"))
	if err != nil {
		h.fail(w, r, sess, err)
		return
	}
	h.Log.Info("certificate revoked", "admin", sess.Admin.ID, "code", row.Code)
	http.Redirect(w, r, "/admin/certificates?revoked="+url.QueryEscape(row.Code), http.StatusSeeOther)
}
