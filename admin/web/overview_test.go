package web_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// wantFunnel counts the funnel of scope straight from the tables, written
// independently of the store's query: per learner, one EXISTS per step.
const wantFunnel = `
SELECT count(*) AS officials,
       count(*) FILTER (WHERE registered_at IS NOT NULL) AS registered,
       count(*) FILTER (WHERE registered_at IS NOT NULL AND EXISTS (SELECT 1 FROM enrolments e WHERE e.learner_id = l.id AND e.pretest_score IS NOT NULL)) AS pretest,
       count(*) FILTER (WHERE registered_at IS NOT NULL AND EXISTS (SELECT 1 FROM enrolments e WHERE e.learner_id = l.id AND e.pretest_score IS NOT NULL AND e.lessons_done >= 1)) AS lesson,
       count(*) FILTER (WHERE registered_at IS NOT NULL AND EXISTS (SELECT 1 FROM enrolments e WHERE e.learner_id = l.id AND e.pretest_score IS NOT NULL AND e.lessons_done >= 1 AND e.passed)) AS passed,
       count(*) FILTER (WHERE registered_at IS NOT NULL AND EXISTS (SELECT 1 FROM enrolments e WHERE e.learner_id = l.id AND e.pretest_score IS NOT NULL AND e.lessons_done >= 1 AND e.passed)
                        AND EXISTS (SELECT 1 FROM certificates c WHERE c.learner_id = l.id AND c.revoked_at IS NULL)) AS certified,
       count(*) FILTER (WHERE last_inbound_at >= $2) AS active
FROM learners l WHERE $1 = '' OR village_code LIKE $1 || '.%'`

type counts struct {
	Officials, Registered, Pretest, Lesson, Passed, Certified, Active int
}

var stepRE = regexp.MustCompile(`data-step="(\w+)"><td>[^<]*</td><td class="n" data-count>(\d+)</td>`)

// The overview's numbers are the database's, for each admin's own scope:
// a regency sees only its regency, the province both, national all.
func TestOverviewCountsInScope(t *testing.T) {
	f := newFixture(t)
	f.seed(600, villages)
	// Every seeded enrolment is of course c1: the named course (as serve
	// runs) and any course must count the same.
	for _, course := range []string{"", "c1"} {
		f.svc.CourseID = course
		for _, tt := range []struct {
			name, token, scope string
		}{
			{"Lombok Barat", f.lobar, "52.01"},
			{"Lombok Tengah", f.loteng, "52.02"},
			{"NTB", f.ntb, "52"},
			{"national", f.national, ""},
		} {
			t.Run(tt.name+"/course="+course, func(t *testing.T) {
				var want counts
				if err := f.raw.Get(&want, wantFunnel, tt.scope, f.clock.now().Add(-7*24*time.Hour)); err != nil {
					t.Fatal(err)
				}
				if want.Certified == 0 || want.Passed == want.Lesson || want.Lesson == want.Pretest || want.Officials == want.Registered {
					t.Fatalf("the seed gives a degenerate funnel: %+v", want)
				}
				b := f.browser()
				b.signIn(tt.token)
				code, body, _ := b.get("/admin/overview")
				if code != 200 {
					t.Fatalf("%d %s", code, body)
				}
				if len(body) > 100<<10 {
					t.Errorf("page is %d bytes", len(body))
				}
				got := map[string]int{}
				for _, m := range stepRE.FindAllStringSubmatch(body, -1) {
					got[m[1]], _ = strconv.Atoi(m[2])
				}
				wantSteps := map[string]int{"officials": want.Officials, "registered": want.Registered, "pretest": want.Pretest,
					"lesson": want.Lesson, "passed": want.Passed, "certified": want.Certified}
				for k, v := range wantSteps {
					if got[k] != v {
						t.Errorf("%s: page %d, database %d", k, got[k], v)
					}
				}
				if !strings.Contains(body, `id="active7d">`+thousands(want.Active)+`<`) {
					t.Errorf("active 7 days: want %d in the page", want.Active)
				}
				if !strings.Contains(body, "<svg") || strings.Count(body, `class="bar"`) != 6 {
					t.Errorf("no six-bar SVG chart")
				}
			})
		}
	}
}

// The message table counts the last 30 days of the scope, per channel,
// without cancelled messages.
func TestOverviewMessages(t *testing.T) {
	f := newFixture(t)
	f.seed(600, villages)
	b := f.browser()
	b.signIn(f.loteng)
	_, body, _ := b.get("/admin/overview")
	for _, ch := range []string{"sms", "whatsapp"} {
		var n int
		if err := f.raw.Get(&n, `SELECT count(*) FROM outbox o JOIN learners l ON l.id = o.learner_id
			WHERE l.village_code LIKE '52.02.%' AND o.channel = $1 AND o.status <> 'cancelled' AND o.created_at >= $2`,
			ch, f.clock.now().Add(-30*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n == 0 || !strings.Contains(body, `data-channel="`+ch+`">`) || !strings.Contains(body, `data-messages>`+thousands(n)+`<`) {
			t.Errorf("%s: want %d messages in the page", ch, n)
		}
	}
}

// thousands mirrors the page's number format (80.000).
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return s
}
