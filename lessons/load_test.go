package lessons

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// problems returns err's problems as slash-separated "file:line: message"
// strings, failing the test if err is not a Problems.
func problems(t *testing.T, err error) []string {
	t.Helper()
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error is %T (%v), want Problems", err, err)
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = filepath.ToSlash(p.String())
	}
	return out
}

func TestLoadGood(t *testing.T) {
	cs, err := Load("testdata/good")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(cs) != 1 {
		t.Fatalf("got %d courses, want 1", len(cs))
	}
	c := cs[0]
	tests := []struct {
		name      string
		got, want any
	}{
		{"id", c.ID, "uji-coba"},
		{"language defaults to id", c.Language, "id"},
		{"pass mark", c.PassMark, 60},
		{"pretest", len(c.Pretest), 2},
		{"posttest", len(c.Posttest), 2},
		{"flow-style options", c.Pretest[1].Options, []string{"Peraturan Desa", "Keputusan Camat", "Surat BPD"}},
		{"modules in file-name order", []string{c.Modules[0].ID, c.Modules[1].ID}, []string{"m1-pemerintahan", "m2-keuangan"}},
		{"lessons across modules", len(c.Lessons()), 2},
		{"plain card has no sms", c.Modules[0].Lessons[0].Cards[0].SMS, ""},
		{"card sms variant", c.Modules[0].Lessons[0].Cards[1].SMS, "Masa jabatan Kepala Desa 8 tahun sejak pelantikan."},
		{"emoji card keeps emoji in text", c.Modules[1].Lessons[0].Cards[1].Text, "Selamat, Anda sudah sampai di akhir kursus! 🎉"},
		{"block card loses final newline", c.Modules[1].Lessons[0].Cards[0].Text,
			"APB Desa adalah rencana keuangan tahunan Desa.\nIsinya pendapatan, belanja, dan pembiayaan."},
		{"answer", c.Modules[0].Lessons[0].Quiz[0].Answer, 2},
		{"sms prompt", c.Modules[0].Lessons[0].Quiz[0].SMSPrompt, "Masa jabatan Kades?"},
		{"sms options", c.Modules[0].Lessons[0].Quiz[0].SMSOptions, []string{"6 th", "8 th", "10 th"}},
		{"no sms options", c.Modules[1].Lessons[0].Quiz[0].SMSOptions, []string(nil)},
		{"explanation", c.Posttest[1].Explanation, "APB Desa ditetapkan dengan Peraturan Desa."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %#v, want %#v", tt.got, tt.want)
			}
		})
	}
}

// TestBrokenGolden pins the exact problems reported for a course full of
// deliberate mistakes. Run `go test ./lessons -update` after changing a
// message, and review the diff of testdata/broken.golden.
func TestBrokenGolden(t *testing.T) {
	c, err := Load("testdata/broken")
	if c != nil {
		t.Errorf("got courses %v, want none", c)
	}
	got := strings.Join(problems(t, err), "\n") + "\n"
	const golden = "testdata/broken.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("problems differ from %s (run with -update to accept)\ngot:\n%s\nwant:\n%s", golden, got, want)
	}
}

func TestLoadPathForms(t *testing.T) {
	two := t.TempDir()
	copyCourse(t, filepath.Join(two, "a"), "uji-coba")
	copyCourse(t, filepath.Join(two, "b"), "uji-dua")
	if err := os.Mkdir(filepath.Join(two, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		path string
		ids  []string
	}{
		{"course directory", "testdata/good", []string{"uji-coba"}},
		{"course.yaml", "testdata/good/course.yaml", []string{"uji-coba"}},
		{"directory of courses", two, []string{"uji-coba", "uji-dua"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := Load(tt.path)
			if err != nil {
				t.Fatalf("Load(%q): %v", tt.path, err)
			}
			var ids []string
			for _, c := range cs {
				ids = append(ids, c.ID)
			}
			if !reflect.DeepEqual(ids, tt.ids) {
				t.Errorf("ids %v, want %v", ids, tt.ids)
			}
		})
	}
}

func TestLoadPathProblems(t *testing.T) {
	dups := t.TempDir()
	copyCourse(t, filepath.Join(dups, "a"), "sama")
	copyCourse(t, filepath.Join(dups, "b"), "sama")
	misnamed := t.TempDir()
	copyCourse(t, filepath.Join(misnamed, "a"), "uji-coba")
	if err := os.Rename(filepath.Join(misnamed, "a", "course.yaml"), filepath.Join(misnamed, "a", "kursus.yaml")); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()

	tests := []struct {
		name string
		path string
		want []string // exact problems, with the path prefix as given
	}{
		{"missing path", "testdata/nope", []string{"testdata/nope: no such file or directory"}},
		{"module file instead of course.yaml", "testdata/good/01-pemerintahan.yaml", []string{
			"testdata/good/01-pemerintahan.yaml: not a course: give a course directory, its course.yaml, or a directory of course directories"}},
		{"duplicate course ids", dups, []string{
			filepath.ToSlash(dups) + "/b/course.yaml:2: duplicate course id \"sama\" (first defined at " + filepath.ToSlash(dups) + "/a/course.yaml:2)"}},
		{"subdirectory without course.yaml", misnamed, []string{
			filepath.ToSlash(misnamed) + "/a: has YAML files but no course.yaml, so it is not loaded as a course"}},
		{"empty directory", empty, []string{
			filepath.ToSlash(empty) + ": no course found: expected course.yaml here or in its subdirectories"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := Load(tt.path)
			if cs != nil {
				t.Errorf("got courses, want none")
			}
			if got := problems(t, err); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}

	// Problems in a directory of courses name files from the path given,
	// so the author can open them from where they ran the check.
	t.Run("paths relative to the path given", func(t *testing.T) {
		_, err := Load("testdata")
		for _, p := range problems(t, err) {
			if !strings.HasPrefix(p, "testdata/broken/") {
				t.Errorf("problem %q is not under testdata/broken/", p)
			}
		}
	})
}

// copyCourse copies testdata/good to dir, giving it course id id.
func copyCourse(t *testing.T, dir, id string) {
	t.Helper()
	if err := os.CopyFS(dir, os.DirFS("testdata/good")); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "course.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.Replace(string(data), "id: uji-coba", "id: "+id, 1))
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		name   string
		course string
		module string // when set, course is goodCourse and this is c/01.yaml
		want   string
	}{
		{name: "unquoted colon", course: "id: c\ntitle: Kursus: dasar\n", want: "c/course.yaml:2: YAML syntax error: mapping values are not allowed in this context (text containing \": \" must be put in double quotes)"},
		{name: "tab indentation", course: "id: c\nposttest:\n\t- id: q\n", want: "c/course.yaml:3: YAML syntax error: this line is indented with a tab: indent with spaces only"},
		// yaml.v3 reports this tab on the line before it.
		{name: "tab inside a list", module: withQuestion(strings.Replace(goodQuestion, "options: [Ya, Tidak]", "options:\n          - Ya\n\t  - Tidak", 1)),
			want: "c/01.yaml:13: YAML syntax error: this line is indented with a tab: indent with spaces only"},
		{name: "unclosed list", course: "id: c\ntitle: C\npass_mark: 50\nposttest: [a, b\n", want: "c/course.yaml:4: YAML syntax error: did not find expected ',' or ']' (in the [ ] list starting here: close it with ] and put items containing , : ? or # in double quotes)"},
		{name: "empty file", course: "# nothing yet\n", want: "c/course.yaml: file is empty"},
		{name: "two documents", course: goodCourse + "---\nid: d\n", want: "c/course.yaml:4: a second YAML document starts here: a file holds one course or module, so remove the extra \"---\""},
		// yaml.v3 reports these at the start of the lesson, line 4.
		{name: "misindented line", module: withCards("      - Satu\n     - Dua\n"),
			want: "c/01.yaml:8: YAML syntax error: this line does not line up with the lines above it: indent it exactly as far as the other items or fields of its list"},
		{name: "misindented option", module: withQuestion(strings.Replace(goodQuestion, "options: [Ya, Tidak]", "options:\n          - Ya\n         - Tidak", 1)),
			want: "c/01.yaml:13: YAML syntax error: this line does not line up with the lines above it: indent it exactly as far as the other items or fields of its list"},
		{name: "unclosed quote", module: withCards("      - \"Satu\n"),
			want: "c/01.yaml:7: YAML syntax error: found unexpected end of stream (a quote opened here is never closed)"},
		{name: "not a mapping", course: "- id: c\n", want: "c/course.yaml:1: course.yaml must be a mapping of fields (id, title, language, pass_mark, pretest, posttest), not a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"c/course.yaml": {Data: []byte(tt.course)}, "c/01.yaml": {Data: []byte(goodModule)}}
			if tt.module != "" {
				fsys["c/course.yaml"].Data = []byte(goodCourse)
				fsys["c/01.yaml"].Data = []byte(tt.module)
			}
			_, err := LoadDir(fsys, "c")
			// Only the syntax error: a file that cannot be read must not
			// also be reported as missing all its fields.
			if got := problems(t, err); !reflect.DeepEqual(got, []string{tt.want}) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), tt.want)
			}
		})
	}
}

func TestProblemFormat(t *testing.T) {
	ps := Problems{
		{File: "a/course.yaml", Line: 3, Msg: "title is empty"},
		{File: "a/x.yml", Msg: "module files must end in .yaml"},
		{Msg: "no file"},
	}
	want := "a/course.yaml:3: title is empty\na/x.yml: module files must end in .yaml\nno file"
	if got := ps.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestBundled(t *testing.T) {
	cs, err := Bundled()
	if err != nil {
		t.Fatalf("bundled courses have problems:\n%v", err)
	}
	if len(cs) == 0 {
		t.Fatal("no bundled courses")
	}
	for _, c := range cs {
		if len(c.Lessons()) == 0 {
			t.Errorf("bundled course %q has no lessons", c.ID)
		}
	}
	def, err := BundledDefault()
	if err != nil {
		t.Fatal(err)
	}
	if def.ID != cs[0].ID {
		t.Errorf("BundledDefault() = %q, want first by id %q", def.ID, cs[0].ID)
	}
}
