package lessons

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The decoder walks yaml.Node trees by hand instead of unmarshalling into
// structs: that is what gives every value its real line number, lets one
// run report every unknown field and wrong type instead of stopping at the
// first, and keeps "field missing" apart from "field empty".

// at is where something is written: the file as the author names it and
// the 1-based line (0: the file as a whole).
type at struct {
	file string
	line int
}

func (a at) String() string { return fmt.Sprintf("%s:%d", a.file, a.line) }

// str is a text value and where it was written. set is false when the field
// is absent; s is trimmed, so YAML block scalars lose their final newline.
type str struct {
	at
	s   string
	set bool
}

// num is a number value; ok is false when what was written is not a number
// (already reported by the decoder).
type num struct {
	at
	n   int
	set bool
	ok  bool
}

// The src types mirror the Course types with positions, for the rules in
// check.go; build turns them into Course values.
type srcCourse struct {
	at
	id, title, language str
	passMark            num
	pretest, posttest   []*srcQuestion
	pretestAt           at
	posttestAt          at
	modules             []*srcModule
	moduleFiles         int  // module files seen, including ones that failed to parse
	parsed              bool // course.yaml could be read, so its own rules apply
}

type srcModule struct {
	at
	id, title str
	lessons   []*srcLesson
	lessonsAt at
	// Item counts include items that failed to decode (already reported),
	// so "has no lessons" is not said of a list that has some.
	nLessons int
}

type srcLesson struct {
	at
	id, title str
	cards     []srcCard
	quiz      []*srcQuestion
	nCards    int
	nQuiz     int
}

type srcCard struct {
	at
	text, sms str
}

type srcQuestion struct {
	at
	id, prompt, explanation str
	options                 []str
	optionsAt               at
	answer                  num
	hasSMS                  bool
	smsPrompt               str
	smsOptions              []str
	smsOptionsAt            at
	smsOptionsSet           bool
}

// kv is one entry of a YAML mapping; positions use the key's line because
// that is where the author looks for a field, even when its value is a
// block starting on the next line.
type kv struct{ k, v *yaml.Node }

type decoder struct {
	*loader
	file string
}

func (d decoder) at(n *yaml.Node) at { return at{d.file, n.Line} }

// decodeCourse reports whether n could be read as a course at all.
func (l *loader) decodeCourse(c *srcCourse, n *yaml.Node) bool {
	d := decoder{l, c.file}
	f := d.fields(n, "course.yaml", "id", "title", "language", "pass_mark", "pretest", "posttest")
	if f == nil {
		return false
	}
	c.id, c.title = d.text(f, "id"), d.text(f, "title")
	if lang := d.text(f, "language"); lang.set {
		c.language = lang
	}
	c.passMark = d.number(f, "pass_mark")
	c.pretest, c.pretestAt, _ = d.questions(f, "pretest")
	c.posttest, c.posttestAt, _ = d.questions(f, "posttest")
	return true
}

func (d decoder) lesson(n *yaml.Node) *srcLesson {
	f := d.fields(n, "a lesson", "id", "title", "cards", "quiz")
	if f == nil {
		return nil
	}
	les := &srcLesson{at: d.at(n), id: d.text(f, "id"), title: d.text(f, "title")}
	cards, _ := d.list(f, "cards")
	les.nCards = len(cards)
	for _, c := range cards {
		if card, ok := d.card(c); ok {
			les.cards = append(les.cards, card)
		}
	}
	les.quiz, _, les.nQuiz = d.questions(f, "quiz")
	return les
}

func (d decoder) card(n *yaml.Node) (srcCard, bool) {
	n = deref(n)
	where := d.at(n)
	cardFields := []string{"text", "sms"}
	if n.Kind == yaml.MappingNode && len(n.Content) >= 2 && !hasKey(n, "text") && !hasKey(n, "sms") &&
		nearest(n.Content[0].Value, cardFields) == "" {
		// "- Catatan: isi kartu" is prose to the author but a mapping to
		// YAML; "unknown field Catatan" would only confuse them.
		d.add(where, "card is read as a field named %q because it contains \": \": put the whole card in double quotes",
			n.Content[0].Value)
		return srcCard{}, false
	}
	if n.Kind == yaml.MappingNode {
		f := d.fields(n, "a card", cardFields...)
		return srcCard{at: where, text: d.text(f, "text"), sms: d.text(f, "sms")}, true
	}
	return srcCard{at: where, text: d.scalar(n, where, "card")}, true
}

// questions also returns how many items the list had, decodable or not.
func (d decoder) questions(f map[string]kv, key string) ([]*srcQuestion, at, int) {
	items, where := d.list(f, key)
	var qs []*srcQuestion
	for _, it := range items {
		if q := d.question(it); q != nil {
			qs = append(qs, q)
		}
	}
	return qs, where, len(items)
}

func (d decoder) question(n *yaml.Node) *srcQuestion {
	f := d.fields(n, "a question", "id", "prompt", "options", "answer", "explanation", "sms")
	if f == nil {
		return nil
	}
	q := &srcQuestion{at: d.at(n), id: d.text(f, "id"), prompt: d.text(f, "prompt"),
		answer: d.number(f, "answer"), explanation: d.text(f, "explanation")}
	q.options, q.optionsAt = d.texts(f, "options", "option")
	if e, ok := f["sms"]; ok {
		q.hasSMS = true
		sf := d.fields(e.v, "sms", "prompt", "options")
		if sf == nil {
			return q
		}
		if len(deref(e.v).Content) == 0 {
			d.add(at{d.file, e.k.Line}, "sms is empty: give prompt: and/or options: for SMS, or remove it")
		}
		q.smsPrompt = d.text(sf, "prompt")
		q.smsOptions, q.smsOptionsAt = d.texts(sf, "options", "sms option")
		_, q.smsOptionsSet = sf["options"]
	}
	return q
}

// fields checks that n is a mapping holding only the allowed keys and
// returns its entries by key; nil means n is not a mapping (reported).
func (d decoder) fields(n *yaml.Node, what string, allowed ...string) map[string]kv {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		if n.Tag == "!!null" {
			return map[string]kv{}
		}
		d.add(d.at(n), "%s must be a mapping of fields (%s), not %s", what, strings.Join(allowed, ", "), kind(n))
		return nil
	}
	f := map[string]kv{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch prev, dup := f[k.Value]; {
		case dup:
			d.add(d.at(k), "field %s is given twice (first at line %d)", k.Value, prev.k.Line)
		case !contains(allowed, k.Value):
			d.add(d.at(k), "unknown field %s%s", k.Value, suggest(k.Value, allowed))
		default:
			f[k.Value] = kv{k, v}
		}
	}
	return f
}

func (d decoder) text(f map[string]kv, key string) str {
	e, ok := f[key]
	if !ok {
		return str{}
	}
	return d.scalar(e.v, at{d.file, e.k.Line}, key)
}

// scalar reads a text value. Numbers and booleans are taken as written
// (node.Value), so an option "10" or "Ya" stays text.
func (d decoder) scalar(n *yaml.Node, where at, what string) str {
	n = deref(n)
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		return str{at: where, set: true}
	case n.Kind == yaml.ScalarNode:
		return str{at: where, s: strings.TrimSpace(n.Value), set: true}
	case n.Kind == yaml.MappingNode:
		d.add(where, "%s must be text, but YAML reads it as fields: put it in double quotes if it contains \": \"", what)
	default:
		d.add(where, "%s must be text, not %s", what, kind(n))
	}
	return str{at: where, set: true}
}

func (d decoder) texts(f map[string]kv, key, what string) ([]str, at) {
	items, where := d.list(f, key)
	out := make([]str, 0, len(items))
	for _, it := range items {
		out = append(out, d.scalar(it, d.at(it), what))
	}
	return out, where
}

// number reads a whole number; "70%" is accepted for pass_mark's sake.
func (d decoder) number(f map[string]kv, key string) num {
	e, ok := f[key]
	if !ok {
		return num{}
	}
	where, v := at{d.file, e.k.Line}, deref(e.v)
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return num{at: where}
	}
	if v.Kind == yaml.ScalarNode {
		if n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v.Value), "%")); err == nil {
			return num{at: where, n: n, set: true, ok: true}
		}
		d.add(where, "%s must be a whole number, not %q", key, v.Value)
	} else {
		d.add(where, "%s must be a whole number, not %s", key, kind(v))
	}
	return num{at: where, set: true}
}

// list reads a sequence; an absent or empty field gives no items, which the
// rules report with more context than the decoder has.
func (d decoder) list(f map[string]kv, key string) ([]*yaml.Node, at) {
	e, ok := f[key]
	if !ok {
		return nil, at{}
	}
	where, v := at{d.file, e.k.Line}, deref(e.v)
	switch {
	case v.Kind == yaml.SequenceNode:
		return v.Content, where
	case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
		return nil, where
	}
	d.add(where, "%s must be a list (items starting with \"- \"), not %s", key, kind(v))
	return nil, where
}

func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func kind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping of fields"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.Value)
}

func hasKey(n *yaml.Node, key string) bool {
	for i := 0; i < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// suggest names the allowed field closest to a misspelt one, or lists them
// all when none is close, so the author learns the right spelling.
func suggest(got string, allowed []string) string {
	if best := nearest(got, allowed); best != "" {
		return " (did you mean " + best + "?)"
	}
	return " (expected " + strings.Join(allowed, ", ") + ")"
}

// nearest returns the allowed name within two typos of got, if any.
func nearest(got string, allowed []string) string {
	best, bestDist := "", 3
	for _, a := range allowed {
		if dist := editDistance(strings.ToLower(got), a); dist < bestDist {
			best, bestDist = a, dist
		}
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}
