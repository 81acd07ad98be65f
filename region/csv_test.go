package region

import (
	"bytes"
	"compress/gzip"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestReadCSV(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		rows    int
		bad     []string
		wantErr string
	}{
		{name: "plain", in: "code,name\n32,Jawa Barat\n32.04,Kabupaten Bandung\n", rows: 2},
		{name: "bom and semicolons", in: "\ufeffcode;name\r\n3204052001;Cileunyi Kulon\r\n", rows: 1},
		{name: "quoted comma", in: "code,name\n12.07.28.1007,\"Lubuk Pakam I,II\"\n", rows: 1},
		{name: "bad rows", in: "code,name\n32,Jawa Barat\n320,Tiga digit\n32.04,\n32,Jawa Barat lagi\n32.04.05.2001,a,b\n\n33,Jawa Tengah\n", rows: 2, bad: []string{
			`line 3: region code "320" has 3 digits; want 2, 4, 6 or 10`,
			"line 4: region 32.04 has no name",
			"line 5: region 32 appears again (first on line 2)",
			"line 6: has 3 fields; want 2 (code,name)",
		}},
		{name: "broken quote", in: "code,name\n32,\"Jawa \"Barat\"\n33,Jawa Tengah\n", rows: 1, bad: []string{`line 2: extraneous or missing " in quoted-field`}},
		{name: "stray quote in the code", in: "code,name\n3\"2,Jawa Barat\n33,Jawa Tengah\n", rows: 1, bad: []string{`line 2: bare " in non-quoted-field`}},
		{name: "empty", in: "", wantErr: "empty"},
		{name: "wrong header", in: "kode,nama\n32,Jawa Barat\n", wantErr: "want `code,name`"},
		{name: "a long header is named by its start", in: "kode," + strings.Repeat("x", 10_000) + "\n32,Jawa Barat\n",
			wantErr: `header is "kode,` + strings.Repeat("x", 95) + `…"; want`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, bad, err := ReadCSV(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v; want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != tt.rows {
				t.Errorf("%d rows; want %d: %v", len(rows), tt.rows, rows)
			}
			var got []string
			for _, b := range bad {
				got = append(got, b.Error())
			}
			if !reflect.DeepEqual(got, tt.bad) {
				t.Errorf("bad rows:\n%q\nwant\n%q", got, tt.bad)
			}
		})
	}
}

func BenchmarkReadCSV(b *testing.B) {
	data := embeddedPlain(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := ReadCSV(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// embeddedPlain is the embedded reference file, decompressed.
func embeddedPlain(tb testing.TB) []byte {
	tb.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(embeddedCSV))
	if err != nil {
		tb.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}
