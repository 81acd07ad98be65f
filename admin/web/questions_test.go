package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// askQuestions gives every seeded learner of the villages one question.
func (f *fixture) askQuestions() {
	f.t.Helper()
	if _, err := f.raw.Exec(`INSERT INTO learner_questions (learner_id, course_id, context, text, asked_at)
		SELECT id, 'c1', 'Pelajaran 1', 'Maksudnya <b>apa</b> pak? ' || name, $1 FROM learners ORDER BY id`, f.clock.now()); err != nil {
		f.t.Fatal(err)
	}
}

func questionIDs(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`data-question="(\d+)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestQuestionsScopeAndMarkAnswered(t *testing.T) {
	f := newFixture(t)
	f.seed(60, villages)
	f.askQuestions()
	var lobarQ, lotengQ int64
	if err := f.raw.Get(&lobarQ, `SELECT q.id FROM learner_questions q JOIN learners l ON l.id = q.learner_id WHERE l.village_code LIKE '52.01.%' ORDER BY q.id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	if err := f.raw.Get(&lotengQ, `SELECT q.id FROM learner_questions q JOIN learners l ON l.id = q.learner_id WHERE l.village_code LIKE '52.02.%' ORDER BY q.id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	count := func(scope string) int {
		var n int
		if err := f.raw.Get(&n, `SELECT count(*) FROM learner_questions q JOIN learners l ON l.id = q.learner_id WHERE $1 = '' OR l.village_code LIKE $1 || '.%'`, scope); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, tt := range []struct {
		name, token, query, scope string
		status                    int
	}{
		{"regency", f.lobar, "", "52.01", 200},
		{"province", f.ntb, "", "52", 200},
		{"province narrowed", f.ntb, "region=52.02", "52.02", 200},
		{"regency reaching the other", f.lobar, "region=52.02", "", 403},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := f.browser()
			b.signIn(tt.token)
			code, body, _ := b.get("/admin/questions?" + tt.query)
			if code != tt.status {
				t.Fatalf("%d; want %d", code, tt.status)
			}
			if code != 200 {
				return
			}
			if got, want := len(questionIDs(body)), count(tt.scope); want == 0 || got != want {
				t.Errorf("%d questions listed; want %d", got, want)
			}
			if strings.Contains(body, "<b>apa</b>") || strings.Contains(body, "<script>alert") {
				t.Error("HTML in a question or a name is not escaped")
			}
		})
	}

	b := f.browser()
	b.signIn(f.lobar)
	csrf := b.csrf()
	answered := func(id int64) bool {
		var a bool
		if err := f.raw.Get(&a, `SELECT answered_at IS NOT NULL FROM learner_questions WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		return a
	}
	for _, tt := range []struct {
		name   string
		id     string
		form   url.Values
		status int
	}{
		{"no CSRF token", fmt.Sprint(lobarQ), url.Values{}, http.StatusForbidden},
		{"another regency's question", fmt.Sprint(lotengQ), url.Values{"csrf": {csrf}}, http.StatusForbidden},
		{"no such question", "999999", url.Values{"csrf": {csrf}}, http.StatusNotFound},
		{"not a number", "abc", url.Values{"csrf": {csrf}}, http.StatusNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if code, body, _ := b.post("/admin/questions/"+tt.id+"/answered", tt.form); code != tt.status {
				t.Errorf("%d; want %d: %s", code, tt.status, body)
			}
		})
	}
	if answered(lobarQ) || answered(lotengQ) {
		t.Fatal("a refused mark marked")
	}
	code, _, resp := b.post(fmt.Sprintf("/admin/questions/%d/answered", lobarQ), url.Values{"csrf": {csrf}})
	if code != http.StatusSeeOther || !answered(lobarQ) {
		t.Fatalf("mark answered: %d", code)
	}
	_, body, _ := b.get(resp.Header.Get("Location"))
	if !strings.Contains(body, "ditandai sudah dijawab") || !strings.Contains(body, "oleh DPMD &lt;b&gt;Lombok&lt;/b&gt; Barat") {
		t.Errorf("after marking: %s", body)
	}
}
