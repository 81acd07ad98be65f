package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/pamong-desa/pamong/admin"
	"github.com/pamong-desa/pamong/store"
)

// stageLabels name the course stages for admins, in course order.
var stageLabels = []struct{ Key, Label string }{
	{store.StageNotRegistered, "Belum mendaftar"},
	{store.StageRegistered, "Sudah mendaftar"},
	{store.StagePretest, "Pretest selesai"},
	{store.StageLessons, "Sedang belajar"},
	{store.StagePassed, "Lulus post-test"},
	{store.StageCertified, "Bersertifikat"},
}

func stageLabel(key string) string {
	for _, s := range stageLabels {
		if s.Key == key {
			return s.Label
		}
	}
	return key
}

type officialsData struct {
	admin.OfficialResults
	Query, Stage string
	Stages       []struct{ Key, Label string }
	// First links back to the first page when this is a later one.
	First, Next string
}

func (h *Handler) officials(w http.ResponseWriter, r *http.Request) {
	sess := current(r)
	q := r.URL.Query()
	search := admin.OfficialSearch{Query: q.Get("q"), Stage: q.Get("stage"), After: q.Get("after")}
	res, err := h.Service.SearchOfficials(r.Context(), sess.Admin, search)
	if err != nil {
		h.fail(w, r, sess, err)
		return
	}
	d := officialsData{OfficialResults: res, Query: search.Query, Stage: search.Stage, Stages: stageLabels}
	link := func(after string) string {
		v := url.Values{}
		if search.Query != "" {
			v.Set("q", search.Query)
		}
		if search.Stage != "" {
			v.Set("stage", search.Stage)
		}
		if after != "" {
			v.Set("after", after)
		}
		return "/admin/officials?" + v.Encode()
	}
	if search.After != "" {
		d.First = link("")
	}
	if res.Next != "" {
		d.Next = link(res.Next)
	}
	h.render(w, r, http.StatusOK, "officials", page{Session: sess, Title: "Aparat", Data: d})
}

func (h *Handler) official(w http.ResponseWriter, r *http.Request) {
	sess := current(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, sess, admin.ErrNotFound)
		return
	}
	v, err := h.Service.Official(r.Context(), sess.Admin, id)
	if err != nil {
		h.fail(w, r, sess, err)
		return
	}
	h.render(w, r, http.StatusOK, "official", page{Session: sess, Title: v.Name, Data: v})
}

// wib is the time zone dates are shown in: Jakarta's, where the programme
// is run from. A fixed offset, since Indonesia has no daylight saving time
// and a server may have no zone database.
var wib = time.FixedZone("WIB", 7*3600)

// officialFuncs are the template helpers of the officials pages.
var officialFuncs = template.FuncMap{
	"stage": stageLabel,
	"sub":   func(a, b int) int { return a - b },
	"score": func(p *int) string {
		if p == nil {
			return "–"
		}
		return strconv.Itoa(*p)
	},
	"date":     func(t *time.Time) string { return t.In(wib).Format("2 Jan 2006") },
	"datetime": func(t time.Time) string { return t.In(wib).Format("2 Jan 2006 15:04") + " WIB" },
}
