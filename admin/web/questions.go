package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/pamong-desa/pamong/admin"
)

// questionPage is how many questions one page lists.
const questionPage = 50

type questionsData struct {
	admin.QuestionList
	Region     string
	Marked     string
	Prev, Next string
}

func (h *Handler) questions(w http.ResponseWriter, r *http.Request) {
	sess := current(r)
	q := r.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	list, err := h.Service.Questions(r.Context(), sess.Admin, q.Get("region"), questionPage, offset)
	if err != nil {
		h.fail(w, r, sess, err)
		return
	}
	d := questionsData{QuestionList: list, Region: q.Get("region"), Marked: q.Get("marked")}
	at := func(off int) string {
		return "/admin/questions?" + url.Values{"region": {d.Region}, "offset": {strconv.Itoa(off)}}.Encode()
	}
	if list.Offset > 0 {
		d.Prev = at(max(list.Offset-questionPage, 0))
	}
	if list.Offset+len(list.Questions) < list.Total {
		d.Next = at(list.Offset + questionPage)
	}
	h.render(w, r, http.StatusOK, "questions", page{Session: sess, Title: "Pertanyaan", Data: d})
}

func (h *Handler) markAnswered(w http.ResponseWriter, r *http.Request) {
	sess := current(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, sess, admin.ErrNotFound)
		return
	}
	if err := h.Service.MarkAnswered(r.Context(), sess.Admin, id); err != nil {
		h.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/admin/questions?marked="+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
