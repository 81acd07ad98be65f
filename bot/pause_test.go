package bot

import (
	"testing"
	"time"
)

func TestParsePause(t *testing.T) {
	tests := []struct {
		text string
		days int
		ok   bool
	}{
		{"JEDA", 7, true},
		{"jeda.", 7, true},
		{"Jeda 30", 30, true},
		{"JEDA 30 hari", 30, true},
		{"jeda 0", 0, true},
		{"JEDA dulu ya", 0, false},
		{"jeda tiga", 0, false},
		{"jedanya", 0, false},
		{"saya mau jeda", 0, false},
	}
	for _, tc := range tests {
		days, ok := parsePause(tc.text)
		if days != tc.days || ok != tc.ok {
			t.Errorf("parsePause(%q) = %d %v, want %d %v", tc.text, days, ok, tc.days, tc.ok)
		}
		if kw := ParseKeyword(tc.text); (kw == KeyPause) != tc.ok {
			t.Errorf("ParseKeyword(%q) = %q", tc.text, kw)
		}
	}
}

func TestPauseEndsWithAnyMessage(t *testing.T) {
	course := testCourse(t)
	now := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	st := State{Learner: Learner{Registered: true, Name: "Siti", Channel: WhatsApp},
		Conversation: Conversation{Stage: StageLessonEnd},
		Progress:     &Progress{CourseID: "uji", LessonID: "l1", LessonsDone: []string{"l1"}, BestPosttest: -1}}
	tests := []struct {
		text string
		want time.Time
	}{
		{"JEDA", now.AddDate(0, 0, 7)},
		{"JEDA 30", now.AddDate(0, 0, 30)},
		// A refused JEDA leaves the pause as it was.
		{"JEDA 91", now.AddDate(0, 0, 5)},
		{"halo", time.Time{}},
		{"LANJUT", time.Time{}},
	}
	for _, tc := range tests {
		paused := st
		paused.Conversation.PausedUntil = now.AddDate(0, 0, 5)
		if tc.text == "JEDA" || tc.text == "JEDA 30" {
			paused.Conversation.PausedUntil = time.Time{}
		}
		out := Step(paused, Input{Text: tc.text, Channel: WhatsApp, Now: now}, course)
		if got := out.State.Conversation.PausedUntil; !got.Equal(tc.want) {
			t.Errorf("%q: paused until %s, want %s", tc.text, got, tc.want)
		}
		if !tc.want.IsZero() && (!Paused(out.State, tc.want.Add(-time.Hour)) || Paused(out.State, tc.want) || WantsNudge(out.State, false, now) || CanReview(out.State, ReviewHistory{}, now.Add(2*time.Hour))) {
			t.Errorf("%q: reminders not held", tc.text)
		}
	}
}
