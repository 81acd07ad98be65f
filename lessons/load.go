package lessons

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// courseFile is the file that makes a directory a course; every other
// *.yaml file next to it is a module.
const courseFile = "course.yaml"

// Problem is one thing wrong in a course, placed where the author has to
// edit it so `pamong lessons check` can print it like a compiler error.
type Problem struct {
	// File is named the way the author will find it: for Load, relative to
	// the path they passed; for LoadDir, the path inside the fs.FS.
	File string
	// Line is 1-based; 0 when the problem concerns a whole file or directory.
	Line int
	// Msg says what is wrong and, where it can, how to fix it.
	Msg string
}

// String formats the problem as file:line: message, which editors and
// terminals recognise as a location.
func (p Problem) String() string {
	switch {
	case p.File == "":
		return p.Msg
	case p.Line <= 0:
		return p.File + ": " + p.Msg
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
}

// Problems is every problem found in one load. Loaders return all of them
// at once so an author can fix a course in one round rather than one error
// per run.
type Problems []Problem

// Error lists the problems one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// LoadDir loads and checks the course in directory dir of fsys: dir must
// hold course.yaml, and every other *.yaml file in it is a module, taken in
// file-name order. Any problem makes it return a nil course and an error of
// type Problems listing them all.
func LoadDir(fsys fs.FS, dir string) (*Course, error) {
	l := newLoader(fsys, func(name string) string { return name })
	if !l.exists(path.Join(dir, courseFile)) {
		l.add(at{dir, 0}, "not a course: there is no %s in this directory", courseFile)
		return nil, l.err()
	}
	src := l.read(dir)
	l.check(src)
	if err := l.err(); err != nil {
		return nil, err
	}
	return build(src), nil
}

// Load loads and checks courses from disk. path may be a course directory
// (it holds course.yaml), the course.yaml itself, or a directory whose
// subdirectories are courses. Problem file names start with path as given,
// so they work from the author's current directory. Any problem makes it
// return no courses and an error of type Problems listing them all.
func Load(path string) ([]*Course, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, Problems{{File: path, Msg: reason(err)}}
	}
	root := path
	if !info.IsDir() {
		if filepath.Base(path) != courseFile {
			return nil, Problems{{File: path, Msg: "not a course: give a course directory, its " +
				courseFile + ", or a directory of course directories"}}
		}
		root = filepath.Dir(path)
	}
	l := newLoader(os.DirFS(root), func(name string) string {
		return filepath.Join(root, filepath.FromSlash(name))
	})
	return l.tree(".")
}

// loader collects problems across all files of a load and remembers the
// order files were read in, so problems come out grouped by file in course
// order instead of in the order the rules happened to run.
type loader struct {
	fsys  fs.FS
	show  func(name string) string // fs path → name printed to the author
	probs Problems
	rank  map[string]int
}

func newLoader(fsys fs.FS, show func(string) string) *loader {
	return &loader{fsys: fsys, show: show, rank: map[string]int{}}
}

func (l *loader) add(where at, format string, args ...any) {
	l.see(where.file)
	l.probs = append(l.probs, Problem{File: where.file, Line: where.line, Msg: fmt.Sprintf(format, args...)})
}

// see ranks a file the first time it is read or mentioned.
func (l *loader) see(file string) {
	if _, ok := l.rank[file]; !ok {
		l.rank[file] = len(l.rank)
	}
}

// err returns the problems sorted by file (in reading order) and line, or
// nil when there are none.
func (l *loader) err() error {
	if len(l.probs) == 0 {
		return nil
	}
	ps := append(Problems(nil), l.probs...)
	sort.SliceStable(ps, func(i, j int) bool {
		ri, rj := l.rank[ps[i].File], l.rank[ps[j].File]
		if ri != rj {
			return ri < rj
		}
		return ps[i].Line < ps[j].Line
	})
	return ps
}

func (l *loader) exists(name string) bool {
	_, err := fs.Stat(l.fsys, name)
	return err == nil
}

// tree loads dir as one course if it holds course.yaml, else every
// subdirectory that holds one.
func (l *loader) tree(dir string) ([]*Course, error) {
	var srcs []*srcCourse
	if l.exists(path.Join(dir, courseFile)) {
		srcs = append(srcs, l.read(dir))
	} else {
		entries, err := fs.ReadDir(l.fsys, dir)
		if err != nil {
			l.add(at{l.show(dir), 0}, "%s", reason(err))
			return nil, l.err()
		}
		for _, e := range entries {
			// Hidden directories are editor and VCS litter, not courses.
			if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			sub := path.Join(dir, e.Name())
			switch {
			case l.exists(path.Join(sub, courseFile)):
				srcs = append(srcs, l.read(sub))
			case l.hasYAML(sub):
				// Most likely a course whose course.yaml is misnamed;
				// skipping it silently would hide the whole course.
				l.add(at{l.show(sub), 0}, "has YAML files but no %s, so it is not loaded as a course", courseFile)
			}
		}
		if len(srcs) == 0 && len(l.probs) == 0 {
			l.add(at{l.show(dir), 0}, "no course found: expected %s here or in its subdirectories", courseFile)
		}
	}
	first := map[string]at{}
	for _, s := range srcs {
		l.check(s)
		if s.id.s == "" {
			continue
		}
		if where, dup := first[s.id.s]; dup {
			l.add(s.id.at, "duplicate course id %q (first defined at %s:%d)", s.id.s, where.file, where.line)
		} else {
			first[s.id.s] = s.id.at
		}
	}
	if err := l.err(); err != nil {
		return nil, err
	}
	courses := make([]*Course, len(srcs))
	for i, s := range srcs {
		courses[i] = build(s)
	}
	return courses, nil
}

func (l *loader) hasYAML(dir string) bool {
	entries, _ := fs.ReadDir(l.fsys, dir)
	for _, e := range entries {
		if ext := strings.ToLower(path.Ext(e.Name())); !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
			return true
		}
	}
	return false
}

// read decodes course.yaml and the module files of one course directory.
// It records structural problems; the content rules run later in check.
func (l *loader) read(dir string) *srcCourse {
	name := path.Join(dir, courseFile)
	c := &srcCourse{at: at{l.show(name), 0}, language: str{s: "id"}}
	if n := l.parse(name); n != nil {
		c.at.line = n.Line
		c.parsed = l.decodeCourse(c, n)
	}
	entries, err := fs.ReadDir(l.fsys, dir)
	if err != nil {
		l.add(at{l.show(dir), 0}, "%s", reason(err))
		return c
	}
	for _, e := range entries {
		n, ext := e.Name(), path.Ext(e.Name())
		if e.IsDir() || n == courseFile || strings.HasPrefix(n, ".") {
			continue
		}
		switch {
		case ext == ".yaml":
			c.moduleFiles++
			if m := l.module(path.Join(dir, n)); m != nil {
				c.modules = append(c.modules, m)
			}
		case strings.EqualFold(ext, ".yml") || strings.EqualFold(ext, ".yaml"):
			// A module that silently does not load is worse than an error.
			l.add(at{l.show(path.Join(dir, n)), 0}, "module files must end in .yaml (lowercase); this file is ignored until renamed")
		}
	}
	return c
}

// module decodes one module file, or returns nil when it has no usable
// content (the reason is already recorded).
func (l *loader) module(name string) *srcModule {
	n := l.parse(name)
	if n == nil {
		return nil
	}
	d := decoder{l, l.show(name)}
	f := d.fields(n, "a module file", "id", "title", "lessons")
	if f == nil {
		return nil
	}
	m := &srcModule{at: d.at(n)}
	m.id, m.title = d.text(f, "id"), d.text(f, "title")
	items, where := d.list(f, "lessons")
	m.lessonsAt, m.nLessons = where, len(items)
	for _, it := range items {
		if les := d.lesson(it); les != nil {
			m.lessons = append(m.lessons, les)
		}
	}
	return m
}

// yamlLine picks the line out of a yaml.v3 syntax error, which is only
// available in the message text.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parse reads one YAML file and returns its top node, or nil after
// recording why there is none.
func (l *loader) parse(name string) *yaml.Node {
	file := l.show(name)
	l.see(file)
	data, err := fs.ReadFile(l.fsys, name)
	if err != nil {
		l.add(at{file, 0}, "%s", reason(err))
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err = dec.Decode(&doc)
	if errors.Is(err, io.EOF) || (err == nil && len(doc.Content) == 0) {
		l.add(at{file, 0}, "file is empty")
		return nil
	}
	if err != nil {
		l.syntax(file, data, err)
		return nil
	}
	var more yaml.Node
	switch err := dec.Decode(&more); {
	case errors.Is(err, io.EOF):
	case err != nil:
		l.syntax(file, data, err)
		return nil
	default:
		l.add(at{file, more.Line}, "a second YAML document starts here: a file holds one course or module, so remove the extra \"---\"")
	}
	if bad, merged := misindentedLine(strings.Split(string(data), "\n"), 1); merged {
		// Valid YAML, but not what the author meant: the item became part
		// of the text above it, and the list is one item short.
		l.add(at{file, bad}, "this item is indented further than the item above it, so it is read as more text of that item: line up its \"- \" with the other items")
	}
	return doc.Content[0]
}

func (l *loader) syntax(file string, data []byte, err error) {
	msg, line := err.Error(), 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	if parserErrors[msg] && line > 0 {
		// yaml.v3 reports parser (not scanner) errors with a 0-based line.
		line++
	}
	lines := strings.Split(string(data), "\n")
	if tab := tabLine(lines); tab > 0 && tabErrors[msg] {
		l.add(at{file, tab}, "YAML syntax error: this line is indented with a tab: indent with spaces only")
		return
	}
	if indentErrors[msg] && line > 0 {
		if bad, _ := misindentedLine(lines, line); bad > 0 {
			l.add(at{file, bad}, "YAML syntax error: this line does not line up with the lines above it: indent it exactly as far as the other items or fields of its list")
			return
		}
	}
	if hint := syntaxHints[msg]; hint != "" {
		msg += " (" + hint + ")"
	}
	l.add(at{file, line}, "YAML syntax error: %s", msg)
}

// parserErrors are the yaml.v3 messages that come from its parser rather
// than its scanner; they point at the start of the block that holds the
// mistake rather than at the mistake itself.
var parserErrors = map[string]bool{
	"did not find expected key":              true,
	"did not find expected '-' indicator":    true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected node content":     true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"found undefined tag handle":             true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

// tabErrors are the messages yaml.v3 gives for a tab in the indentation,
// on the line before it or at the start of the block.
var tabErrors = map[string]bool{
	"found a tab character that violates indentation":              true,
	"found character that cannot start any token":                  true,
	"found a tab character where an indentation space is expected": true,
	"did not find expected key":                                    true,
	"did not find expected '-' indicator":                          true,
}

// indentErrors are the messages that point at the start of the block
// holding a misindented line rather than at the line itself.
var indentErrors = map[string]bool{
	"did not find expected key":                      true,
	"did not find expected '-' indicator":            true,
	"mapping values are not allowed in this context": false,
}

// syntaxHints translate the YAML errors course authors actually make.
var syntaxHints = map[string]string{
	// By far the most common in prose: "Catatan: ..." left unquoted.
	"mapping values are not allowed in this context": `text containing ": " must be put in double quotes`,
	"found character that cannot start any token":    "indent with spaces, not tabs; quote text that starts with @ or `",
	"found unexpected end of stream":                 "a quote opened here is never closed",
	"did not find expected key":                      "in the block starting here: check the indentation of its lines",
	"did not find expected '-' indicator":            "in the list starting here: check the indentation of its items",
	"did not find expected ',' or ']'":               "in the [ ] list starting here: close it with ] and put items containing , : ? or # in double quotes",
	"did not find expected ',' or '}'":               "in the { } starting here: close it with } and put values containing , : ? or # in double quotes",
	"did not find expected node content":             "a value is missing, or needs double quotes",
	"found undefined tag handle":                     "text starting with ! must be put in double quotes",
}

// reason turns a file system error into a message without the path, which
// Problem.File already carries.
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return err.Error()
}
