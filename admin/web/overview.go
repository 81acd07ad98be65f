package web

import (
	"fmt"
	"html/template"
	"net/http"

	"github.com/pamong-desa/pamong/admin"
)

// bar is one bar of the funnel chart, laid out on the server so that the
// page needs no chart library and no script.
type bar struct {
	admin.FunnelStep
	Y, Width, TextY int
}

// chart geometry in SVG user units; the viewBox scales it to the screen.
const (
	chartLabelW = 190
	chartBarW   = 300
	chartRowH   = 30
)

type overviewData struct {
	admin.Overview
	Bars        []bar
	ChartH      int
	ChartLabelW int
	CountX      int
	BarW        int
}

func (h *Handler) overview(w http.ResponseWriter, r *http.Request) {
	sess := current(r)
	o, err := h.Service.Overview(r.Context(), sess.Admin)
	if err != nil {
		h.fail(w, r, sess, err)
		return
	}
	d := overviewData{Overview: o, ChartH: len(o.Steps) * chartRowH, ChartLabelW: chartLabelW, BarW: chartBarW}
	for i, s := range o.Steps {
		width := int(s.Percent * chartBarW / 100)
		if s.Count > 0 && width < 1 {
			width = 1 // a non-zero count stays visible
		}
		d.Bars = append(d.Bars, bar{FunnelStep: s, Y: i*chartRowH + 4, Width: width, TextY: i*chartRowH + 19})
	}
	d.CountX = chartLabelW + chartBarW + 8
	h.render(w, r, http.StatusOK, "overview", page{Session: sess, Title: "Ringkasan", Data: d})
}

// funcs are the helpers templates use.
var funcs = template.FuncMap{
	"pct": func(f float64) string { return fmt.Sprintf("%.1f%%", f) },
	"num": func(n int) string { return admin.GroupDigits(n, ".") },
	"add": func(a, b int) int { return a + b },
	"status": func(s string) string {
		switch s {
		case "completed":
			return "selesai"
		case "in_progress":
			return "berjalan"
		}
		return "belum mulai"
	},
	"gain": func(g *float64) string {
		if g == nil {
			return "–"
		}
		return fmt.Sprintf("%+.1f poin", *g)
	},
}
