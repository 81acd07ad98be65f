package web

import (
	"errors"
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
	// Replied names the question a reply was just queued for, by
	// which channel and in how many messages.
	Replied, RepliedChannel, RepliedMessages string
	// ReplyTo is the question whose reply could not be sent, with the
	// text as written and why.
	ReplyTo            int64
	ReplyText, Problem string
}

func (h *Handler) questions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	h.renderQuestions(w, r, http.StatusOK, questionsData{Region: q.Get("region"), Marked: q.Get("marked"),
		Replied: q.Get("replied"), RepliedChannel: q.Get("channel"), RepliedMessages: q.Get("messages")}, q.Get("offset"))
}

// renderQuestions lists a page of questions with d's notes.
func (h *Handler) renderQuestions(w http.ResponseWriter, r *http.Request, status int, d questionsData, offsetArg string) {
	sess := current(r)
	offset, _ := strconv.Atoi(offsetArg)
	list, err := h.Service.Questions(r.Context(), sess.Admin, d.Region, questionPage, offset)
	if err != nil {
		h.fail(w, r, sess, err)
		return
	}
	d.QuestionList = list
	at := func(off int) string {
		return "/admin/questions?" + url.Values{"region": {d.Region}, "offset": {strconv.Itoa(off)}}.Encode()
	}
	if list.Offset > 0 {
		d.Prev = at(max(list.Offset-questionPage, 0))
	}
	if list.Offset+len(list.Questions) < list.Total {
		d.Next = at(list.Offset + questionPage)
	}
	h.render(w, r, status, "questions", page{Session: sess, Title: "Pertanyaan", Data: d})
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

// replyToQuestion sends the admin's reply to the learner through the
// outbox. A reply that cannot be sent as written (empty, too long, a
// learner who opted out) shows the list again with the text kept and why.
func (h *Handler) replyToQuestion(w http.ResponseWriter, r *http.Request) {
	sess := current(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, sess, admin.ErrNotFound)
		return
	}
	text := r.PostFormValue("text")
	sent, err := h.Service.ReplyToQuestion(r.Context(), sess.Admin, id, text)
	if errors.Is(err, admin.ErrInvalid) {
		h.renderQuestions(w, r, http.StatusBadRequest, questionsData{ReplyTo: id, ReplyText: text,
			Problem: "Balasan untuk pertanyaan " + strconv.FormatInt(id, 10) + " tidak dikirim: " + reason(err, admin.ErrInvalid)}, "")
		return
	}
	if err != nil {
		h.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/admin/questions?"+url.Values{"replied": {strconv.FormatInt(id, 10)}, "channel": {sent.Channel},
		"messages": {strconv.Itoa(sent.Messages)}}.Encode(), http.StatusSeeOther)
}
