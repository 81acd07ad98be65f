package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/gsm7"
)

func TestNudgeDue(t *testing.T) {
	idle := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return idle.AddDate(0, 0, n) }
	tests := []struct {
		name    string
		started bool
		h       NudgeHistory
		due     time.Time
		ok      bool
	}{
		{"first after 2 days", true, NudgeHistory{}, day(2), true},
		{"second at 7 days idle", true, NudgeHistory{Sent: 1, Last: day(2)}, day(7), true},
		{"third a week after the second", true, NudgeHistory{Sent: 2, Last: day(7)}, day(14), true},
		{"a late second counts the week from it", true, NudgeHistory{Sent: 2, Last: day(9)}, day(16), true},
		{"a late first keeps the gap to the second", true, NudgeHistory{Sent: 1, Last: day(30)}, day(35), true},
		{"none after three unanswered", true, NudgeHistory{Sent: 3, Last: day(14)}, time.Time{}, false},
		{"never started: first", false, NudgeHistory{}, day(2), true},
		{"never started: second", false, NudgeHistory{Sent: 1, Last: day(2)}, day(7), true},
		{"never started: at most twice", false, NudgeHistory{Sent: 2, Last: day(7)}, time.Time{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			due, ok := NudgeDue(tc.started, idle, tc.h)
			if ok != tc.ok || !due.Equal(tc.due) {
				t.Errorf("NudgeDue = %s %v, want %s %v", due, ok, tc.due, tc.ok)
			}
		})
	}
}

func TestNextVariantNeverRepeats(t *testing.T) {
	if NudgeVariants() < 3 {
		t.Fatalf("%d wordings, want at least 3", NudgeVariants())
	}
	seen := map[int]bool{}
	last := 0
	for range 10 {
		v := NextVariant(last)
		if v == last || v < 1 || v > NudgeVariants() {
			t.Fatalf("variant %d after %d", v, last)
		}
		seen[v], last = true, v
	}
	if len(seen) != NudgeVariants() {
		t.Errorf("only %d of %d wordings used", len(seen), NudgeVariants())
	}
}

// Every wording, for someone under way at any step and for someone who
// never started, fits one GSM-7 SMS even with a long name, and says where
// the learner is and LANJUT.
func TestNudgeFitsOneSMS(t *testing.T) {
	course := testCourse(t)
	states := map[string]State{
		"never started": {},
		"mid quiz": {Conversation: Conversation{Stage: StageQuestion},
			Progress: &Progress{CourseID: "uji", LessonID: "l2", QuizID: "l2", QuestionID: "l2-q2"}},
		"lesson end": {Conversation: Conversation{Stage: StageLessonEnd},
			Progress: &Progress{CourseID: "uji", LessonID: "l1", LessonsDone: []string{"l1"}}},
		"failed post-test": {Conversation: Conversation{Stage: StageCourseEnd},
			Progress: &Progress{CourseID: "uji", LessonsDone: []string{"l1", "l2"}}},
		"post-test": {Conversation: Conversation{Stage: StageQuestion},
			Progress: &Progress{CourseID: "uji", QuizID: Posttest, QuestionID: "post-2"}},
	}
	for name, st := range states {
		st.Learner = Learner{Name: "Kadek Wirawansyahputranegara Suryadiningrat", Registered: true}
		for v := 1; v <= NudgeVariants(); v++ {
			m := Nudge(st, course, v)
			for _, r := range Render(SMS, []Message{m}) {
				if n, enc := gsm7.Segments(r.Text); n != 1 || enc != gsm7.GSM7 {
					t.Errorf("%s, wording %d: %d %s segments: %q", name, v, n, enc, r.Text)
				}
			}
			if !strings.Contains(m.Text, "LANJUT") || !strings.Contains(m.Text, "Kadek") {
				t.Errorf("%s, wording %d lacks name or LANJUT: %q", name, v, m.Text)
			}
			if st.Progress != nil && !strings.Contains(m.Text, "dari 2") && !strings.Contains(m.Text, "post-test") {
				t.Errorf("%s, wording %d does not say where: %q", name, v, m.Text)
			}
		}
	}
}

func TestWantsNudge(t *testing.T) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		st       State
		imported bool
		want     bool
	}{
		{"under way", State{Learner: Learner{Registered: true}, Progress: &Progress{}}, false, true},
		{"never started", State{Learner: Learner{Registered: true}}, false, true},
		{"finished", State{Learner: Learner{Registered: true}, Progress: &Progress{Completed: true}}, false, false},
		{"opted out", State{Learner: Learner{Registered: true, OptedOut: true}}, false, false},
		{"not registered", State{}, false, false},
		{"imported, never wrote", State{}, true, true},
		{"paused", State{Learner: Learner{Registered: true}, Conversation: Conversation{PausedUntil: now.Add(time.Hour)}}, false, false},
	}
	for _, tc := range tests {
		if got := WantsNudge(tc.st, tc.imported, now); got != tc.want {
			t.Errorf("%s: WantsNudge = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestLocalSlot(t *testing.T) {
	wib, wita, wit := 7*time.Hour, 8*time.Hour, 9*time.Hour
	// 2026-01-01 23:30 UTC is already 2 January in every Indonesian zone.
	now := time.Date(2026, 1, 1, 23, 30, 0, 0, time.UTC)
	tests := []struct {
		name   string
		offset time.Duration
		usual  int
		want   time.Time
	}{
		{"WIB default 09:00", wib, -1, time.Date(2026, 1, 2, 2, 0, 0, 0, time.UTC)},
		{"WITA default 09:00", wita, -1, time.Date(2026, 1, 2, 1, 0, 0, 0, time.UTC)},
		{"WIT default 09:00", wit, -1, time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"usual hour 19:00", wib, 19, time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)},
		{"usual hour 22:00 is at night: 09:00", wib, 22, time.Date(2026, 1, 2, 2, 0, 0, 0, time.UTC)},
		{"usual hour 07:00 is too early: 09:00", wit, 7, time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"usual hour 08:00", wita, 8, time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		if got := LocalSlot(now, tc.offset, tc.usual); !got.Equal(tc.want) {
			t.Errorf("%s: %s, want %s", tc.name, got.UTC(), tc.want)
		}
		if !InDay(LocalSlot(now, tc.offset, tc.usual), tc.offset) {
			t.Errorf("%s: slot outside the day window", tc.name)
		}
	}
	if InDay(time.Date(2026, 1, 1, 13, 0, 0, 0, time.UTC), wib) { // 20:00 WIB
		t.Error("20:00 WIB counted as day")
	}
	if !InDay(time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC), wib) { // 08:00 WIB
		t.Error("08:00 WIB counted as night")
	}
}
