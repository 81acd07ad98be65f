package bot

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/pamong-desa/pamong/region"
)

// QueryKind tells what a learner's answer to "which village?" asks for.
type QueryKind string

// The kinds of answer to "which village?".
const (
	// QueryNone needs no look-up.
	QueryNone QueryKind = ""
	// QueryVillage is a 10-digit village code, perhaps with words beside it.
	QueryVillage QueryKind = "village"
	// QueryDistrict is a 6-digit kecamatan code: list its villages.
	QueryDistrict QueryKind = "district"
	// QueryName is a village name, or a kecamatan name after "kecamatan".
	QueryName QueryKind = "name"
	// QueryDontKnow is "tidak tahu", "lewati" and the like.
	QueryDontKnow QueryKind = "dont_know"
	// QueryBadCode is digits that make no village or kecamatan code.
	QueryBadCode QueryKind = "bad_code"
)

// PlaceQuery is what a learner typed where a village is asked for, read
// into the parts the store looks up: a code, or name words.
type PlaceQuery struct {
	Kind QueryKind
	// Code is the village or kecamatan code (QueryVillage, QueryDistrict).
	Code region.Code
	// Name is the village name in lower case without "desa"/"kelurahan";
	// with QueryVillage, the words beside the code.
	Name string
	// District is the words after "kec"/"kecamatan".
	District string
	// Area is the words after "kab"/"kabupaten"/"kota"/"provinsi": a
	// regency or province.
	Area string
}

var (
	// A village code inside other text: 10 digits, grouped 2.2.2.4 by dots,
	// dashes or spaces or not at all, and no digit on either side.
	villageCodeRe = regexp.MustCompile(`(?:^|[^0-9])([0-9]{2}[.\- ]?[0-9]{2}[.\- ]?[0-9]{2}[.\- ]?[0-9]{4})(?:[^0-9]|$)`)
	// A kecamatan code: 6 digits grouped 2.2.2 or not.
	districtCodeRe = regexp.MustCompile(`(?:^|[^0-9])([0-9]{2}[.\- ]?[0-9]{2}[.\- ]?[0-9]{2})(?:[^0-9.]|\.?$)`)
)

// leadingFillers are words people put before the name itself: "desa saya
// Cileunyi Kulon", "nama desa: Sukamaju", "kel. Sarijadi".
var leadingFillers = map[string]bool{
	"desa": true, "ds": true, "kelurahan": true, "kel": true, "saya": true, "dari": true, "di": true,
	"nama": true, "namanya": true, "kode": true, "adalah": true, "yaitu": true, "ini": true,
}

// Markers start the part of a query that names the area around the
// village. "kota" marks only after a name, since villages are called
// Kota Baru.
var (
	districtMarkers = map[string]bool{"kec": true, "kecamatan": true, "kac": true}
	areaMarkers     = map[string]bool{"kab": true, "kabupaten": true, "kabupatan": true, "prov": true, "provinsi": true, "propinsi": true}
)

// ParsePlaceQuery reads an answer to "which village?": a village code
// anywhere in the text ("kode desa 3204052001"), a kecamatan code
// ("320405"), "tidak tahu", or a name with optional area words ("Desa
// Cileunyi Kulon Kab Bandung", "kecamatan cileunyi").
func ParsePlaceQuery(text string) PlaceQuery {
	if m := villageCodeRe.FindStringSubmatchIndex(text); m != nil {
		if c, err := region.ParseVillage(text[m[2]:m[3]]); err == nil {
			q := parseNames(text[:m[2]] + " " + text[m[3]:])
			return PlaceQuery{Kind: QueryVillage, Code: c, Name: q.Name, District: q.District, Area: q.Area}
		}
	}
	if m := districtCodeRe.FindStringSubmatch(text); m != nil {
		if c, err := region.Parse(m[1]); err == nil && c.Level() == region.District {
			return PlaceQuery{Kind: QueryDistrict, Code: c}
		}
	}
	if dontKnow(words(text)) {
		return PlaceQuery{Kind: QueryDontKnow}
	}
	q := parseNames(text)
	if q.Name == "" && q.District == "" {
		if hasDigit(text) {
			return PlaceQuery{Kind: QueryBadCode}
		}
		if q.Area == "" {
			return PlaceQuery{}
		}
	}
	q.Kind = QueryName
	return q
}

// parseNames splits name words from area words.
func parseNames(text string) PlaceQuery {
	var name, district, area []string
	part := &name
	for i, w := range words(text) {
		switch {
		case districtMarkers[w]:
			part = &district
		case areaMarkers[w], w == "kota" && i > 0:
			part = &area
		case part == &name && len(name) == 0 && leadingFillers[w]:
		case hasDigit(w):
			// Stray numbers are no part of a name.
		default:
			*part = append(*part, w)
		}
	}
	return PlaceQuery{Name: strings.Join(name, " "), District: strings.Join(district, " "), Area: strings.Join(area, " ")}
}

// words lowers text and splits it at everything that is not a letter or a
// digit, as trigram matching does.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func hasDigit(s string) bool {
	return strings.IndexFunc(s, unicode.IsDigit) >= 0
}

var (
	notWords  = map[string]bool{"tidak": true, "tdk": true, "gak": true, "ga": true, "nggak": true, "ngga": true, "enggak": true, "belum": true, "blm": true, "ndak": true, "tak": true, "gk": true, "g": true}
	knowWords = map[string]bool{"tahu": true, "tau": true, "tahu.": true, "ingat": true, "hafal": true, "punya": true, "ada": true}
	skipWords = map[string]bool{"lewati": true, "lewat": true, "skip": true, "lupa": true}
)

// dontKnow tells "tidak tahu", "saya tidak tahu kode desa", "lupa
// kodenya", "lewati" from a name.
func dontKnow(ws []string) bool {
	for i, w := range ws {
		if skipWords[w] {
			return true
		}
		if notWords[w] && i+1 < len(ws) && knowWords[ws[i+1]] {
			return true
		}
	}
	return false
}

// PlaceLookup is what the caller should look up before Step, given the
// learner's state and what they wrote: QueryNone outside the village step,
// for keywords, and for a pick of a village from the list (the state has
// it). Picking a kecamatan from a list asks for its villages.
func PlaceLookup(st State, text string) PlaceQuery {
	c := st.Conversation
	if c.Stage != StageAskVillage && c.Stage != StageChooseVillage {
		return PlaceQuery{}
	}
	if ParseKeyword(text) != KeyNone {
		return PlaceQuery{}
	}
	if c.Stage == StageChooseVillage {
		if n, ok := pickNumber(text); ok {
			if InRange(n, len(c.Choices)) && region.Code(c.Choices[n-1].Code).Level() == region.District {
				return PlaceQuery{Kind: QueryDistrict, Code: region.Code(c.Choices[n-1].Code)}
			}
			return PlaceQuery{}
		}
	}
	return ParsePlaceQuery(text)
}

// Words around a number picked from a list: "no 2", "nomor 2 pak".
var (
	pickPrefixes = map[string]bool{"no": true, "nomor": true, "nomer": true, "pilih": true, "pilihan": true, "yang": true}
	pickSuffixes = map[string]bool{"pak": true, "bu": true, "bapak": true, "ibu": true, "ya": true, "saja": true, "aja": true, "deh": true}
)

// pickNumber reads a number picked from a list: "2", "2.", "no 2", "2 pak"
// are 2; village codes and longer numbers are not picks.
func pickNumber(text string) (int, bool) {
	ws := words(text)
	for len(ws) > 1 && pickPrefixes[ws[0]] {
		ws = ws[1:]
	}
	for len(ws) > 1 && pickSuffixes[ws[len(ws)-1]] {
		ws = ws[:len(ws)-1]
	}
	if len(ws) != 1 || len(ws[0]) > 2 {
		return 0, false
	}
	n := 0
	for _, r := range ws[0] {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}
