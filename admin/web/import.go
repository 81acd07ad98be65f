package web

import (
	"errors"
	"io"
	"net/http"
	"path/filepath"

	"github.com/pamong-desa/pamong/admin"
)

// The officials import is two forms: the upload, answered with a preview
// of what would change (nothing written), and "Import", which commits the
// file the server held since the preview. Holding it server-side (not
// asking for the file again) means the admin cannot import a different
// file than the one they read the preview of, and a phone on a weak link
// uploads it once.

type importData struct {
	Preview *admin.ImportPreview
	Report  *admin.ImportReport
	Problem string
	Max     int
}

func (h *Handler) importPage(w http.ResponseWriter, r *http.Request) {
	sess := current(r)
	h.render(w, r, http.StatusOK, "import", page{Session: sess, Title: "Impor aparat", Data: importData{Max: admin.MaxUpload >> 20}})
}

// previewImport reads the uploaded file and shows what importing it would
// do; a file outside the admin's region is shown with those rows, as 403.
func (h *Handler) previewImport(w http.ResponseWriter, r *http.Request) {
	sess := current(r)
	d := importData{Max: admin.MaxUpload >> 20}
	file, header, err := r.FormFile("file")
	if err != nil {
		d.Problem = "Pilih berkas CSV daftar aparat terlebih dahulu."
		h.render(w, r, http.StatusBadRequest, "import", page{Session: sess, Title: "Impor aparat", Data: d})
		return
	}
	defer file.Close()
	content, err := io.ReadAll(io.LimitReader(file, admin.MaxUpload+1))
	if err != nil {
		h.fail(w, r, sess, err)
		return
	}
	p, err := h.Service.PreviewOfficials(r.Context(), sess.Admin, filepath.Base(header.Filename), content)
	if errors.Is(err, admin.ErrInvalid) {
		d.Problem = err.Error()
		h.render(w, r, http.StatusBadRequest, "import", page{Session: sess, Title: "Impor aparat", Data: d})
		return
	}
	if err != nil {
		h.fail(w, r, sess, err)
		return
	}
	d.Preview = &p
	status := http.StatusOK
	if p.Outside {
		status = http.StatusForbidden
	}
	h.render(w, r, status, "import", page{Session: sess, Title: "Pratinjau impor", Data: d})
}

// commitImport imports the held upload the preview named.
func (h *Handler) commitImport(w http.ResponseWriter, r *http.Request) {
	sess := current(r)
	rep, err := h.Service.ImportUpload(r.Context(), sess.Admin, r.PostFormValue("id"), r.PostFormValue("sha256"))
	if err != nil {
		h.fail(w, r, sess, err)
		return
	}
	h.Log.Info("officials imported from the dashboard", "admin", sess.Admin.ID, "inserted", rep.Inserted,
		"updated", rep.Updated, "problems", rep.ProblemCount)
	h.render(w, r, http.StatusOK, "import", page{Session: sess, Title: "Impor selesai", Data: importData{Report: &rep}})
}
