package admin

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pamong-desa/pamong/region"
)

// FuzzReadOfficials feeds the officials reader arbitrary files. Whatever
// the bytes, it must not panic, must end, must refuse only with
// ErrInvalid, must give rows in line order, and every row it calls good
// must be normalized as the store expects it.
func FuzzReadOfficials(f *testing.F) {
	for _, seed := range []string{
		"phone,name,role,village_code,channel\n081234567890,Siti Aminah,Kepala Desa,32.04.05.2001,sms\n",
		"\ufeffphone;name;role;village_code\r\n+62 812-3456-7891;\"Dr. H. Ahmad, S.Pd; M.Si\";KADES;3204052001\r\n;;;\r\n",
		"Nama,Jabatan,Keterangan,Kode_Desa,No HP,Kanal\nSiti,Kaur Keu,baru,32.04.05.2001,0812 3456 7895,WA\n",
		"phone,name,role,village_code\n0812\"3456789,Budi,Kades,32.04.05.2001\n081234567899,Ani,Kades,32.04.05.2001\n",
		"phone,name,role,village_code\n081234567890,\"Budi,Kades,32.04.05.2001\n081234567891,Ani,Kades,32.04.05.2001\n",
		"phone,name,role,village_code\n081234567890,D\x92Souza,Kades,32.04.05.2001\n",
		"phone,name,role,village_code\n081234567898,,Camat,32.04,fax\n,Nobody,Kades,,\n081234567899,Too,Many,Fields,Here,Yes\n",
		"phone,name,role,village_code\n(+62) 0812\u00a03456\u202f7890,A\x00B,kasi_pel,5201012001\n",
		"phone,phone,name\n1,2,3\n",
		"x,,,\n",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := NewOfficialsReader(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("a file is refused with %v; want ErrInvalid", err)
			}
			return
		}
		last := 1 // the header
		for range len(data) + 1 {
			o, problem, err := rd.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("reading stops with %v; want ErrInvalid", err)
				}
				return
			}
			if o.Line <= last {
				t.Fatalf("row on line %d after line %d", o.Line, last)
			}
			last = o.Line
			if problem != "" {
				if len(problem) > maxReason || !utf8.ValidString(problem) {
					t.Fatalf("line %d: a problem of %d bytes, valid UTF-8: %v", o.Line, len(problem), utf8.ValidString(problem))
				}
				continue
			}
			if p, err := normalizePhone(o.Phone); err != nil || p != o.Phone || !strings.HasPrefix(p, "+628") {
				t.Fatalf("line %d: phone %q is not normalized (%v)", o.Line, o.Phone, err)
			}
			if r, err := ParseRole(o.Role); err != nil || r != o.Role {
				t.Fatalf("line %d: role %q is not one of the roles", o.Line, o.Role)
			}
			if c, err := region.ParseVillage(string(o.VillageCode)); err != nil || c != o.VillageCode {
				t.Fatalf("line %d: village %q is not a village code", o.Line, o.VillageCode)
			}
			if o.Channel != "" && o.Channel != "whatsapp" && o.Channel != "sms" {
				t.Fatalf("line %d: channel %q", o.Line, o.Channel)
			}
			if o.Name == "" || !utf8.ValidString(o.Name) || strings.ContainsRune(o.Name, 0) ||
				utf8.RuneCountInString(o.Name) > maxNameRunes || o.Name != strings.Join(strings.Fields(o.Name), " ") {
				t.Fatalf("line %d: name %q", o.Line, o.Name)
			}
		}
		t.Fatal("the reader does not end")
	})
}
