package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/pamong-desa/pamong/admin"
)

// remindersData is the reminders page: the same numbers as
// GET /api/v1/reminders, per region one level below the one shown.
type remindersData struct {
	Region string
	// Home is true when the page shows the admin's own region.
	Home bool
	Rows []reminderRow
	// Boxes are the Leitner boxes that have answers anywhere on the page,
	// so every row has the same columns.
	Boxes []int
}

// reminderRow is one region's line, with its accuracy by box laid out
// along Boxes.
type reminderRow struct {
	admin.ReminderRegionRow
	// Drill is true when the region has regions below it (not a village).
	Drill bool
	ByBox []boxCell
}

// boxCell is a region's review answers in one box; Row is nil when none.
type boxCell struct {
	Box int
	Row *admin.BoxRow
}

// Percent is the accuracy in the box as a percentage.
func (c boxCell) Percent() float64 { return 100 * c.Row.Accuracy }

// CameBackPercent and AccuracyPercent are the shares as percentages, for
// the pct helper.
func (r reminderRow) CameBackPercent() float64 { return 100 * r.CameBackShare }
func (r reminderRow) AccuracyPercent() float64 { return 100 * r.Accuracy }

// reminders shows what nudges and spaced review did, inside the admin's
// region or the one asked (?region=, which must lie inside it).
func (h *Handler) reminders(w http.ResponseWriter, r *http.Request) {
	sess := current(r)
	st, err := h.Service.ReminderStats(r.Context(), sess.Admin, r.URL.Query().Get("region"))
	if err != nil {
		h.fail(w, r, sess, err)
		return
	}
	d := remindersData{Region: st.Region, Home: st.Region == string(sess.Admin.Scope)}
	seen := map[int]bool{}
	for _, row := range st.Regions {
		for _, b := range row.ByBox {
			if !seen[b.Box] {
				seen[b.Box] = true
				d.Boxes = append(d.Boxes, b.Box)
			}
		}
	}
	slices.Sort(d.Boxes)
	for _, row := range st.Regions {
		rr := reminderRow{ReminderRegionRow: row, Drill: strings.Count(row.Region, ".") < 3}
		for _, box := range d.Boxes {
			c := boxCell{Box: box}
			for i := range row.ByBox {
				if row.ByBox[i].Box == box {
					c.Row = &row.ByBox[i]
				}
			}
			rr.ByBox = append(rr.ByBox, c)
		}
		d.Rows = append(d.Rows, rr)
	}
	h.render(w, r, http.StatusOK, "reminders", page{Session: sess, Title: "Pengingat dan ulasan", Data: d})
}
