package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// JEDA pauses reminders and reviews: someone busy with the village budget
// can say "not now" without opting out of everything. Any message ends the
// pause, since writing shows they are back.

// KeyPause is JEDA ("JEDA 30" for thirty days).
const KeyPause Keyword = "JEDA"

// Pause lengths in days.
const (
	PauseDays    = 7
	PauseMaxDays = 90
)

// parsePause reads "JEDA" or "JEDA n" and returns the days; ok is false
// for other text. A number out of range is returned so it can be refused.
func parsePause(text string) (days int, ok bool) {
	f := strings.Fields(strings.TrimFunc(text, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }))
	if len(f) == 0 || len(f) > 3 || strings.ToUpper(f[0]) != string(KeyPause) {
		return 0, false
	}
	if len(f) == 1 {
		return PauseDays, true
	}
	// "JEDA 30" or "JEDA 30 hari".
	if len(f) == 3 && strings.ToLower(f[2]) != "hari" {
		return 0, false
	}
	n, err := strconv.Atoi(f[1])
	if err != nil {
		return 0, false
	}
	return n, true
}

// Paused tells whether reminders and reviews wait at now.
func Paused(st State, now time.Time) bool {
	return now.Before(st.Conversation.PausedUntil)
}

func keyPause(t *turn) {
	days, _ := parsePause(t.in.Text)
	if days < 1 || days > PauseMaxDays {
		t.text(fmt.Sprintf(msgPauseRange, PauseMaxDays))
		return
	}
	t.st.Conversation.PausedUntil = t.in.Now.AddDate(0, 0, days)
	t.text(fmt.Sprintf(msgPaused, days))
}
