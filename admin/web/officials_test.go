package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// officialIDs reads the ids of the officials a list page shows, in order.
func officialIDs(body string) []string {
	var ids []string
	for _, m := range regexp.MustCompile(`data-official="([0-9]+)"`).FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// nextLink reads the "next page" link of a list page, "" when there is none.
func nextLink(body string) string {
	m := regexp.MustCompile(`href="([^"]+)" id="next"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return strings.ReplaceAll(m[1], "&amp;", "&")
}

// Walking every page of the list gives each official of the scope once,
// in name order, and none of another regency; the walk is by keyset, so
// the pages join up exactly.
func TestOfficialsListPagesThroughTheScope(t *testing.T) {
	f := newFixture(t)
	f.seed(260, villages)
	for _, tt := range []struct {
		name, token, scope string
	}{
		{"regency", f.lobar, "52.01"},
		{"province", f.ntb, "52"},
		{"national", f.national, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var want []string
			if err := f.raw.Select(&want, `SELECT id::text FROM learners WHERE pamong_within(village_code, $1) ORDER BY name, id`, tt.scope); err != nil {
				t.Fatal(err)
			}
			b := f.browser()
			b.signIn(tt.token)
			var got []string
			path := "/admin/officials"
			for pages := 0; path != ""; pages++ {
				if pages > 20 {
					t.Fatal("more pages than officials")
				}
				code, body, _ := b.get(path)
				if code != 200 {
					t.Fatalf("%s: %d %s", path, code, body)
				}
				got = append(got, officialIDs(body)...)
				path = nextLink(body)
			}
			if !slices.Equal(got, want) {
				t.Errorf("listed %d officials; the database has %d in %q", len(got), len(want), tt.scope)
			}
		})
	}
}

// The search finds by name, phone (as Indonesians write it), village name
// and code, and never outside the scope; names with HTML are escaped and
// phones are masked in the list.
func TestOfficialsSearch(t *testing.T) {
	f := newFixture(t)
	f.seed(60, villages)
	idOf := func(phone string) string {
		var id string
		if err := f.raw.Get(&id, `SELECT id::text FROM learners WHERE phone = $1`, phone); err != nil {
			t.Fatal(err)
		}
		return id
	}
	b := f.browser()
	b.signIn(f.lobar)
	tests := []struct {
		name, q string
		want    func() []string
	}{
		{"a name", "aparat 11", func() []string { return []string{idOf("+6281200000011")} }},
		{"a phone as written locally", "0812-0000-0011", func() []string { return []string{idOf("+6281200000011")} }},
		{"part of a phone", "00000011", func() []string { return []string{idOf("+6281200000011")} }},
		{"another regency's official by name", "aparat 13", func() []string { return nil }},
		{"another regency's official by phone", "+6281200000013", func() []string { return nil }},
		{"a village code", "52.01.01.2002", func() []string {
			var ids []string
			f.raw.Select(&ids, `SELECT id::text FROM learners WHERE village_code = '52.01.01.2002' ORDER BY name, id`)
			return ids
		}},
		{"a village name", "wilayah 52.01.01.2001", func() []string {
			var ids []string
			f.raw.Select(&ids, `SELECT id::text FROM learners WHERE village_code = '52.01.01.2001' ORDER BY name, id`)
			return ids
		}},
		{"another regency's village code", "52.02.01.2010", func() []string { return nil }},
		{"LIKE wildcards are literal", "%", func() []string { return nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := b.get("/admin/officials?q=" + url.QueryEscape(tt.q))
			if code != 200 {
				t.Fatalf("%d %s", code, body)
			}
			if got, want := officialIDs(body), tt.want(); !slices.Equal(got, want) {
				t.Errorf("found %v; want %v", got, want)
			}
		})
	}
	t.Run("html escaped and phones masked", func(t *testing.T) {
		_, body, _ := b.get("/admin/officials?q=script")
		if strings.Contains(body, "<script>") || !strings.Contains(body, "&lt;script&gt;") {
			t.Errorf("the name with HTML is not escaped: %s", body)
		}
		if strings.Contains(body, "6281200000001") || !strings.Contains(body, "**********001") {
			t.Errorf("the phone is not masked in the list: %s", body)
		}
	})
	t.Run("a bad stage", func(t *testing.T) {
		code, body, _ := b.get("/admin/officials?stage=nope")
		if code != 400 || !strings.Contains(body, "nope") {
			t.Errorf("%d %s", code, body)
		}
	})
	t.Run("a forged cursor", func(t *testing.T) {
		code, body, _ := b.get("/admin/officials?after=x")
		if code != 400 {
			t.Errorf("%d %s", code, body)
		}
	})
}

// stageSQL is each learner's stage computed independently of the store:
// the funnel's steps, furthest reached.
const stageSQL = `
SELECT l.id::text FROM learners l
LEFT JOIN enrolments e ON e.learner_id = l.id
LEFT JOIN certificates c ON c.learner_id = l.id AND c.revoked_at IS NULL
WHERE pamong_within(l.village_code, $1) AND CASE
    WHEN l.registered_at IS NULL THEN 'not_registered'
    WHEN e.pretest_score IS NULL THEN 'registered'
    WHEN e.lessons_done = 0 THEN 'pretest'
    WHEN NOT e.passed THEN 'lessons'
    WHEN c.id IS NULL THEN 'passed'
    ELSE 'certified' END = $2
ORDER BY l.name, l.id`

// Filtering by stage lists exactly the officials at that stage.
func TestOfficialsStageFilter(t *testing.T) {
	f := newFixture(t)
	f.seed(400, villages)
	b := f.browser()
	b.signIn(f.ntb)
	for _, stage := range []string{"not_registered", "registered", "pretest", "lessons", "passed", "certified"} {
		t.Run(stage, func(t *testing.T) {
			var want []string
			if err := f.raw.Select(&want, stageSQL, "52", stage); err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 {
				t.Fatalf("the seed has nobody at stage %s; the test would prove nothing", stage)
			}
			var got []string
			for path := "/admin/officials?stage=" + stage; path != ""; {
				_, body, _ := b.get(path)
				for _, m := range regexp.MustCompile(`data-stage="([a-z_]+)"`).FindAllStringSubmatch(body, -1) {
					if m[1] != stage {
						t.Errorf("row at stage %s in the %s list", m[1], stage)
					}
				}
				got = append(got, officialIDs(body)...)
				path = nextLink(body)
			}
			if !slices.Equal(got, want) {
				t.Errorf("listed %d; the database has %d at %s", len(got), len(want), stage)
			}
		})
	}
}

// An official's page shows their progress and contact in full to an admin
// of their region; another regency's official is 403 by URL.
func TestOfficialPage(t *testing.T) {
	f := newFixture(t)
	f.seed(60, villages)
	var lobarID, lotengID int64
	f.raw.Get(&lobarID, `SELECT id FROM learners WHERE phone = '+6281200000011'`)
	f.raw.Get(&lotengID, `SELECT id FROM learners WHERE phone = '+6281200000013'`)
	// Scores as the engine keeps them: a lesson retaken worse keeps its best.
	if _, err := f.raw.Exec(`UPDATE enrolments SET detail = $2, pretest_score = 40, posttest_score = 90, passed = true, lessons_done = 2
		WHERE learner_id = $1`, lobarID, `{"scores":{"pretest":{"correct":2,"total":5,"attempt":1},"l1":{"correct":1,"total":3,"attempt":2},`+
		`"l2":{"correct":3,"total":3,"attempt":1},"posttest":{"correct":9,"total":10,"attempt":1}},`+
		`"best":{"l1":{"correct":3,"total":3,"attempt":1}},"lessons_done":["l2","l1"],"best_posttest":90}`); err != nil {
		t.Fatal(err)
	}
	if _, err := f.raw.Exec(`INSERT INTO inbound_messages (channel, provider_id, learner_id, text, received_at) VALUES ('sms', 'x1', $1, 'ULANG', $2)`,
		lobarID, f.clock.now()); err != nil {
		t.Fatal(err)
	}

	b := f.browser()
	b.signIn(f.lobar)
	code, body, _ := b.get(fmt.Sprintf("/admin/officials/%d", lobarID))
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	for _, want := range []string{
		`<td id="phone">&#43;6281200000011</td>`,
		`<b id="pretest">40</b>`, `<b id="posttest">90</b>`,
		`data-quiz="pretest"`, `<td class="n" data-latest>1/3 (33)</td>`, `<td class="n" data-best>3/3 (100)</td>`,
		`10 Mar 2025 11:00 WIB · dari aparat · SMS`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	// Lessons in the order they were done, between the two tests.
	order := regexp.MustCompile(`data-quiz="([a-z0-9]+)"`).FindAllStringSubmatch(body, -1)
	var quizzes []string
	for _, m := range order {
		quizzes = append(quizzes, m[1])
	}
	if strings.Join(quizzes, " ") != "pretest l2 l1 posttest" {
		t.Errorf("quizzes in order %v", quizzes)
	}

	var nowhereID int64
	if err := f.raw.Get(&nowhereID, `INSERT INTO learners (phone, name) VALUES ('+6281399999999', 'Tanpa Desa') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, token, path string
		status            int
	}{
		{"another regency's official", f.lobar, fmt.Sprintf("/admin/officials/%d", lotengID), 403},
		{"an official without a village, to a regency", f.lobar, fmt.Sprintf("/admin/officials/%d", nowhereID), 403},
		{"an official without a village, nationally", f.national, fmt.Sprintf("/admin/officials/%d", nowhereID), 200},
		{"the province sees both", f.ntb, fmt.Sprintf("/admin/officials/%d", lotengID), 200},
		{"no such official", f.national, "/admin/officials/999999", 404},
		{"not a number", f.national, "/admin/officials/abc", 404},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := f.browser()
			b.signIn(tt.token)
			code, body, _ := b.get(tt.path)
			if code != tt.status {
				t.Fatalf("%d; want %d: %s", code, tt.status, body)
			}
			if code != 200 && strings.Contains(body, "62812") {
				t.Errorf("a refusal shows a phone: %s", body)
			}
		})
	}
}
