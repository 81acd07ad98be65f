package admin

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

// RegionRow is one row of the drill-down: a region and its officials'
// progress.
type RegionRow struct {
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	Officials  int      `json:"officials"`
	Registered int      `json:"registered"`
	Active7d   int      `json:"active_7d"`
	Completed  int      `json:"completed"`
	Certified  int      `json:"certified"`
	Gain       *float64 `json:"average_gain"`
}

// Crumb is one step of the path from the country down to a region. Link
// is false above the admin's scope, where they may not go.
type Crumb struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Link bool   `json:"link"`
}

// RegionLevelNames names the level of a region's children, for headings.
var RegionLevelNames = map[region.Level]string{
	region.Province: "Provinsi", region.Regency: "Kabupaten/Kota", region.District: "Kecamatan", region.Village: "Desa/Kelurahan",
}

// RegionView is one level of the drill-down: the region, how to get back
// up, and either its child regions or, for a village, its officials.
type RegionView struct {
	Code      string       `json:"code"`
	Name      string       `json:"name"`
	Path      []Crumb      `json:"path"`
	Level     region.Level `json:"level"`
	Children  string       `json:"children"`
	Rows      []RegionRow  `json:"rows,omitempty"`
	Officials []Official   `json:"officials,omitempty"`
	Total     int          `json:"total"`
}

// regionInScope reads the region asked for: "" is the admin's own scope;
// anything else must be a known region inside it.
func (s *Service) regionInScope(ctx context.Context, who store.Admin, arg string) (region.Code, error) {
	if arg == "" {
		return who.Scope, nil
	}
	code, err := region.Parse(arg)
	if err != nil {
		return "", invalid("region: %v", err)
	}
	if !code.Within(who.Scope) {
		return "", forbidden("region %s is outside your region %s", code, ScopeName(who.Scope))
	}
	return code, nil
}

// Region is one level of the drill-down inside who's scope. A region
// outside the scope (above it, or beside it) is ErrForbidden.
func (s *Service) Region(ctx context.Context, who store.Admin, arg string) (RegionView, error) {
	ds, err := s.dash()
	if err != nil {
		return RegionView{}, err
	}
	code, err := s.regionInScope(ctx, who, arg)
	if err != nil {
		return RegionView{}, err
	}
	v := RegionView{Code: string(code), Name: "Indonesia", Level: code.Level()}
	if who.Scope == "" {
		v.Path = append(v.Path, Crumb{Code: "", Name: "Indonesia", Link: true})
	}
	if code != "" {
		path, err := ds.RegionPath(ctx, code)
		if err != nil {
			return RegionView{}, err
		}
		if path == nil {
			return RegionView{}, fmt.Errorf("%w: region %s is not among the imported regions", ErrNotFound, code)
		}
		for _, r := range path {
			v.Path = append(v.Path, Crumb{Code: string(r.Code), Name: r.Name, Link: r.Code.Within(who.Scope)})
		}
		v.Name = path[len(path)-1].Name
	}
	if code.Level() == region.Village {
		list, err := s.Officials(ctx, who, Filter{Regions: []string{string(code)}}, MaxPage, 0)
		if err != nil {
			return RegionView{}, err
		}
		v.Officials, v.Total = list.Officials, list.Total
		return v, nil
	}
	v.Children = RegionLevelNames[code.Level()+1]
	rows, err := ds.RegionStats(ctx, code, s.CourseID, s.now().Add(-7*24*time.Hour))
	if err != nil {
		return RegionView{}, err
	}
	for _, r := range rows {
		v.Rows = append(v.Rows, RegionRow{Code: string(r.Code), Name: r.Name, Officials: r.Officials, Registered: r.Registered,
			Active7d: r.Active, Completed: r.Completed, Certified: r.Certified, Gain: r.Gain})
		v.Total += r.Officials
	}
	return v, nil
}

// WriteRegionCSV writes a drill-down level as CSV: the child regions with
// their numbers, or a village's officials. Every text cell is made
// spreadsheet-safe, since names are stored as they were typed.
func WriteRegionCSV(w io.Writer, v RegionView) error {
	cw := csv.NewWriter(w)
	if v.Level == region.Village {
		_ = cw.Write([]string{"name", "phone", "role", "village_code", "channel", "registered", "course_status"})
		for _, o := range v.Officials {
			_ = cw.Write([]string{spreadsheetSafe(o.Name), spreadsheetSafe(o.Phone), spreadsheetSafe(o.Role), o.VillageCode,
				o.Channel, strconv.FormatBool(o.Registered), o.CourseStatus})
		}
	} else {
		_ = cw.Write([]string{"code", "name", "officials", "registered", "active_7d", "completed", "certified", "average_gain"})
		for _, r := range v.Rows {
			gain := ""
			if r.Gain != nil {
				gain = strconv.FormatFloat(*r.Gain, 'f', 1, 64)
			}
			_ = cw.Write([]string{r.Code, spreadsheetSafe(r.Name), strconv.Itoa(r.Officials), strconv.Itoa(r.Registered),
				strconv.Itoa(r.Active7d), strconv.Itoa(r.Completed), strconv.Itoa(r.Certified), gain})
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write region CSV: %w", err)
	}
	return nil
}
