package lessons

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pamong-desa/pamong/gsm7"
)

// MaxCardChars is the longest a card may be, in characters. About 400
// characters fill one phone screen in WhatsApp; a card the learner has to
// scroll is a card they skim.
const MaxCardChars = 400

// MaxCardSMSParts is how many SMS one card may take on the SMS channel.
// Pamong never sends concatenated SMS, so every part arrives as a separate
// message that may come late or out of order and costs money; past three,
// a card stops reading as one piece.
const MaxCardSMSParts = 3

// SMSQuestionBudget is how many GSM-7 characters a question may take on
// SMS: its prompt plus each option with 3 for the " 1)" numbering the bot
// puts before it. A question should arrive as a single SMS (160 characters)
// so its options are never separated from the prompt; the remaining 20 are
// for the question counter ("2/4") and the reply hint ("Balas 1-3").
const SMSQuestionBudget = 140

// MaxExplanationChars is the longest an explanation may be. It is shown
// right after the learner's answer, together with the verdict, and is meant
// to be the one sentence they remember.
const MaxExplanationChars = 200

// validID lists what ids may contain: they end up in the database and in
// log lines, where spaces, capitals and punctuation cause mix-ups.
var validID = regexp.MustCompile(`^[a-z0-9._-]+$`)

// validLanguage accepts ISO 639 codes such as id, jv or su.
var validLanguage = regexp.MustCompile(`^[a-z]{2,3}$`)

// checker applies the content rules to a decoded course. ids is shared by
// modules, lessons and questions because learner progress refers to them by
// id alone.
type checker struct {
	*loader
	ids map[string]idDef
	// lessonCount and lessonsSeen place each lesson in the course, for
	// the "Pelajaran 2/6: ..." title its first card is sent with on SMS.
	lessonCount, lessonsSeen int
}

type idDef struct {
	kind string
	at   at
}

func (l *loader) check(c *srcCourse) {
	k := checker{loader: l, ids: map[string]idDef{}}
	if c.parsed {
		k.courseFields(c)
	}
	for _, q := range c.pretest {
		k.question(q)
	}
	total := 0
	for _, m := range c.modules {
		total += len(m.lessons)
	}
	k.lessonCount = total
	for _, m := range c.modules {
		k.module(m)
	}
	for _, q := range c.posttest {
		k.question(q)
	}
	switch pre, post := len(c.pretest), len(c.posttest); {
	case !c.parsed:
	case pre > 0 && post == 0:
		k.add(c.pretestAt, "the course has a pretest but no posttest: add a posttest with the same number of questions (learning gain is measured between the two)")
	case pre > 0 && pre != post:
		k.add(c.posttestAt, "posttest has %s but pretest has %d: give both the same number so their scores can be compared", plural(post, "question"), pre)
	}
	if c.moduleFiles == 0 {
		k.add(c.at, "the course has no lessons: add a module file such as 01-intro.yaml next to course.yaml")
	}
}

func (k *checker) courseFields(c *srcCourse) {
	k.id("course", c.id, c.at)
	k.title("course", c.id, c.title, c.at)
	if c.language.set && !validLanguage.MatchString(c.language.s) {
		k.add(c.language.at, "language %q is not a language code: use a code such as \"id\" (Indonesian) or \"jv\" (Javanese)", c.language.s)
	}
	switch pm := c.passMark; {
	case !pm.set:
		k.add(c.at, "course has no pass_mark: give the post-test score in percent needed to pass (1 to 100)")
	case pm.ok && (pm.n < 1 || pm.n > 100):
		k.add(pm.at, "pass_mark %d is out of range: give a percentage from 1 to 100", pm.n)
	}
}

func (k *checker) module(m *srcModule) {
	k.id("module", m.id, m.at)
	k.title("module", m.id, m.title, m.at)
	if m.nLessons == 0 {
		k.add(orAt(m.lessonsAt, m.at), "%s has no lessons: add at least one under lessons:", named("module", m.id))
	}
	for _, les := range m.lessons {
		k.lesson(les)
	}
}

func (k *checker) lesson(les *srcLesson) {
	k.id("lesson", les.id, les.at)
	k.title("lesson", les.id, les.title, les.at)
	if les.nCards == 0 {
		k.add(les.at, "%s has no cards: add at least one under cards:", named("lesson", les.id))
	}
	k.lessonsSeen++
	for i, c := range les.cards {
		prefix := ""
		if i == 0 {
			// The engine sends the lesson title in the first card's SMS;
			// a card that fits alone may not fit with it.
			prefix = SMSLessonTitle(k.lessonsSeen, k.lessonCount, les.title.s) + ". "
		}
		k.card(c, prefix)
	}
	if les.nQuiz == 0 {
		k.add(les.at, "%s has no quiz: add at least one question under quiz:", named("lesson", les.id))
	}
	for _, q := range les.quiz {
		k.question(q)
	}
}

func (k *checker) card(c srcCard, prefix string) {
	if c.text.s == "" {
		k.add(orAt(c.text.at, c.at), "card has no text")
		return
	}
	if n := utf8.RuneCountInString(c.text.s); n > MaxCardChars {
		k.add(c.text.at, "card is %d characters long (limit %d, about one phone screen): split it into two cards", n, MaxCardChars)
	}
	sms, fix := c.text, "shorten it or add a shorter `sms:` variant"
	if c.sms.set {
		if c.sms.s == "" {
			k.add(c.sms.at, "sms variant is empty: write the SMS text or remove sms:")
			return
		}
		sms, fix = c.sms, "shorten it"
		k.sendable(c.sms, "sms variant", "remove them, it is sent as written")
	} else {
		k.sendable(c.text, "card", "add an `sms:` variant")
	}
	if n := len(gsm7.Split(prefix + sms.s)); n > MaxCardSMSParts {
		what := "card"
		if c.sms.set {
			what = "sms variant"
		}
		if prefix != "" {
			what += " with the lesson title before it"
		}
		k.add(sms.at, "%s needs %d SMS (limit %d): %s", what, n, MaxCardSMSParts, fix)
	}
}

func (k *checker) question(q *srcQuestion) {
	who := named("question", q.id)
	k.id("question", q.id, q.at)
	k.required(q.prompt, q.at, who, "prompt", "")
	n := len(q.options)
	switch {
	case n == 0:
		k.add(orAt(q.optionsAt, q.at), "%s has no options: give 2 to 4", who)
	case n < 2 || n > 4:
		k.add(q.optionsAt, "%s has %s: give 2 to 4", who, plural(n, "option"))
	}
	k.options(q.options, "option")
	switch a := q.answer; {
	case !a.set && n >= 2 && n <= 4:
		k.add(q.at, "%s has no answer: give the number of the correct option (1 to %d)", who, n)
	case !a.set:
		k.add(q.at, "%s has no answer: give the number of the correct option", who)
	case !a.ok:
	case a.n < 1:
		k.add(a.at, "answer %d is out of range: options are numbered from 1", a.n)
	case n > 0 && a.n > n:
		k.add(a.at, "answer %d is out of range: the question has %d options", a.n, n)
	}
	k.required(q.explanation, q.at, who, "explanation", ": add the one sentence shown after the learner answers")
	if l := utf8.RuneCountInString(q.explanation.s); l > MaxExplanationChars {
		k.add(q.explanation.at, "explanation is %d characters long (limit %d): keep it to one short sentence", l, MaxExplanationChars)
	}
	k.sendable(q.explanation, "explanation", "remove them, explanations have no SMS variant")

	// What the SMS channel will actually send.
	prompt, opts := q.prompt, q.options
	if q.smsPrompt.set {
		if q.smsPrompt.s == "" {
			k.add(q.smsPrompt.at, "sms prompt is empty: write the SMS prompt or remove it")
		} else {
			prompt = q.smsPrompt
			k.sendable(q.smsPrompt, "sms prompt", "remove them, it is sent as written")
		}
	} else {
		k.sendable(q.prompt, "prompt", "add an `sms:` variant with a prompt:")
	}
	if q.smsOptionsSet {
		if len(q.smsOptions) != n {
			k.add(orAt(q.smsOptionsAt, q.at), "sms options: %d given but the question has %d options: give one per option, in the same order", len(q.smsOptions), n)
		}
		k.options(q.smsOptions, "sms option")
		for i, o := range q.smsOptions {
			k.sendable(o, fmt.Sprintf("sms option %d", i+1), "remove them, it is sent as written")
		}
		opts = q.smsOptions
	} else {
		for i, o := range q.options {
			k.sendable(o, fmt.Sprintf("option %d", i+1), "add an `sms:` variant with options:")
		}
	}
	if prompt.s == "" || len(opts) == 0 {
		return
	}
	total := septets(prompt.s)
	for _, o := range opts {
		total += septets(o.s) + 3
	}
	if total > SMSQuestionBudget {
		fix := "shorten it or add an `sms:` variant"
		if q.hasSMS {
			fix = "shorten the `sms:` variant"
		}
		k.add(q.at, "question too long for one SMS (%d of %d characters): %s", total, SMSQuestionBudget, fix)
	}
}

// options reports empty options and options a learner could not tell apart.
func (k *checker) options(opts []str, what string) {
	for i, o := range opts {
		if o.s == "" {
			k.add(o.at, "%s %d is empty", what, i+1)
			continue
		}
		for j := range i {
			if strings.EqualFold(opts[j].s, o.s) {
				k.add(o.at, "%ss %d and %d are the same (%q): learners could not tell them apart", what, j+1, i+1, o.s)
				break
			}
		}
	}
}

// id checks an id's presence, spelling and, except for the course itself,
// uniqueness within the course.
func (k *checker) id(kind string, id str, owner at) {
	if id.s == "" {
		k.add(orAt(id.at, owner), "%s has no id: give it a short unique id (learner progress is stored by id)", kind)
		return
	}
	if !validID.MatchString(id.s) {
		fix := ""
		if f := fixID(id.s); f != "" {
			fix = fmt.Sprintf(" (for example %q)", f)
		}
		k.add(id.at, "id %q has characters ids cannot use: %s; use only lowercase a-z, 0-9, \"-\", \"_\" and \".\"%s",
			id.s, badIDChars(id.s), fix)
	}
	if kind == "course" {
		return
	}
	first, dup := k.ids[id.s]
	switch {
	case !dup:
		k.ids[id.s] = idDef{kind, id.at}
	case first.kind == kind:
		k.add(id.at, "duplicate %s id %q (first defined at %s)", kind, id.s, short(first.at))
	default:
		k.add(id.at, "duplicate id %q: already used by a %s at %s (ids must be unique across the whole course)", id.s, first.kind, short(first.at))
	}
}

func (k *checker) title(kind string, id, title str, owner at) {
	k.required(title, owner, named(kind, id), "title", "")
	// Titles are shown on SMS too and have no variant.
	k.sendable(title, "title", "remove them, titles have no SMS variant")
}

func (k *checker) required(s str, owner at, who, field, hint string) {
	switch {
	case !s.set:
		k.add(owner, "%s has no %s%s", who, field, hint)
	case s.s == "":
		k.add(s.at, "%s is empty%s", field, hint)
	}
}

// sendable reports characters that GSM-7 SMS would silently drop.
func (k *checker) sendable(s str, what, fix string) {
	bad := gsm7.Unsendable(s.s)
	if len(bad) == 0 {
		return
	}
	shown := make([]string, len(bad))
	for i, r := range bad {
		shown[i] = visible(r)
	}
	k.add(s.at, "%s contains characters SMS cannot carry: %s; %s", what, strings.Join(shown, " "), fix)
}

func septets(s string) int {
	n, _ := gsm7.Septets(gsm7.Transliterate(s))
	return n
}

func badIDChars(id string) string {
	var bad []string
	seen := map[rune]bool{}
	for _, r := range id {
		if !seen[r] && !validID.MatchString(string(r)) {
			seen[r] = true
			if r == ' ' {
				bad = append(bad, "space")
			} else {
				bad = append(bad, fmt.Sprintf("%q", visible(r)))
			}
		}
	}
	return strings.Join(bad, ", ")
}

// fixID proposes a valid id close to what the author wrote.
func fixID(id string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(gsm7.Transliterate(id)) {
		switch {
		case r == ' ' || r == '/':
			b.WriteByte('-')
		case validID.MatchString(string(r)):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// visible spells out characters an author could not see in a message.
func visible(r rune) string {
	if unicode.IsGraphic(r) && !unicode.IsSpace(r) {
		return string(r)
	}
	return fmt.Sprintf("U+%04X", r)
}

// named is "lesson \"l1\"", or just "lesson" when the id is missing.
func named(kind string, id str) string {
	if id.s == "" {
		return kind
	}
	return fmt.Sprintf("%s %q", kind, id.s)
}

// short drops the directory from a position: within one course every file
// sits in the same directory, so the file name alone is unambiguous.
func short(a at) string {
	if i := strings.LastIndexAny(a.file, `/\`); i >= 0 {
		a.file = a.file[i+1:]
	}
	return a.String()
}

func orAt(a, fallback at) at {
	if a.file == "" {
		return fallback
	}
	return a
}

// build converts a checked course into the types the rest of Pamong uses.
func build(c *srcCourse) *Course {
	out := &Course{ID: c.id.s, Title: c.title.s, Language: c.language.s, PassMark: c.passMark.n,
		Pretest: buildQuestions(c.pretest), Posttest: buildQuestions(c.posttest)}
	for _, m := range c.modules {
		mod := Module{ID: m.id.s, Title: m.title.s}
		for _, les := range m.lessons {
			l := Lesson{ID: les.id.s, Title: les.title.s, Quiz: buildQuestions(les.quiz)}
			for _, card := range les.cards {
				l.Cards = append(l.Cards, Card{Text: card.text.s, SMS: card.sms.s})
			}
			mod.Lessons = append(mod.Lessons, l)
		}
		out.Modules = append(out.Modules, mod)
	}
	return out
}

func buildQuestions(qs []*srcQuestion) []Question {
	var out []Question
	for _, q := range qs {
		out = append(out, Question{ID: q.id.s, Prompt: q.prompt.s, Options: texts(q.options),
			Answer: q.answer.n, Explanation: q.explanation.s, SMSPrompt: q.smsPrompt.s, SMSOptions: texts(q.smsOptions)})
	}
	return out
}

func texts(ss []str) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.s)
	}
	return out
}
