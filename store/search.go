package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/region"
)

// How the name search ranks. A village scores by how much of what was
// typed it explains: trigram similarity of its name to the leading words,
// and of its kecamatan, regency or province to the words after them, each
// weighted by its share of the letters typed.
const (
	// searchFloor is the lowest score shown at all: below it a "match"
	// shares a few syllables with the query and nothing else.
	searchFloor = 0.45
	// searchSpread is how far below the best a village may score and still
	// be offered beside it: "Cileuny Kulon" finds Cileunyi Kulon (0.81)
	// and not Ciledug Kulon (0.56).
	searchSpread = 0.2
	// searchTie is how close to the best a village must score to count as
	// just as good: more such villages than bot.MaxMatches ask for the
	// kecamatan or kabupaten instead of a list.
	searchTie = 0.05
	// maxNameWords bounds the words read as a name; a longer message is a
	// sentence, and its leading words are tried anyway.
	maxNameWords = 6
)

const searchVillages = `
WITH q AS (
    SELECT phrase, rest FROM unnest($1::text[], $2::text[]) AS q(phrase, rest)
), hit AS (
    SELECT v.code, v.name, q.phrase, q.rest, similarity(lower(v.name), q.phrase) AS sim
    FROM q CROSS JOIN LATERAL (
        SELECT code, name FROM regions WHERE level = 4 AND lower(name) % q.phrase
    ) v
), scored AS (
    SELECT h.code, h.name AS village, coalesce(d.name, '') AS district, coalesce(k.name, '') AS regency,
           coalesce(p.name, '') AS province,
           (h.sim * length(h.phrase)
            + CASE WHEN h.rest = '' THEN 0 ELSE coalesce(greatest(word_similarity(h.rest, lower(d.name)),
                  word_similarity(h.rest, lower(k.name)), word_similarity(h.rest, lower(p.name))), 0) * length(h.rest) END
            + CASE WHEN $3 = '' THEN 0 ELSE coalesce(word_similarity($3, lower(d.name)), 0) * length($3) END
            + CASE WHEN $4 = '' THEN 0 ELSE coalesce(greatest(word_similarity($4, lower(k.name)),
                  word_similarity($4, lower(p.name))), 0) * length($4) END
           ) / (length(h.phrase) + length(h.rest) + length($3) + length($4)) AS score
    FROM hit h
    LEFT JOIN regions d ON d.code = left(h.code, 8)
    LEFT JOIN regions k ON k.code = left(h.code, 5)
    LEFT JOIN regions p ON p.code = left(h.code, 2)
), best AS (
    SELECT DISTINCT ON (code) * FROM scored ORDER BY code, score DESC
), ranked AS (
    SELECT *, max(score) OVER () AS top FROM best
)
SELECT code, village, district, regency, province, score,
       count(*) FILTER (WHERE score >= top - $5) OVER () AS tied
FROM ranked
WHERE score >= greatest($6, top - $7)
ORDER BY score DESC, code
LIMIT $8`

// placeRow is a village or kecamatan with the names above it.
type placeRow struct {
	Code     string  `db:"code"`
	Village  string  `db:"village"`
	District string  `db:"district"`
	Regency  string  `db:"regency"`
	Province string  `db:"province"`
	Score    float64 `db:"score"`
	Tied     int     `db:"tied"`
}

func (r placeRow) place() bot.Place {
	return bot.Place{Code: r.Code, Village: r.Village, District: r.District, Regency: r.Regency, Province: r.Province,
		Kelurahan: region.Code(r.Code).IsKelurahan()}
}

// getter is what a look-up needs: the store's pool or a transaction.
type getter interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

var _ getter = (*sqlx.Tx)(nil)

// SearchVillages finds villages by name: name is the village words, area
// words after them that are not marked; district and area are the words
// after "kec" and after "kab"/"kota"/"provinsi". At most bot.MaxMatches
// are returned, best first; Total counts the villages that fit as well as
// the best one.
func (d *DB) SearchVillages(ctx context.Context, q bot.PlaceQuery) (*bot.PlaceSearch, error) {
	return searchVillagesIn(ctx, d.db, q)
}

func searchVillagesIn(ctx context.Context, g getter, q bot.PlaceQuery) (*bot.PlaceSearch, error) {
	phrases, rests := namePhrases(q.Name)
	s := &bot.PlaceSearch{}
	if len(phrases) == 0 {
		return s, nil
	}
	var rows []placeRow
	if err := g.SelectContext(ctx, &rows, searchVillages, pq.Array(phrases), pq.Array(rests), q.District, q.Area,
		searchTie, searchFloor, searchSpread, bot.MaxMatches); err != nil {
		return nil, fmt.Errorf("search villages named %q: %w", q.Name, err)
	}
	for _, r := range rows {
		s.Places = append(s.Places, r.place())
		s.Total = r.Tied
	}
	return s, nil
}

// namePhrases splits the name words into a leading phrase tried as the
// village's name and the rest tried as its area: "sukamaju cileunyi" is
// tried whole, and as Sukamaju in Cileunyi. Villages come first in what
// people write, so only leading phrases are tried.
func namePhrases(name string) (phrases, rests []string) {
	ws := strings.Fields(name)
	if len(ws) > maxNameWords {
		ws = ws[:maxNameWords]
	}
	for i := len(ws); i >= 1; i-- {
		phrase := strings.Join(ws[:i], " ")
		if len([]rune(phrase)) < 3 {
			continue
		}
		phrases = append(phrases, phrase)
		rests = append(rests, strings.Join(ws[i:], " "))
	}
	return phrases, rests
}

const searchDistricts = `
WITH scored AS (
    SELECT d.code, '' AS village, d.name AS district, coalesce(k.name, '') AS regency, coalesce(p.name, '') AS province,
           (similarity(lower(d.name), $1) * length($1)
            + CASE WHEN $2 = '' THEN 0 ELSE coalesce(greatest(word_similarity($2, lower(k.name)),
                  word_similarity($2, lower(p.name))), 0) * length($2) END
           ) / (length($1) + length($2)) AS score
    FROM regions d
    LEFT JOIN regions k ON k.code = left(d.code, 5)
    LEFT JOIN regions p ON p.code = left(d.code, 2)
    WHERE d.level = 3 AND lower(d.name) % $1
), ranked AS (
    SELECT *, max(score) OVER () AS top FROM scored
)
SELECT code, village, district, regency, province, score,
       count(*) FILTER (WHERE score >= top - $3) OVER () AS tied
FROM ranked
WHERE score >= greatest($4, top - $3)
ORDER BY score DESC, code
LIMIT $5`

// searchDistrictsIn answers "kecamatan NAME": the villages of the one
// kecamatan that fits best, or the kecamatan that fit equally well.
func searchDistrictsIn(ctx context.Context, g getter, q bot.PlaceQuery) (*bot.PlaceSearch, error) {
	var rows []placeRow
	if err := g.SelectContext(ctx, &rows, searchDistricts, q.District, q.Area, searchTie, searchFloor, bot.MaxMatches); err != nil {
		return nil, fmt.Errorf("search kecamatan named %q: %w", q.District, err)
	}
	s := &bot.PlaceSearch{}
	switch {
	case len(rows) == 0:
		return s, nil
	case rows[0].Tied == 1:
		return listDistrictIn(ctx, g, region.Code(rows[0].Code))
	}
	for _, r := range rows {
		if s.DistrictsTotal = r.Tied; len(s.Districts) < r.Tied {
			s.Districts = append(s.Districts, r.place())
		}
	}
	return s, nil
}

const listDistrict = `
SELECT v.code, v.name AS village, coalesce(d.name, '') AS district, coalesce(k.name, '') AS regency,
       coalesce(p.name, '') AS province, 0 AS score, count(*) OVER () AS tied
FROM regions v
LEFT JOIN regions d ON d.code = $1
LEFT JOIN regions k ON k.code = left($1, 5)
LEFT JOIN regions p ON p.code = left($1, 2)
WHERE v.code LIKE $2 AND v.level = 4
ORDER BY v.code
LIMIT $3`

// ListDistrict returns the villages of a kecamatan, in code order: at most
// bot.MaxListed+1, with Total the kecamatan's count. An unknown kecamatan
// has no villages; In still names its code.
func (d *DB) ListDistrict(ctx context.Context, code region.Code) (*bot.PlaceSearch, error) {
	return listDistrictIn(ctx, d.db, code)
}

func listDistrictIn(ctx context.Context, g getter, code region.Code) (*bot.PlaceSearch, error) {
	var rows []placeRow
	if err := g.SelectContext(ctx, &rows, listDistrict, string(code), string(code)+".%", bot.MaxListed+1); err != nil {
		return nil, fmt.Errorf("list villages of kecamatan %s: %w", code, err)
	}
	s := &bot.PlaceSearch{In: &bot.Place{Code: string(code)}}
	for _, r := range rows {
		s.Places = append(s.Places, r.place())
		s.Total = r.Tied
		s.In = &bot.Place{Code: string(code), District: r.District, Regency: r.Regency, Province: r.Province}
	}
	return s, nil
}

const analyzeRegions = `ANALYZE regions`

// Analyze refreshes the planner's statistics of the regions table, which a
// bulk import changes at once (the name search plans by them); autovacuum
// would do it, later.
func (d *DB) Analyze(ctx context.Context) error {
	if _, err := d.db.ExecContext(ctx, analyzeRegions); err != nil {
		return fmt.Errorf("analyze regions: %w", err)
	}
	return nil
}
