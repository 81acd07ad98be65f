package store

import (
	"context"
	"fmt"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/region"
)

const regionsExist = `SELECT EXISTS (SELECT 1 FROM regions)`

// lookupPlace looks up what the engine will need to answer a learner at the
// village step (bot.PlaceLookup says what): a village by code, a
// kecamatan's villages, or villages by name. It runs inside the message's
// transaction, after the learner's state is loaded, since what to look up
// depends on it ("2" picks from the list shown); it only runs during
// registration, so the learner's lock is held a few milliseconds longer
// only then.
func lookupPlace(ctx context.Context, g getter, q bot.PlaceQuery, in *bot.Input) error {
	if q.Kind == bot.QueryNone || q.Kind == bot.QueryDontKnow || q.Kind == bot.QueryBadCode {
		return nil
	}
	if err := g.GetContext(ctx, &in.RegionsKnown, regionsExist); err != nil {
		return fmt.Errorf("check regions: %w", err)
	}
	if !in.RegionsKnown {
		return nil
	}
	var err error
	switch q.Kind {
	case bot.QueryVillage:
		if in.Place, err = placeByCode(ctx, g, q.Code); err != nil || in.Place != nil || q.Name == "" {
			return err
		}
		// An unknown code typed with a name: the name may find it.
		in.Search, err = searchVillagesIn(ctx, g, q)
	case bot.QueryDistrict:
		in.Search, err = listDistrictIn(ctx, g, q.Code)
	case bot.QueryName:
		switch {
		case q.Name != "":
			in.Search, err = searchVillagesIn(ctx, g, q)
		case q.District != "":
			in.Search, err = searchDistrictsIn(ctx, g, q)
		}
	}
	return err
}

const selectPlace = `
SELECT v.code, v.name AS village, coalesce(d.name, '') AS district, coalesce(k.name, '') AS regency,
       coalesce(p.name, '') AS province, 0 AS score, 1 AS tied
FROM regions v
LEFT JOIN regions d ON d.code = left(v.code, 8)
LEFT JOIN regions k ON k.code = left(v.code, 5)
LEFT JOIN regions p ON p.code = left(v.code, 2)
WHERE v.code = $1 AND v.level = 4`

// placeByCode returns the village with this code and the names above it,
// or nil when there is none.
func placeByCode(ctx context.Context, g getter, code region.Code) (*bot.Place, error) {
	var rows []placeRow
	if err := g.SelectContext(ctx, &rows, selectPlace, string(code)); err != nil {
		return nil, fmt.Errorf("look up village %s: %w", code, err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	p := rows[0].place()
	return &p, nil
}

// FindPlace looks up what q asks for outside a conversation, as
// HandleInbound does inside one: the village of a code, or the villages
// of a kecamatan or a name. known tells whether any regions are imported.
func (d *DB) FindPlace(ctx context.Context, q bot.PlaceQuery) (place *bot.Place, search *bot.PlaceSearch, known bool, err error) {
	var in bot.Input
	err = lookupPlace(ctx, d.db, q, &in)
	return in.Place, in.Search, in.RegionsKnown, err
}
