package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

// searchRegions is a small region table for the name search: Cileunyi
// Kulon and lookalikes (Cileunyi Wetan, Ciledug Kulon), a kelurahan, one
// village name seven kecamatan share and one kecamatan name two regencies
// share.
var searchRegions = []region.Region{
	{Code: "32", Name: "Jawa Barat"}, {Code: "52", Name: "Nusa Tenggara Barat"},
	{Code: "32.04", Name: "Kabupaten Bandung"}, {Code: "32.09", Name: "Kabupaten Cirebon"},
	{Code: "32.11", Name: "Kabupaten Sumedang"}, {Code: "32.73", Name: "Kota Bandung"},
	{Code: "32.01", Name: "Kabupaten Bogor"}, {Code: "32.02", Name: "Kabupaten Sukabumi"},
	{Code: "52.02", Name: "Kabupaten Lombok Tengah"},
	{Code: "32.04.05", Name: "Cileunyi"}, {Code: "32.04.06", Name: "Cimenyan"}, {Code: "32.04.17", Name: "Cimaung"},
	{Code: "32.09.10", Name: "Ciledug"}, {Code: "32.11.12", Name: "Sukasari"}, {Code: "32.73.01", Name: "Sukasari"},
	{Code: "32.01.16", Name: "Cibungbulang"}, {Code: "32.01.22", Name: "Cigudeg"}, {Code: "32.02.46", Name: "Cimanggu"},
	{Code: "52.02.04", Name: "Pujut"},
	{Code: "32.04.05.2001", Name: "Cileunyi Kulon"}, {Code: "32.04.05.2002", Name: "Cileunyi Wetan"},
	{Code: "32.04.05.2003", Name: "Cimekar"}, {Code: "32.04.05.2004", Name: "Cinunuk"},
	{Code: "32.04.05.2005", Name: "Cibiru Hilir"}, {Code: "32.04.05.2006", Name: "Cibiru Wetan"},
	{Code: "32.09.10.2001", Name: "Ciledug Kulon"}, {Code: "32.09.10.2002", Name: "Ciledug Wetan"},
	{Code: "32.73.01.1004", Name: "Sarijadi"}, {Code: "32.73.01.1005", Name: "Sukarasa"},
	{Code: "32.04.06.2001", Name: "Sukamaju"}, {Code: "32.04.17.2007", Name: "Sukamaju"},
	{Code: "32.11.12.2001", Name: "Sukamaju"}, {Code: "32.01.16.2013", Name: "Sukamaju"},
	{Code: "32.01.22.2001", Name: "Sukamaju"}, {Code: "32.02.46.2002", Name: "Sukamaju"},
	{Code: "32.09.10.2003", Name: "Sukamaju"}, {Code: "32.11.12.2002", Name: "Sukamulya"},
	{Code: "52.02.04.2009", Name: "Kuta"},
}

func searchDB(t *testing.T) *store.DB {
	t.Helper()
	db := pgtest.New(t)
	if _, err := db.ImportRegions(context.Background(), searchRegions, "test"); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestSearchVillagesByName(t *testing.T) {
	ctx := context.Background()
	db := searchDB(t)
	tests := []struct {
		text  string
		want  []string // codes, best first
		total int
	}{
		{"cileunyi kulon", []string{"32.04.05.2001"}, 1},
		{"Cileunyi Kulon", []string{"32.04.05.2001"}, 1},
		{"Cileuny Kulon", []string{"32.04.05.2001"}, 1},
		{"cilenyi kulon", []string{"32.04.05.2001"}, 1},
		{"Desa Cileunyi Kulon Kab Bandung", []string{"32.04.05.2001"}, 1},
		{"cileunyi kulon bandung", []string{"32.04.05.2001"}, 1},
		{"desa saya cileunyi kulon", []string{"32.04.05.2001"}, 1},
		{"ciledug kulon", []string{"32.09.10.2001"}, 1},
		{"cibiru", []string{"32.04.05.2005", "32.04.05.2006"}, 2},
		{"kel. sarijadi", []string{"32.73.01.1004"}, 1},
		{"sukamaju kab sumedang", []string{"32.11.12.2001"}, 1},
		{"Sukamaju kec Cimenyan", []string{"32.04.06.2001"}, 1},
		{"sukamaju cimenyan", []string{"32.04.06.2001"}, 1},
		{"desa kuta kab lombok tengah", []string{"52.02.04.2009"}, 1},
		{"qwrtzx", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			q := bot.ParsePlaceQuery(tt.text)
			s, err := db.SearchVillages(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range s.Places {
				got = append(got, p.Code)
			}
			if s.Total != tt.total || len(got) < len(tt.want) || fmt.Sprint(got[:len(tt.want)]) != fmt.Sprint(tt.want) {
				t.Errorf("%+v found %v (total %d); want %v first (total %d)", q, got, s.Total, tt.want, tt.total)
			}
			if tt.total == 1 && s.Places[0].District == "" {
				t.Errorf("%v: no kecamatan name", s.Places[0])
			}
		})
	}
}

func TestSearchTooManyNamesakes(t *testing.T) {
	db := searchDB(t)
	s, err := db.SearchVillages(context.Background(), bot.ParsePlaceQuery("Sukamaju"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Total != 7 || len(s.Places) != bot.MaxMatches {
		t.Fatalf("Sukamaju: total %d, %d shown; want 7 and %d", s.Total, len(s.Places), bot.MaxMatches)
	}
}

func TestListDistrict(t *testing.T) {
	ctx := context.Background()
	db := searchDB(t)
	s, err := db.ListDistrict(ctx, "32.04.05")
	if err != nil {
		t.Fatal(err)
	}
	if s.Total != 6 || len(s.Places) != 6 || s.Places[0].Village != "Cileunyi Kulon" || s.In.District != "Cileunyi" || s.In.Regency != "Kabupaten Bandung" {
		t.Fatalf("32.04.05: %+v in %+v", s.Places, s.In)
	}
	s, err = db.ListDistrict(ctx, "32.04.99")
	if err != nil || len(s.Places) != 0 || s.In.Code != "32.04.99" {
		t.Fatalf("unknown kecamatan: %+v, %v", s, err)
	}
}

// A kecamatan by name lists its villages when one fits, and the kecamatan
// when several do; through HandleInbound, as the engine sees it.
func TestRegisterByKecamatanName(t *testing.T) {
	db := searchDB(t)
	course := testCourse(t)
	phone := "+6281200000101"
	var last store.Handled
	for i, text := range []string{"halo", "Yusuf", "kecamatan sukasari", "2", "1", "ya", "12"} {
		last = say(t, db, course, phone, fmt.Sprintf("kec-%d", i), text)
		if i == 2 && !contains(last, "Kec. Sukasari, Kota Bandung") {
			t.Fatalf("kecamatan list: %+v", last.Replies)
		}
		if i == 3 && !contains(last, "Kel. Sarijadi") {
			t.Fatalf("villages of Sukasari, Kota Bandung: %+v", last.Replies)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM learners WHERE phone = $1 AND village_code = '32.73.01.1004' AND role = 'Lainnya' AND registered_at IS NOT NULL`, phone); n != 1 {
		t.Fatalf("kelurahan official not registered as Lainnya in Sarijadi: %+v", last.Replies)
	}
}

// A regional name for Kepala Desa is recorded as Kepala Desa, with the word
// kept; the village is found by name with a typo.
func TestRegisterByNameKeepsTitle(t *testing.T) {
	db := searchDB(t)
	course := testCourse(t)
	phone := "+6281200000102"
	for i, text := range []string{"halo", "Rina", "Cileuny Kulon", "ya benar", "Kuwu"} {
		say(t, db, course, phone, fmt.Sprintf("kuwu-%d", i), text)
	}
	if n := count(t, db, `SELECT count(*) FROM learners WHERE phone = $1 AND village_code = '32.04.05.2001' AND role = 'Kepala Desa' AND role_title = 'Kuwu'`, phone); n != 1 {
		t.Fatal("Kuwu not recorded as Kepala Desa (Kuwu) of Cileunyi Kulon")
	}
}

func contains(h store.Handled, s string) bool {
	for _, r := range h.Replies {
		if strings.Contains(r.Text, s) {
			return true
		}
	}
	return false
}
