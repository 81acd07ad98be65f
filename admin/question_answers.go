package admin

import (
	"context"
	"fmt"

	"github.com/pamong-desa/pamong/store"
)

// MarkAnswered records that who answered question id (by phone, in
// person, or through the outbox). A question of a learner outside who's
// region is ErrForbidden; an unknown one ErrNotFound.
func (s *Service) MarkAnswered(ctx context.Context, who store.Admin, id int64) error {
	ds, err := s.dash()
	if err != nil {
		return err
	}
	by := who.Name
	if who.ID != 0 {
		by = fmt.Sprintf("%s (admin %d)", who.Name, who.ID)
	}
	return fromStore(ds.MarkQuestionAnswered(ctx, who.Scope, id, by))
}
