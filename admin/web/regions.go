package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/pamong-desa/pamong/admin"
)

// column is a sortable column of the drill-down table.
type column struct {
	Key, Label string
	Numeric    bool
	key        func(admin.RegionRow) float64
}

var regionColumns = []column{
	{Key: "name", Label: "Wilayah"},
	{Key: "officials", Label: "Aparat", Numeric: true, key: func(r admin.RegionRow) float64 { return float64(r.Officials) }},
	{Key: "registered", Label: "Mendaftar", Numeric: true, key: func(r admin.RegionRow) float64 { return float64(r.Registered) }},
	{Key: "active", Label: "Aktif 7 hari", Numeric: true, key: func(r admin.RegionRow) float64 { return float64(r.Active7d) }},
	{Key: "completed", Label: "Lulus", Numeric: true, key: func(r admin.RegionRow) float64 { return float64(r.Completed) }},
	{Key: "certified", Label: "Bersertifikat", Numeric: true, key: func(r admin.RegionRow) float64 { return float64(r.Certified) }},
	{Key: "gain", Label: "Rata-rata kenaikan", Numeric: true, key: func(r admin.RegionRow) float64 {
		if r.Gain == nil {
			return -1000 // no gain sorts below any gain
		}
		return *r.Gain
	}},
}

// header is a column heading with the link that sorts by it.
type header struct {
	column
	Href   string
	Active bool
	Desc   bool
}

type regionsData struct {
	admin.RegionView
	Headers []header
	CSV     string
}

// sortRows orders rows by the column key (name when unknown), descending
// when desc; ties keep the code order.
func sortRows(rows []admin.RegionRow, key string, desc bool) {
	var col *column
	for i := range regionColumns {
		if regionColumns[i].Key == key && regionColumns[i].key != nil {
			col = &regionColumns[i]
		}
	}
	slices.SortStableFunc(rows, func(a, b admin.RegionRow) int {
		c := 0
		if col == nil {
			c = cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		} else {
			c = cmp.Compare(col.key(a), col.key(b))
		}
		if desc {
			c = -c
		}
		return c
	})
}

func (h *Handler) regions(w http.ResponseWriter, r *http.Request) {
	sess := current(r)
	q := r.URL.Query()
	v, err := h.Service.Region(r.Context(), sess.Admin, q.Get("code"))
	if err != nil {
		h.fail(w, r, sess, err)
		return
	}
	sortKey, desc := q.Get("sort"), q.Get("dir") == "desc"
	sortRows(v.Rows, sortKey, desc)
	d := regionsData{RegionView: v, CSV: "/admin/regions.csv?" + url.Values{"code": {v.Code}}.Encode()}
	for _, c := range regionColumns {
		// A click on the active column flips it; numbers start high.
		active := c.Key == sortKey || (sortKey == "" && c.Key == "name")
		nextDesc := c.Numeric
		if active {
			nextDesc = !desc
		}
		dir := "asc"
		if nextDesc {
			dir = "desc"
		}
		href := "/admin/regions?" + url.Values{"code": {v.Code}, "sort": {c.Key}, "dir": {dir}}.Encode()
		d.Headers = append(d.Headers, header{column: c, Href: href, Active: active, Desc: desc})
	}
	h.render(w, r, http.StatusOK, "regions", page{Session: sess, Title: v.Name, Data: d})
}

// regionsCSV exports the level the page shows, streamed to the response.
func (h *Handler) regionsCSV(w http.ResponseWriter, r *http.Request) {
	sess := current(r)
	v, err := h.Service.Region(r.Context(), sess.Admin, r.URL.Query().Get("code"))
	if err != nil {
		h.fail(w, r, sess, err)
		return
	}
	name := "pamong-wilayah"
	if v.Code != "" {
		name += "-" + strings.ReplaceAll(v.Code, ".", "")
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	if err := admin.WriteRegionCSV(w, v); err != nil {
		h.Log.Warn("region CSV cut short", "code", v.Code, "err", err)
	}
}
