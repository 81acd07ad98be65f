package region

import (
	"bytes"
	"testing"
)

// FuzzReadCSV feeds the region reader arbitrary files. Whatever the bytes,
// it must not panic; the rows it accepts have canonical codes, each once,
// and names; the rows it refuses come in line order.
func FuzzReadCSV(f *testing.F) {
	for _, seed := range []string{
		"code,name\n32,Jawa Barat\n32.04,Kabupaten Bandung\n",
		"\ufeffcode;name\r\n3204052001;Cileunyi Kulon\r\n",
		"code,name\n12.07.28.1007,\"Lubuk Pakam I,II\"\n",
		"code,name\n32,Jawa Barat\n320,Tiga digit\n32.04,\n32,Jawa Barat lagi\n32.04.05.2001,a,b\n\n33,Jawa Tengah\n",
		"code,name\n32,\"Jawa \"Barat\"\n33,Jawa Tengah\n",
		"code,name\n3\"2,Jawa Barat\n33,Jawa Tengah\n",
		"code,name\n32,\"Jawa\nBarat\n",
		"kode,nama\n32,Jawa Barat\n",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, bad, err := ReadCSV(bytes.NewReader(data))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		seen := map[Code]bool{}
		for _, r := range rows {
			if c, err := Parse(string(r.Code)); err != nil || c != r.Code {
				t.Fatalf("code %q is not canonical (%v)", r.Code, err)
			}
			if seen[r.Code] {
				t.Fatalf("code %s accepted twice", r.Code)
			}
			seen[r.Code] = true
			if r.Name == "" {
				t.Fatalf("region %s without a name", r.Code)
			}
		}
		for i, b := range bad {
			if b.Line < 2 || (i > 0 && b.Line <= bad[i-1].Line) {
				t.Fatalf("bad row on line %d after %v", b.Line, bad[:i])
			}
		}
	})
}
