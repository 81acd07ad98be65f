package bot

import (
	"sort"
	"strings"

	"github.com/pamong-desa/pamong/region"
)

// districts and places are the region table the transcripts see: a few
// real villages, a kelurahan, a kecamatan name four regencies share and a
// village name seven kecamatan share.
var districts = map[string]Place{
	"32.04.05": {Code: "32.04.05", Province: "Jawa Barat", Regency: "Kabupaten Bandung", District: "Cileunyi"},
	"32.04.06": {Code: "32.04.06", Province: "Jawa Barat", Regency: "Kabupaten Bandung", District: "Cimenyan"},
	"52.01.01": {Code: "52.01.01", Province: "Nusa Tenggara Barat", Regency: "Kabupaten Lombok Barat", District: "Gerung"},
	"32.73.01": {Code: "32.73.01", Province: "Jawa Barat", Regency: "Kota Bandung", District: "Sukasari"},
	"32.11.12": {Code: "32.11.12", Province: "Jawa Barat", Regency: "Kabupaten Sumedang", District: "Sukasari"},
	"32.13.24": {Code: "32.13.24", Province: "Jawa Barat", Regency: "Kabupaten Subang", District: "Sukasari"},
	"32.14.15": {Code: "32.14.15", Province: "Jawa Barat", Regency: "Kabupaten Purwakarta", District: "Sukasari"},
	"32.01.01": {Code: "32.01.01", Province: "Jawa Barat", Regency: "Kabupaten Bogor", District: "Cibinong"},
	"32.02.01": {Code: "32.02.01", Province: "Jawa Barat", Regency: "Kabupaten Sukabumi", District: "Pelabuhanratu"},
	"32.03.01": {Code: "32.03.01", Province: "Jawa Barat", Regency: "Kabupaten Cianjur", District: "Cianjur"},
}

var places = func() map[string]Place {
	m := map[string]Place{}
	add := func(code, village string) {
		d := districts[code[:8]]
		m[code] = Place{Code: code, Province: d.Province, Regency: d.Regency, District: d.District, Village: village,
			Kelurahan: region.Code(code).IsKelurahan()}
	}
	for code, name := range map[string]string{
		"32.04.05.2001": "Cileunyi Kulon", "32.04.05.2002": "Cileunyi Wetan", "32.04.05.2003": "Cimekar",
		"32.04.05.2004": "Cinunuk", "32.04.05.2005": "Cibiru Hilir", "32.04.05.2006": "Cibiru Wetan",
		"52.01.01.2001": "Dasan Geres", "32.73.01.1001": "Sarijadi",
		"32.04.06.2001": "Sukamaju", "32.11.12.2001": "Sukamaju", "32.13.24.2001": "Sukamaju", "32.14.15.2001": "Sukamaju",
		"32.01.01.2001": "Sukamaju", "32.02.01.2001": "Sukamaju", "32.03.01.2001": "Sukamaju",
	} {
		add(code, name)
	}
	return m
}()

// fixtureLookup stands in for the store: codes are looked up exactly; names
// match when equal or one or two letters apart or as the first words of a
// name, within the kecamatan and
// area words given. The store's real search (pg_trgm) is tested in store/.
func fixtureLookup(q PlaceQuery) (*Place, *PlaceSearch) {
	switch q.Kind {
	case QueryVillage:
		if p, ok := places[string(q.Code)]; ok {
			return &p, nil
		}
		if q.Name != "" {
			return nil, fixtureByName(q)
		}
	case QueryDistrict:
		d, ok := districts[string(q.Code)]
		s := &PlaceSearch{In: &Place{Code: string(q.Code)}}
		if ok {
			s.In = &d
			s.Places = fixtureIn(d.Code)
			s.Total = len(s.Places)
		}
		return nil, s
	case QueryName:
		if q.Name == "" && q.District != "" {
			var ds []Place
			for _, d := range sortedDistricts() {
				if near(strings.ToLower(d.District), q.District) && inArea(d, q.Area) {
					ds = append(ds, d)
				}
			}
			if len(ds) == 1 {
				vs := fixtureIn(ds[0].Code)
				return nil, &PlaceSearch{In: &ds[0], Places: vs, Total: len(vs)}
			}
			return nil, &PlaceSearch{Districts: ds, DistrictsTotal: len(ds)}
		}
		if q.Name != "" {
			return nil, fixtureByName(q)
		}
	}
	return nil, nil
}

func fixtureByName(q PlaceQuery) *PlaceSearch {
	s := &PlaceSearch{}
	for _, p := range sortedPlaces() {
		name := strings.ToLower(p.Village)
		if (near(name, q.Name) || strings.HasPrefix(name, q.Name+" ")) && (q.District == "" || near(strings.ToLower(p.District), q.District)) && inArea(p, q.Area) {
			s.Total++
			if len(s.Places) < MaxMatches {
				s.Places = append(s.Places, p)
			}
		}
	}
	return s
}

func inArea(p Place, area string) bool {
	return area == "" || strings.Contains(strings.ToLower(p.Regency+" "+p.Province), area)
}

func fixtureIn(district string) []Place {
	var out []Place
	for _, p := range sortedPlaces() {
		if strings.HasPrefix(p.Code, district+".") {
			out = append(out, p)
		}
	}
	return out
}

func sortedPlaces() []Place {
	out := make([]Place, 0, len(places))
	for _, p := range places {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

func sortedDistricts() []Place {
	out := make([]Place, 0, len(districts))
	for _, d := range districts {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// near tells whether a and b are at most two edits apart.
func near(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)] <= 2
}
