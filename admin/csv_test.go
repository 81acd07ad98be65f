package admin

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

func TestReadOfficials(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string // phone|name|role|village|channel of the good rows
		bad     []string // "line: reason" of the bad rows
		wantErr string
	}{
		{name: "plain", in: "phone,name,role,village_code,channel\n081234567890,Siti Aminah,Kepala Desa,32.04.05.2001,sms\n",
			want: []string{"+6281234567890|Siti Aminah|Kepala Desa|32.04.05.2001|sms"}},
		{name: "Excel: BOM, semicolons, CRLF, quoted name with a comma and a semicolon",
			in:   "\ufeffphone;name;role;village_code\r\n+62 812-3456-7891;\"Dr. H. Ahmad, S.Pd; M.Si\";KADES;3204052001\r\n;;;\r\n",
			want: []string{"+6281234567891|Dr. H. Ahmad, S.Pd; M.Si|Kepala Desa|32.04.05.2001|"}},
		{name: "quoted name with commas", in: "phone,name,role,village_code\n6281234567892,\"Lubis, Rahmat, S.E.\",sekdes,32.04.05.2001\n",
			want: []string{"+6281234567892|Lubis, Rahmat, S.E.|Sekretaris Desa|32.04.05.2001|"}},
		{name: "blank lines and rows of empty cells", in: "phone,name,role,village_code\n\n081234567893,Budi,Kadus,32.04.05.2001\n\n,,,\n , , ,\n081234567894,Wati,BPD,32.04.05.2001\n\n",
			want: []string{"+6281234567893|Budi|Kepala Dusun|32.04.05.2001|", "+6281234567894|Wati|Anggota BPD|32.04.05.2001|"}},
		{name: "columns in another order, Indonesian names, extra column ignored",
			in:   "Nama,Jabatan,Keterangan,Kode_Desa,No HP,Kanal\nSiti,Kaur Keu,baru,32.04.05.2001,0812 3456 7895,WA\n",
			want: []string{"+6281234567895|Siti|Kaur Keuangan|32.04.05.2001|whatsapp"}},
		{name: "a stray quote in the first field is reported, not a panic",
			in:   "phone,name,role,village_code\n0812\"3456789,Budi,Kades,32.04.05.2001\n081234567899,Ani,Kades,32.04.05.2001\n",
			want: []string{"+6281234567899|Ani|Kepala Desa|32.04.05.2001|"},
			bad:  []string{`2: bare " in non-quoted-field`}},
		{name: "an unclosed quote says how far it ran",
			in:  "phone,name,role,village_code\n081234567890,\"Budi,Kades,32.04.05.2001\n081234567891,Ani,Kades,32.04.05.2001\n",
			bad: []string{"2: extraneous or missing \" in quoted-field: a quoted field runs from line 2 to line 3; close the quote"}},
		{name: "Windows-1252 bytes are a row problem",
			in:  "phone,name,role,village_code\n081234567890,D\x92Souza,Kades,32.04.05.2001\n",
			bad: []string{`2: has bytes that are not UTF-8 text: save the file as "CSV UTF-8"`}},
		// The store finds repeated phones (TestImportCapsTheDatabasesProblemsToo).
		{name: "duplicates are not the reader's to find",
			in: "phone,name,role,village_code\n081234567896,Satu,Kades,32.04.05.2001\n081234567897,Dua,Kades,32.04.05.2001\n+6281234567896,Tiga,Sekdes,32.04.05.2001\n",
			want: []string{"+6281234567896|Satu|Kepala Desa|32.04.05.2001|", "+6281234567897|Dua|Kepala Desa|32.04.05.2001|",
				"+6281234567896|Tiga|Sekretaris Desa|32.04.05.2001|"}},
		{name: "a long cell is quoted only by its start",
			in:  "phone,name,role,village_code\n081234567896,Satu," + strings.Repeat("Kepala ", 2000) + ",32.04.05.2001\n",
			bad: []string{"2: " + (`role "` + strings.Repeat("Kepala ", 1000))[:1000-len("…")] + "…"}},
		{name: "bad rows, each with every reason", in: "phone,name,role,village_code,channel\n" +
			"022-7654321,Landline,Kades,32.04.05.2001,\n" +
			"0812345,Short,Kades,32.04.05.2001,\n" +
			"0812345678901234,Long,Kades,32.04.05.2001,\n" +
			"+14155550100,Abroad,Kades,32.04.05.2001,\n" +
			"081234567898,,Camat,32.04,fax\n" +
			",Nobody,Kades,,\n" +
			"081234567899,Too,Many,Fields,Here,Yes\n",
			bad: []string{
				`2: phone "022-7654321" is not a mobile number (Indonesian mobile numbers start with 08)`,
				`3: phone "0812345" is too short for an Indonesian mobile number`,
				`4: phone "0812345678901234" is too long for an Indonesian mobile number`,
				`5: phone "+14155550100" is not an Indonesian number`,
				`6: name is empty; role "Camat" is not known; want one of ` + strings.Join(rolesForTest(), ", ") + ` (or Kades, Sekdes, Kaur Keu, Kadus, BPD, or a regional name such as Kuwu or Wali Nagari); "32.04" is a regency code; a village code has 10 digits, like 32.04.05.2001; channel "fax": want whatsapp or sms`,
				"7: phone is empty; village_code is empty",
				"8: has 6 fields; the header has 5",
			}},
		{name: "broken quote", in: "phone,name,role,village_code\n081234567800,\"Siti \"A\" Aminah,Kades,32.04.05.2001\n081234567801,Ok,Kades,32.04.05.2001\n",
			want: []string{"+6281234567801|Ok|Kepala Desa|32.04.05.2001|"},
			bad:  []string{`2: extraneous or missing " in quoted-field`}},
		{name: "empty", in: "", wantErr: "the file is empty"},
		{name: "header lacks columns", in: "phone,name\n0812,Siti\n", wantErr: "lacks role, village_code"},
		{name: "no header", in: "081234567890,Siti,Kades,32.04.05.2001\n", wantErr: "lacks phone, name, role, village_code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, bad, err := readOfficials(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v; want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, o := range rows {
				got = append(got, strings.Join([]string{o.Phone, o.Name, o.Role, string(o.VillageCode), o.Channel}, "|"))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("rows:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			var gotBad []string
			for _, b := range bad {
				gotBad = append(gotBad, fmt.Sprintf("%d: %s", b.Line, b.Reason))
			}
			if strings.Join(gotBad, "\n") != strings.Join(tt.bad, "\n") {
				t.Errorf("bad rows:\n%s\nwant\n%s", strings.Join(gotBad, "\n"), strings.Join(tt.bad, "\n"))
			}
		})
	}
}

// readOfficials reads a whole file: its good rows and its bad ones.
func readOfficials(r io.Reader) ([]store.Official, []store.RowProblem, error) {
	rd, err := NewOfficialsReader(r)
	if err != nil {
		return nil, nil, err
	}
	var (
		rows []store.Official
		bad  []store.RowProblem
	)
	for {
		o, problem, err := rd.Next()
		switch {
		case errors.Is(err, io.EOF):
			return rows, bad, nil
		case err != nil:
			return rows, bad, err
		case problem != "":
			bad = append(bad, store.RowProblem{Line: o.Line, Reason: problem})
		default:
			rows = append(rows, o)
		}
	}
}

func rolesForTest() []string {
	return []string{"Kepala Desa", "Sekretaris Desa", "Kaur Keuangan", "Kaur Perencanaan", "Kaur Umum dan Perencanaan", "Kaur Tata Usaha dan Umum",
		"Kasi Pemerintahan", "Kasi Kesejahteraan", "Kasi Pelayanan", "Kepala Dusun", "Anggota BPD", "Lainnya"}
}

func TestParseRole(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Kepala Desa", "Kepala Desa"}, {"kepala desa", "Kepala Desa"}, {"  KEPALA   DESA ", "Kepala Desa"},
		{"Kades", "Kepala Desa"}, {"Kades.", "Kepala Desa"}, {"Wali Nagari", "Kepala Desa"}, {"Keuchik", "Kepala Desa"}, {"Kuwu", "Kepala Desa"},
		{"Bendahara", "Kaur Keuangan"}, {"Kaur Perencanaan", "Kaur Perencanaan"},
		{"Sekdes", "Sekretaris Desa"}, {"Kaur Keu", "Kaur Keuangan"}, {"Kaur Umum/Ren", "Kaur Umum dan Perencanaan"},
		{"Kaur TU & Umum", "Kaur Tata Usaha dan Umum"}, {"Kasi Pem", "Kasi Pemerintahan"}, {"Kasi Kesra", "Kasi Kesejahteraan"},
		{"kasi_pel", "Kasi Pelayanan"}, {"Kadus", "Kepala Dusun"}, {"BPD", "Anggota BPD"}, {"Ketua BPD", "Anggota BPD"},
		{"lainnya", "Lainnya"}, {"Camat", ""}, {"", ""}, {"1", ""},
	}
	for _, tt := range tests {
		got, err := ParseRole(tt.in)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("ParseRole(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, r := range rolesForTest() {
		if got, err := ParseRole(r); got != r || err != nil {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
	}
}

func TestReach(t *testing.T) {
	tests := []struct {
		scope   region.Code
		regions []region.Code
		want    region.Code
	}{
		{"", nil, ""},
		{"52.01", nil, "52.01"},
		{"", []region.Code{"52.01"}, "52.01"},
		{"", []region.Code{"52.01", "52.02"}, "52"},
		{"52", []region.Code{"52.01.01.2001", "52.01.02"}, "52.01"},
		{"", []region.Code{"32.04", "52.01"}, ""},
	}
	for _, tt := range tests {
		if got := reach(tt.scope, tt.regions); got != tt.want {
			t.Errorf("reach(%q, %v) = %q; want %q", tt.scope, tt.regions, got, tt.want)
		}
	}
}

// BenchmarkReadOfficials parses an 80,000-row officials file.
func BenchmarkReadOfficials(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("phone;name;role;village_code;channel\r\n")
	for i := range 80000 {
		fmt.Fprintf(&sb, "0813%08d;\"Pejabat %d, S.Sos\";Kades;32.04.05.%04d;sms\r\n", i, i, 2001+i%7000)
	}
	data := sb.String()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		rows, bad, err := readOfficials(strings.NewReader(data))
		if err != nil || len(bad) > 0 || len(rows) != 80000 {
			b.Fatal(err, bad, len(rows))
		}
	}
}

// BenchmarkReadBadRows reads 100,000 rows that are wrong in every cell:
// what a wrong file costs.
func BenchmarkReadBadRows(b *testing.B) {
	data := "phone,name,role,village_code\n" + strings.Repeat("x,,,\n", 100000)
	for b.Loop() {
		if _, _, err := readOfficials(strings.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
