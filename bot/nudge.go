package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/pamong-desa/pamong/lessons"
)

// Nudges for learners who stall. Too many messages make people opt out and
// get a WhatsApp number banned, so they are few: after 2 days of silence,
// after 7, then weekly, and never more than three unanswered in a row (two
// for someone who never started).

// Nudge limits.
const (
	// NudgeMax is how many nudges in a row may go unanswered.
	NudgeMax = 3
	// NudgeMaxNeverStarted is the limit for an official who was imported
	// and never wrote.
	NudgeMaxNeverStarted = 2
)

// NudgeIdleDays are the days of silence before the first and second nudge.
var NudgeIdleDays = [...]int{2, 7}

// NudgeEveryDays is the gap between later nudges.
const NudgeEveryDays = 7

// NudgeHistory is what was sent since the learner last wrote.
type NudgeHistory struct {
	// Sent counts nudges since the learner last wrote.
	Sent int
	// Last is when the last of them was sent.
	Last time.Time
	// LastVariant is the wording of the last nudge ever sent (1..), 0 for
	// none; the next one uses another.
	LastVariant int
}

// NudgeDue tells when the next nudge is due for a learner whose course is
// unfinished and who has been silent since idleSince (their last message,
// or when they were imported), or ok false when no more nudge may go.
func NudgeDue(started bool, idleSince time.Time, h NudgeHistory) (due time.Time, ok bool) {
	limit := NudgeMax
	if !started {
		limit = NudgeMaxNeverStarted
	}
	switch {
	case h.Sent >= limit:
		return time.Time{}, false
	case h.Sent == 0:
		return idleSince.AddDate(0, 0, NudgeIdleDays[0]), true
	case h.Sent < len(NudgeIdleDays):
		// Never closer to the last nudge than the schedule's own gap: a
		// first nudge held back (by JEDA, by a review that day) does not
		// pull the second one next to it.
		due = idleSince.AddDate(0, 0, NudgeIdleDays[h.Sent])
		gap := h.Last.AddDate(0, 0, NudgeIdleDays[h.Sent]-NudgeIdleDays[h.Sent-1])
		if gap.After(due) {
			due = gap
		}
		return due, true
	}
	return h.Last.AddDate(0, 0, NudgeEveryDays), true
}

// WantsNudge tells whether the state is one nudges are for: registered
// (or imported by an admin, who registers them), reachable, not paused,
// course unfinished.
func WantsNudge(st State, imported bool, now time.Time) bool {
	return (st.Learner.Registered || imported) && !st.Learner.OptedOut && !Paused(st, now) &&
		(st.Progress == nil || !st.Progress.Completed)
}

// nudgeVariants are the wordings of a nudge to someone under way; %s are
// the first name and where they are. Each fits one SMS with a long name.
var nudgeVariants = []string{
	"Bapak/Ibu %s, Anda sedang di %s. Cukup beberapa menit untuk meneruskan. Balas LANJUT.",
	"Bapak/Ibu %s, pelajaran Anda menunggu: %s. Balas LANJUT untuk meneruskan, atau JEDA untuk istirahat 7 hari.",
	"Salam dari Pamong, Bapak/Ibu %s. Posisi belajar Anda: %s. Balas LANJUT kapan saja untuk meneruskan.",
}

// startVariants are the wordings for someone who never started; %s is the
// first name, %d the number of lessons.
var startVariants = []string{
	"Bapak/Ibu %s, Anda sudah terdaftar di Pamong: %d pelajaran singkat tentang tata kelola desa, lewat pesan. Balas LANJUT untuk mulai.",
	"Salam dari Pamong, Bapak/Ibu %s. Kursus %d pelajaran untuk perangkat desa menunggu Anda. Balas LANJUT untuk mulai, BERHENTI bila tidak berminat.",
	"Bapak/Ibu %s, belajar di Pamong cukup beberapa menit sehari: %d pelajaran singkat. Balas LANJUT untuk mulai.",
}

// NudgeVariants is how many wordings each kind of nudge has.
func NudgeVariants() int { return min(len(nudgeVariants), len(startVariants)) }

// NextVariant is the wording after last (0: none yet): they take turns,
// so the same one never comes twice in a row.
func NextVariant(last int) int { return last%NudgeVariants() + 1 }

// Nudge is the message that reminds a stalled learner where they are, in
// wording variant (1..NudgeVariants()).
func Nudge(st State, course *lessons.Course, variant int) Message {
	t := &turn{st: st, course: course}
	name := firstName(st.Learner.Name)
	i := (variant - 1) % NudgeVariants()
	if i < 0 {
		i = 0
	}
	if st.Progress == nil {
		return Message{Kind: KindText, Text: fmt.Sprintf(startVariants[i], name, len(course.Lessons()))}
	}
	return Message{Kind: KindText, Text: fmt.Sprintf(nudgeVariants[i], name, t.nudgeWhere())}
}

// nudgeWhere is where() worded to follow "Anda sedang di": between lessons
// and after a failed post-test it names the end they reached.
func (t *turn) nudgeWhere() string {
	switch t.st.Conversation.Stage {
	case StageLessonEnd:
		_, li, _ := t.course.Lesson(t.st.Progress.LessonID)
		return fmt.Sprintf("akhir Pelajaran %d dari %d", li+1, len(t.course.Lessons()))
	case StageCourseEnd:
		return "akhir kursus, post-test belum lulus"
	}
	return t.where()
}

// firstName is how a nudge addresses someone: the first word of the name,
// cut so that the message stays one SMS.
func firstName(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 {
		return "perangkat desa"
	}
	r := []rune(f[0])
	if len(r) > 15 {
		r = r[:15]
	}
	return string(r)
}

// Reminder hours, local time: bot-initiated messages leave only by day.
const (
	DayStartHour   = 8
	DayEndHour     = 20
	DefaultHour    = 9
	noUsualHourYet = -1
)

// SendHour is the local hour a bot-initiated message is sent at: the hour
// the learner usually writes, when known and inside the day window, else
// 09:00.
func SendHour(usualHour int) int {
	if usualHour >= DayStartHour && usualHour < DayEndHour {
		return usualHour
	}
	return DefaultHour
}

// LocalSlot is the moment of today's bot-initiated message for a learner
// whose zone is offset east of UTC: the local day of now, at SendHour.
func LocalSlot(now time.Time, offset time.Duration, usualHour int) time.Time {
	loc := time.FixedZone("", int(offset/time.Second))
	l := now.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), SendHour(usualHour), 0, 0, 0, loc)
}

// InDay tells whether now is inside 08:00–20:00 in the zone offset east of
// UTC.
func InDay(now time.Time, offset time.Duration) bool {
	h := now.In(time.FixedZone("", int(offset/time.Second))).Hour()
	return h >= DayStartHour && h < DayEndHour
}
