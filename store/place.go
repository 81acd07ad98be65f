package store

import (
	"context"
	"fmt"

	"github.com/lib/pq"

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

// placeByCode returns the village with this code and the names above it,
// or nil when there is none.
func placeByCode(ctx context.Context, g getter, code region.Code) (*bot.Place, error) {
	path, err := regionPath(ctx, g, code)
	if err != nil || path == nil {
		return nil, err
	}
	p := &bot.Place{Code: string(code), Kelurahan: code.IsKelurahan()}
	for _, r := range path {
		switch r.Code.Level() {
		case region.Province:
			p.Province = r.Name
		case region.Regency:
			p.Regency = r.Name
		case region.District:
			p.District = r.Name
		case region.Village:
			p.Village = r.Name
		}
	}
	return p, nil
}

func regionPath(ctx context.Context, g getter, code region.Code) ([]region.Region, error) {
	codes := []string{string(code)}
	for _, a := range code.Ancestors() {
		codes = append(codes, string(a))
	}
	var path []region.Region
	if err := g.SelectContext(ctx, &path, selectRegionPath, pq.Array(codes)); err != nil {
		return nil, fmt.Errorf("look up region %s: %w", code, err)
	}
	if len(path) == 0 || path[len(path)-1].Code != code {
		return nil, nil
	}
	return path, nil
}

// FindPlace looks up what q asks for outside a conversation, as
// HandleInbound does inside one: the village of a code, or the villages
// of a kecamatan or a name. known tells whether any regions are imported.
func (d *DB) FindPlace(ctx context.Context, q bot.PlaceQuery) (place *bot.Place, search *bot.PlaceSearch, known bool, err error) {
	var in bot.Input
	err = lookupPlace(ctx, d.db, q, &in)
	return in.Place, in.Search, in.RegionsKnown, err
}
