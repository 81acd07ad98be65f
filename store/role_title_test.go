package store_test

import (
	"context"
	"testing"

	"github.com/pamong-desa/pamong/store"
)

// An import keeps the regional title beside the post, and a re-import that
// changes only the title updates it.
func TestImportKeepsRoleTitle(t *testing.T) {
	ctx := context.Background()
	db := searchDB(t)
	row := store.Official{Line: 2, Phone: "+6281200000201", Name: "Made", Role: "Kepala Desa", RoleTitle: "Perbekel", VillageCode: "32.04.05.2001"}
	if _, err := db.ImportOfficials(ctx, "", []store.Official{row}, true); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM learners WHERE phone = $1 AND role = 'Kepala Desa' AND role_title = 'Perbekel'`, row.Phone); n != 1 {
		t.Fatal("title not kept at import")
	}
	row.RoleTitle = "Kuwu"
	res, err := db.ImportOfficials(ctx, "", []store.Official{row}, true)
	if err != nil || res.Updated != 1 {
		t.Fatalf("re-import with a new title: %+v, %v", res, err)
	}
	// The engine carries the title through a conversation untouched.
	say(t, db, testCourse(t), row.Phone, "title-1", "halo")
	if n := count(t, db, `SELECT count(*) FROM learners WHERE phone = $1 AND role_title = 'Kuwu' AND registered_at IS NOT NULL`, row.Phone); n != 1 {
		t.Fatal("title lost after the first message")
	}
}
