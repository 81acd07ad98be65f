package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

// Villages in three time zones and two regencies of one province.
const (
	villageBandung = "32.04.05.2001" // WIB
	villageLobar1  = "52.01.01.2001" // WITA, Lombok Barat
	villageLobar2  = "52.01.01.2002"
	villageLoteng  = "52.02.01.2010" // WITA, Lombok Tengah
	villagePapua   = "91.03.01.2001" // WIT
)

// openRaw gives a test a store and a plain connection to the same fresh
// database, for looking at rows and plans the store does not expose.
func openRaw(t testing.TB) (*store.DB, *sqlx.DB) {
	t.Helper()
	url := pgtest.URL(t)
	db, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	raw, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	seedZones(t, db)
	return db, raw
}

func seedZones(t testing.TB, db *store.DB) {
	t.Helper()
	var rows []region.Region
	for _, v := range []string{villageBandung, villageLobar1, villageLobar2, villageLoteng, villagePapua} {
		c := region.Code(v)
		for _, a := range append(c.Ancestors(), c) {
			rows = append(rows, region.Region{Code: a, Name: "Wilayah " + string(a)})
		}
	}
	seen := map[region.Code]bool{}
	var uniq []region.Region
	for _, r := range rows {
		if !seen[r.Code] {
			seen[r.Code] = true
			uniq = append(uniq, r)
		}
	}
	if _, err := db.ImportRegions(context.Background(), uniq, "test"); err != nil {
		t.Fatal(err)
	}
}

func official(line int, phone, name, role, village, channel string) store.Official {
	return store.Official{Line: line, Phone: phone, Name: name, Role: role, VillageCode: region.Code(village), Channel: channel}
}

func importOK(t testing.TB, db *store.DB, scope region.Code, rows ...store.Official) store.OfficialImport {
	t.Helper()
	res, err := db.ImportOfficials(context.Background(), scope, rows, false)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestImportOfficialsUpsertsByPhoneAndKeepsProgress(t *testing.T) {
	db, raw := openRaw(t)
	course := testCourse(t)
	// A learner who registered by chat and is in the pretest.
	const chatter = "+6281200000001"
	register(t, db, course, chatter)
	var before struct {
		Conversation string    `db:"conversation"`
		Registered   time.Time `db:"registered_at"`
	}
	if err := raw.Get(&before, `SELECT conversation::text, registered_at FROM learners WHERE phone = $1`, chatter); err != nil {
		t.Fatal(err)
	}

	res := importOK(t, db, "",
		official(2, "+6281211110001", "Ahmad Fauzi", "Kepala Desa", villageLobar1, "sms"),
		official(3, "+6281211110002", "Baiq Nurul", "Sekretaris Desa", villageLobar2, ""),
		official(4, chatter, "Siti Aminah, S.Pd", "Sekretaris Desa", villageBandung, ""))
	if res.Inserted != 2 || res.Updated != 1 || res.Unchanged != 0 || !res.Committed || len(res.Rejected) != 0 {
		t.Fatalf("first import: %+v", res)
	}
	if n := count(t, db, `SELECT count(*) FROM learners WHERE source = 'import' AND registered_at IS NULL AND conversation = '{}'`); n != 2 {
		t.Errorf("%d new officials are source=import, unregistered, with an empty conversation; want 2", n)
	}
	if n := count(t, db, `SELECT count(*) FROM learners WHERE phone = '+6281211110002' AND preferred_channel = 'whatsapp'`); n != 1 {
		t.Error("a new official without a channel does not default to WhatsApp")
	}
	var after struct {
		Conversation string    `db:"conversation"`
		Registered   time.Time `db:"registered_at"`
		Name         string    `db:"name"`
		Role         string    `db:"role"`
		Source       string    `db:"source"`
		Channel      string    `db:"preferred_channel"`
	}
	if err := raw.Get(&after, `SELECT conversation::text, registered_at, name, role, source, preferred_channel FROM learners WHERE phone = $1`, chatter); err != nil {
		t.Fatal(err)
	}
	if after.Name != "Siti Aminah, S.Pd" || after.Role != "Sekretaris Desa" || after.Source != "chat" || after.Channel != "whatsapp" {
		t.Errorf("the known official was not updated as imported: %+v", after)
	}
	if after.Conversation != before.Conversation || !after.Registered.Equal(before.Registered) {
		t.Errorf("import touched the conversation or registration:\n%s\n%s", before.Conversation, after.Conversation)
	}
	if n := count(t, db, `SELECT count(*) FROM enrolments e JOIN learners l ON l.id = e.learner_id WHERE l.phone = $1`, chatter); n != 1 {
		t.Error("import lost the learner's progress")
	}

	// The same file again changes nothing; a changed row is an update.
	res = importOK(t, db, "",
		official(2, "+6281211110001", "Ahmad Fauzi", "Kepala Desa", villageLobar1, "sms"),
		official(3, "+6281211110002", "Baiq Nurul Hidayah", "Sekretaris Desa", villageLobar2, ""),
		official(4, chatter, "Siti Aminah, S.Pd", "Sekretaris Desa", villageBandung, ""))
	if res.Inserted != 0 || res.Updated != 1 || res.Unchanged != 2 {
		t.Fatalf("re-import: %+v", res)
	}
	// An opted-out official stays opted out through a re-import.
	if _, err := raw.Exec(`UPDATE learners SET opted_out_at = now() WHERE phone = '+6281211110001'`); err != nil {
		t.Fatal(err)
	}
	importOK(t, db, "", official(2, "+6281211110001", "Ahmad Fauzi", "Kepala Desa", villageLobar2, "whatsapp"))
	if n := count(t, db, `SELECT count(*) FROM learners WHERE phone = '+6281211110001' AND opted_out_at IS NOT NULL AND village_code = $1 AND preferred_channel = 'whatsapp'`, villageLobar2); n != 1 {
		t.Error("re-import cleared an opt-out or did not update")
	}
}

func TestImportOfficialsStaysInScope(t *testing.T) {
	ctx := context.Background()
	db, _ := openRaw(t)
	importOK(t, db, "52.02", official(2, "+6281233330001", "Lalu Muhammad", "Kepala Desa", villageLoteng, ""))

	tests := []struct {
		name   string
		rows   []store.Official
		strict bool
		want   []string // reasons, by line order
		loaded int      // officials in 52.01 afterwards
	}{
		{"village of another regency", []store.Official{
			official(2, "+6281233330002", "Ok", "Kepala Desa", villageLobar1, ""),
			official(3, "+6281233330003", "Elsewhere", "Kepala Desa", villageLoteng, ""),
		}, false, []string{"village 52.02.01.2010 is outside your region"}, 1},
		{"unknown village", []store.Official{
			official(2, "+6281233330004", "Nowhere", "Kepala Desa", "52.01.01.2999", ""),
		}, false, []string{"village 52.01.01.2999 is not among the imported regions"}, 1},
		{"phone of another regency's official", []store.Official{
			official(2, "+6281233330001", "Stolen", "Kepala Desa", villageLobar1, ""),
		}, false, []string{"phone +6281233330001 cannot be imported in your region; ask a national admin"}, 1},
		{"strict rolls back the good rows", []store.Official{
			official(2, "+6281233330005", "Good", "Kepala Desa", villageLobar2, ""),
			official(3, "+6281233330006", "Bad", "Kepala Desa", "52.01.01.2999", ""),
		}, true, []string{"village 52.01.01.2999 is not among the imported regions"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := db.ImportOfficials(ctx, "52.01", tt.rows, tt.strict)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range res.Rejected {
				got = append(got, r.Reason)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("rejected %q; want %q", got, tt.want)
			}
			if res.Committed == tt.strict {
				t.Errorf("committed = %v with strict = %v", res.Committed, tt.strict)
			}
			if n := count(t, db, `SELECT count(*) FROM learners WHERE village_code LIKE '52.01.%'`); n != tt.loaded {
				t.Errorf("%d officials in 52.01; want %d", n, tt.loaded)
			}
		})
	}
	if n := count(t, db, `SELECT count(*) FROM learners WHERE phone = '+6281233330001' AND name = 'Lalu Muhammad' AND village_code = $1`, villageLoteng); n != 1 {
		t.Fatal("a regency admin's import changed another regency's official")
	}
}

func TestOfficialsListIsScoped(t *testing.T) {
	ctx := context.Background()
	db, _ := openRaw(t)
	importOK(t, db, "",
		official(2, "+6281244440001", "A Lobar", "Kepala Desa", villageLobar1, ""),
		official(3, "+6281244440002", "B Lobar", "Anggota BPD", villageLobar2, "sms"),
		official(4, "+6281244440003", "C Loteng", "Kepala Desa", villageLoteng, ""),
		official(5, "+6281244440004", "D Bandung", "Kepala Desa", villageBandung, ""))
	tests := []struct {
		name string
		a    store.Audience
		want []string
	}{
		{"national", store.Audience{}, []string{"D Bandung", "A Lobar", "B Lobar", "C Loteng"}},
		{"province", store.Audience{Scope: "52"}, []string{"A Lobar", "B Lobar", "C Loteng"}},
		{"regency", store.Audience{Scope: "52.01"}, []string{"A Lobar", "B Lobar"}},
		{"other regency", store.Audience{Scope: "52.02"}, []string{"C Loteng"}},
		{"a prefix that is not a parent", store.Audience{Scope: "52.0"}, nil},
		{"role", store.Audience{Scope: "52", Roles: []string{"Kepala Desa"}}, []string{"A Lobar", "C Loteng"}},
		{"channel", store.Audience{Channels: []string{"sms"}}, []string{"B Lobar"}},
		{"village", store.Audience{Scope: "52", Regions: []region.Code{villageLobar2}}, []string{"B Lobar"}},
		{"not started", store.Audience{Statuses: []string{"not_started"}, Scope: "52.02"}, []string{"C Loteng"}},
		{"in progress", store.Audience{Statuses: []string{"in_progress"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, total, err := db.Officials(ctx, tt.a, 100, 0)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, r.Name)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") || total != len(tt.want) {
				t.Errorf("got %v (total %d); want %v", got, total, tt.want)
			}
		})
	}
	rows, total, err := db.Officials(ctx, store.Audience{}, 2, 3)
	if err != nil || len(rows) != 1 || total != 4 {
		t.Fatalf("page: %d rows, total %d, %v", len(rows), total, err)
	}
	if rows, total, err = db.Officials(ctx, store.Audience{}, 2, 10); err != nil || len(rows) != 0 || total != 4 {
		t.Fatalf("past the end: %d rows, total %d, %v", len(rows), total, err)
	}
}

// The scope filter is a prefix search the learners_village_prefix index
// answers, with the scope as a parameter, as the store sends it.
func TestScopeFilterUsesThePrefixIndex(t *testing.T) {
	_, raw := openRaw(t)
	if _, err := raw.Exec(`INSERT INTO learners (phone, village_code)
		SELECT '+62812' || lpad(i::text, 8, '0'), '52.01.01.' || lpad((2000 + i % 9000)::text, 4, '0')
		FROM generate_series(1, 20000) i`); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`ANALYZE learners`); err != nil {
		t.Fatal(err)
	}
	var plan []string
	if err := raw.Select(&plan, `EXPLAIN SELECT count(*) FROM learners l WHERE pamong_within(l.village_code, $1)`, "52.01.01.2005"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(plan, "\n"), "learners_village_prefix") {
		t.Fatalf("the scope filter does not use the prefix index:\n%s", strings.Join(plan, "\n"))
	}
}

// BenchmarkImportOfficials imports 80,000 officials, one per real village
// of the reference file: "new" inserts them all (new phones every
// iteration), "unchanged" imports the same file again.
func BenchmarkImportOfficials(b *testing.B) {
	ctx := context.Background()
	db := pgtest.New(b)
	rows := realOfficials(b, db, 80000)
	batchNo := 0
	b.Run("new", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			batchNo++
			b.StopTimer()
			batch := make([]store.Official, len(rows))
			for j, o := range rows {
				o.Phone = fmt.Sprintf("+62814%02d%06d", batchNo, j)
				batch[j] = o
			}
			b.StartTimer()
			res, err := db.ImportOfficials(ctx, "", batch, true)
			if err != nil || !res.Committed || res.Inserted != len(rows) {
				b.Fatalf("%+v %v", res, err)
			}
		}
		b.ReportMetric(float64(len(rows)*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	if _, err := db.ImportOfficials(ctx, "", rows, true); err != nil {
		b.Fatal(err)
	}
	b.Run("unchanged", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			res, err := db.ImportOfficials(ctx, "", rows, true)
			if err != nil || !res.Committed || res.Unchanged != len(rows) {
				b.Fatalf("%+v %v", res, err)
			}
		}
		b.ReportMetric(float64(len(rows)*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// realOfficials imports the reference regions and makes n officials, one
// per village, a quarter of them on SMS.
func realOfficials(b *testing.B, db *store.DB, n int) []store.Official {
	b.Helper()
	regions, err := region.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.ImportRegions(context.Background(), regions, "test"); err != nil {
		b.Fatal(err)
	}
	roles := []string{"Kepala Desa", "Sekretaris Desa", "Kaur Keuangan", "Anggota BPD"}
	var rows []store.Official
	for _, r := range regions {
		if r.Code.Level() != region.Village {
			continue
		}
		i := len(rows)
		ch := "whatsapp"
		if i%4 == 0 {
			ch = "sms"
		}
		rows = append(rows, official(i+2, fmt.Sprintf("+62813%08d", i), "Pejabat "+r.Name, roles[i%len(roles)], string(r.Code), ch))
		if len(rows) == n {
			break
		}
	}
	if len(rows) < n {
		b.Fatalf("only %d villages", len(rows))
	}
	return rows
}
