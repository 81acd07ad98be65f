package lessons

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/pamong-desa/pamong/gsm7"
)

const goodCourse = "id: c\ntitle: Kursus\npass_mark: 50\n"

// goodModule is valid; the helpers below swap parts of it so each rule can
// be tested with known line numbers.
const goodModule = moduleHead + "    cards:\n      - Kartu.\n    quiz:\n" + goodQuestion

const moduleHead = `id: m1
title: Modul
lessons:
  - id: l1
    title: Pelajaran
`

const goodQuestion = `      - id: q1
        prompt: Apa?
        options: [Ya, Tidak]
        answer: 1
        explanation: Karena begitu.
`

// withQuestion puts q, a quiz item, at line 9 of a module.
func withQuestion(q string) string {
	return moduleHead + "    cards:\n      - Kartu.\n    quiz:\n" + q
}

// withCards puts the card items cs at line 7 of a module.
func withCards(cs string) string {
	return moduleHead + "    cards:\n" + cs + "    quiz:\n" + goodQuestion
}

func TestRules(t *testing.T) {
	long := strings.Repeat("a", 126) + "?" // 127 septets + "Ya" 5 + "Tidak" 8 = 140
	euros := strings.Repeat("€ ", 199)     // few characters, but 2 septets each
	// titled is the shortest card that fits 3 SMS alone but needs 4 with
	// the lesson title the engine sends before a lesson's first card.
	titled := "Desa€€"
	for len(gsm7.Split(SMSLessonTitle(1, 1, "Pelajaran")+". "+titled)) < 4 {
		titled += " Desa€€"
	}
	if n := len(gsm7.Split(titled)); n != 3 || utf8.RuneCountInString(titled) > MaxCardChars {
		t.Fatalf("titled card of %d characters takes %d SMS alone; want 3", len(titled), n)
	}
	tests := []struct {
		name   string
		course string // default goodCourse
		module string // c/01.yaml; default goodModule
		want   []string
	}{
		{name: "valid"},

		// Course
		{name: "pass_mark missing", course: "id: c\ntitle: Kursus\n",
			want: []string{"c/course.yaml:1: course has no pass_mark: give the post-test score in percent needed to pass (1 to 100)"}},
		{name: "pass_mark 0", course: "id: c\ntitle: Kursus\npass_mark: 0\n",
			want: []string{"c/course.yaml:3: pass_mark 0 is out of range: give a percentage from 1 to 100"}},
		{name: "pass_mark over 100", course: "id: c\ntitle: Kursus\npass_mark: 101\n",
			want: []string{"c/course.yaml:3: pass_mark 101 is out of range: give a percentage from 1 to 100"}},
		{name: "pass_mark with percent sign", course: "id: c\ntitle: Kursus\npass_mark: 70%\n"},
		{name: "field given twice", course: goodCourse + "title: Lagi\n",
			want: []string{"c/course.yaml:4: field title is given twice (first at line 2)"}},
		{name: "bad language", course: goodCourse + "language: Bahasa\n",
			want: []string{`c/course.yaml:4: language "Bahasa" is not a language code: use a code such as "id" (Indonesian) or "jv" (Javanese)`}},
		{name: "pretest without posttest", course: goodCourse + "pretest:\n" + strings.ReplaceAll(goodQuestion, "q1", "p1"),
			want: []string{"c/course.yaml:4: the course has a pretest but no posttest: add a posttest with the same number of questions (learning gain is measured between the two)"}},
		{name: "pretest and posttest differ in length",
			course: goodCourse + "pretest:\n" + strings.ReplaceAll(goodQuestion, "q1", "p1") + strings.ReplaceAll(goodQuestion, "q1", "p2") +
				"posttest:\n" + strings.ReplaceAll(goodQuestion, "q1", "t1"),
			want: []string{"c/course.yaml:15: posttest has 1 question but pretest has 2: give both the same number so their scores can be compared"}},
		{name: "no lessons", module: "-",
			want: []string{"c/course.yaml:1: the course has no lessons: add a module file such as 01-intro.yaml next to course.yaml"}},
		{name: "module without lessons", module: "id: m1\ntitle: Modul\nlessons: []\n",
			want: []string{`c/01.yaml:3: module "m1" has no lessons: add at least one under lessons:`}},
		{name: "lesson without cards and quiz", module: moduleHead,
			want: []string{`c/01.yaml:4: lesson "l1" has no cards: add at least one under cards:`,
				`c/01.yaml:4: lesson "l1" has no quiz: add at least one question under quiz:`}},
		{name: "title with emoji", module: strings.Replace(goodModule, "title: Modul", "title: Modul 🏛", 1),
			want: []string{"c/01.yaml:2: title contains characters SMS cannot carry: 🏛; remove them, titles have no SMS variant"}},

		// Ids
		{name: "missing id", module: withQuestion(strings.Replace(goodQuestion, "id: q1", "id:", 1)),
			want: []string{"c/01.yaml:9: question has no id: give it a short unique id (learner progress is stored by id)"}},
		{name: "bad id", module: withQuestion(strings.Replace(goodQuestion, "id: q1", "id: Soal 1", 1)),
			want: []string{`c/01.yaml:9: id "Soal 1" has characters ids cannot use: "S", space; use only lowercase a-z, 0-9, "-", "_" and "." (for example "soal-1")`}},
		{name: "duplicate question id", module: withQuestion(goodQuestion + goodQuestion),
			want: []string{`c/01.yaml:14: duplicate question id "q1" (first defined at 01.yaml:9)`}},
		{name: "question id used by a lesson", module: withQuestion(strings.Replace(goodQuestion, "id: q1", "id: l1", 1)),
			want: []string{`c/01.yaml:9: duplicate id "l1": already used by a lesson at 01.yaml:4 (ids must be unique across the whole course)`}},

		// Questions
		{name: "unknown field", module: withQuestion(strings.Replace(goodQuestion, "options:", "optons:", 1)),
			want: []string{`c/01.yaml:9: question "q1" has no options: give 2 to 4`,
				"c/01.yaml:11: unknown field optons (did you mean options?)"}},
		{name: "missing prompt", module: withQuestion(strings.Replace(goodQuestion, "prompt: Apa?", "prmpt: Apa?", 1)),
			want: []string{`c/01.yaml:9: question "q1" has no prompt`, "c/01.yaml:10: unknown field prmpt (did you mean prompt?)"}},
		{name: "one option", module: withQuestion(strings.Replace(goodQuestion, "[Ya, Tidak]", "[Ya]", 1)),
			want: []string{`c/01.yaml:11: question "q1" has 1 option: give 2 to 4`}},
		{name: "five options", module: withQuestion(strings.Replace(goodQuestion, "[Ya, Tidak]", "[a, b, c, d, e]", 1)),
			want: []string{`c/01.yaml:11: question "q1" has 5 options: give 2 to 4`}},
		{name: "empty option", module: withQuestion(strings.Replace(goodQuestion, "[Ya, Tidak]", `[Ya, ""]`, 1)),
			want: []string{"c/01.yaml:11: option 2 is empty"}},
		{name: "duplicate options", module: withQuestion(strings.Replace(goodQuestion, "[Ya, Tidak]", `[Ya, Tidak, ya]`, 1)),
			want: []string{`c/01.yaml:11: options 1 and 3 are the same ("ya"): learners could not tell them apart`}},
		{name: "option read as fields", module: withQuestion(strings.Replace(goodQuestion, "[Ya, Tidak]", "\n          - Ya\n          - Tidak: salah", 1)),
			want: []string{`c/01.yaml:13: option must be text, but YAML reads it as fields: put it in double quotes if it contains ": "`,
				"c/01.yaml:13: option 2 is empty"}},
		{name: "answer missing", module: withQuestion(strings.Replace(goodQuestion, "        answer: 1\n", "", 1)),
			want: []string{`c/01.yaml:9: question "q1" has no answer: give the number of the correct option (1 to 2)`}},
		{name: "answer zero", module: withQuestion(strings.Replace(goodQuestion, "answer: 1", "answer: 0", 1)),
			want: []string{"c/01.yaml:12: answer 0 is out of range: options are numbered from 1"}},
		{name: "answer too big", module: withQuestion(strings.Replace(goodQuestion, "answer: 1", "answer: 3", 1)),
			want: []string{"c/01.yaml:12: answer 3 is out of range: the question has 2 options"}},
		{name: "answer not a number", module: withQuestion(strings.Replace(goodQuestion, "answer: 1", "answer: Ya", 1)),
			want: []string{`c/01.yaml:12: answer must be a whole number, not "Ya"`}},
		{name: "explanation missing", module: withQuestion(strings.Replace(goodQuestion, "explanation: Karena begitu.", "", 1)),
			want: []string{`c/01.yaml:9: question "q1" has no explanation: add the one sentence shown after the learner answers`}},
		{name: "explanation too long", module: withQuestion(strings.Replace(goodQuestion, "Karena begitu.", strings.Repeat("x", 201), 1)),
			want: []string{"c/01.yaml:13: explanation is 201 characters long (limit 200): keep it to one short sentence"}},
		{name: "explanation with emoji", module: withQuestion(strings.Replace(goodQuestion, "Karena begitu.", "Karena begitu 👍", 1)),
			want: []string{"c/01.yaml:13: explanation contains characters SMS cannot carry: 👍; remove them, explanations have no SMS variant"}},
		{name: "prompt with emoji", module: withQuestion(strings.Replace(goodQuestion, "Apa?", "Apa? 🤔", 1)),
			want: []string{"c/01.yaml:10: prompt contains characters SMS cannot carry: 🤔; add an `sms:` variant with a prompt:"}},
		{name: "prompt with emoji and sms prompt", module: withQuestion(strings.Replace(goodQuestion, "Apa?", "Apa? 🤔", 1) + "        sms:\n          prompt: Apa?\n")},
		{name: "option with check mark", module: withQuestion(strings.Replace(goodQuestion, "Tidak]", "Tidak ✗]", 1)),
			want: []string{"c/01.yaml:11: option 2 contains characters SMS cannot carry: ✗; add an `sms:` variant with options:"}},
		{name: "accents transliterate fine", module: withQuestion(strings.Replace(goodQuestion, "Apa?", "“Apa” — café?", 1))},
		{name: "question fits one SMS exactly", module: withQuestion(strings.Replace(goodQuestion, "Apa?", long, 1))},
		{name: "question too long for SMS", module: withQuestion(strings.Replace(goodQuestion, "Apa?", "b"+long, 1)),
			want: []string{"c/01.yaml:9: question too long for one SMS (141 of 140 characters): shorten it or add an `sms:` variant"}},
		{name: "sms variant makes it fit", module: withQuestion(strings.Replace(goodQuestion, "Apa?", "b"+long, 1) + "        sms:\n          prompt: Apa?\n")},
		{name: "sms variant still too long", module: withQuestion(strings.Replace(goodQuestion, "Apa?", "b"+long, 1) + "        sms:\n          options: [Ya, Tidakk]\n"),
			want: []string{"c/01.yaml:9: question too long for one SMS (142 of 140 characters): shorten the `sms:` variant"}},
		{name: "sms options count", module: withQuestion(goodQuestion + "        sms:\n          options: [Y]\n"),
			want: []string{"c/01.yaml:15: sms options: 1 given but the question has 2 options: give one per option, in the same order"}},
		{name: "sms unknown field", module: withQuestion(goodQuestion + "        sms:\n          promt: Apa?\n"),
			want: []string{"c/01.yaml:15: unknown field promt (did you mean prompt?)"}},
		{name: "sms empty", module: withQuestion(goodQuestion + "        sms:\n"),
			want: []string{"c/01.yaml:14: sms is empty: give prompt: and/or options: for SMS, or remove it"}},

		// Cards
		{name: "card at the limit", module: withCards("      - " + strings.Repeat("Desa ", MaxCardChars/5) + "\n")},
		{name: "first card too long with the lesson title", module: withCards("      - " + titled + "\n"),
			want: []string{"c/01.yaml:7: card with the lesson title before it needs 4 SMS (limit 3): shorten it or add a shorter `sms:` variant"}},
		{name: "same card later in the lesson", module: withCards("      - Kartu.\n      - " + titled + "\n")},
		{name: "card too long", module: withCards("      - Kartu.\n      - " + strings.Repeat("a", MaxCardChars+1) + "\n"),
			want: []string{"c/01.yaml:8: card is 401 characters long (limit 400, about one phone screen): split it into two cards"}},
		{name: "card needs too many SMS", module: withCards("      - Kartu.\n      - " + euros + "\n"),
			want: []string{fmt.Sprintf("c/01.yaml:8: card needs %d SMS (limit 3): shorten it or add a shorter `sms:` variant", len(gsm7.Split(euros)))}},
		{name: "card sms variant needs too many SMS", module: withCards("      - Kartu.\n      - text: Kartu.\n        sms: " + euros + "\n"),
			want: []string{fmt.Sprintf("c/01.yaml:9: sms variant needs %d SMS (limit 3): shorten it", len(gsm7.Split(euros)))}},
		{name: "card with emoji", module: withCards("      - Selamat! 🎉 ✓\n"),
			want: []string{"c/01.yaml:7: card contains characters SMS cannot carry: 🎉 ✓; add an `sms:` variant"}},
		{name: "card with emoji and sms variant", module: withCards("      - text: Selamat! 🎉\n        sms: Selamat!\n")},
		{name: "sms variant with emoji", module: withCards("      - text: Selamat! 🎉\n        sms: Selamat! 🎉\n"),
			want: []string{"c/01.yaml:8: sms variant contains characters SMS cannot carry: 🎉; remove them, it is sent as written"}},
		{name: "empty card", module: withCards("      - \"\"\n"),
			want: []string{"c/01.yaml:7: card has no text"}},
		{name: "empty sms variant", module: withCards("      - text: Kartu.\n        sms: \"\"\n"),
			want: []string{"c/01.yaml:8: sms variant is empty: write the SMS text or remove sms:"}},
		{name: "card with colon", module: withCards("      - Catatan: baca ini\n"),
			want: []string{`c/01.yaml:7: card is read as a field named "Catatan" because it contains ": ": put the whole card in double quotes`}},
		{name: "card field misspelt alone", module: withCards("      - txt: Kartu.\n"),
			want: []string{"c/01.yaml:7: unknown field txt (did you mean text?)", "c/01.yaml:7: card has no text"}},
		{name: "card field misspelt", module: withCards("      - teks: Kartu.\n        sms: Kartu.\n"),
			want: []string{"c/01.yaml:7: unknown field teks (did you mean text?)", "c/01.yaml:7: card has no text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			course, module := tt.course, tt.module
			if course == "" {
				course = goodCourse
			}
			fsys := fstest.MapFS{"c/course.yaml": {Data: []byte(course)}}
			switch module {
			case "":
				fsys["c/01.yaml"] = &fstest.MapFile{Data: []byte(goodModule)}
			case "-": // no module file at all
			default:
				fsys["c/01.yaml"] = &fstest.MapFile{Data: []byte(module)}
			}
			c, err := LoadDir(fsys, "c")
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected problems:\n%v", err)
				}
				if c == nil {
					t.Fatal("nil course without error")
				}
				return
			}
			if c != nil {
				t.Error("got a course despite problems")
			}
			if got := problems(t, err); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
