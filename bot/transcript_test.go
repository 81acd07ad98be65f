package bot

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/gsm7"
	"github.com/pamong-desa/pamong/lessons"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata/ from the engine's answers")

// A transcript reads like a chat: "> " lines are the learner, plain lines
// are Pamong (a blank line between messages; a "·" line is a blank line
// inside one WhatsApp message), "# " lines are comments and "@ " lines set
// the scene:
//
//	@ channel sms|whatsapp   the channel of the next messages
//	@ wait 3h                time passes (Go durations, or 30d)
//	@ restart                the state goes through JSON, as through the database
//	@ no regions             no region reference data is imported
//	@ imported NAME | ROLE | VILLAGE   an official an admin imported
//	@ revoke REASON          an admin revokes the learner's certificate
//	@ cek limited            this phone failed too many certificate look-ups
//	@ registered [NAME | ROLE | VILLAGE]   a learner who has just finished
//	                         registering (Siti Aminah, Kaur Keuangan,
//	                         32.04.05.2001 unless named), not yet in the course
//	@ nudge N                the scheduler sends the nudge in wording N
//	@ review QUIZ QUESTION   the scheduler sends a review question
//
// Event lines ("= ...") follow the learner's line that caused them, before
// Pamong's replies.
//
// The test replays the "> " and "@ " lines through the engine and compares
// the whole transcript with the file; -update rewrites the file.
func TestTranscripts(t *testing.T) {
	course := testCourse(t)
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := replay(t, string(src), course)
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != string(src) {
				t.Errorf("transcript differs (run go test ./bot -update and read the diff):\n%s", diff(string(src), got))
			}
		})
	}
}

func testCourse(t testing.TB) *lessons.Course {
	t.Helper()
	c, err := lessons.LoadDir(os.DirFS("testdata"), "course")
	if err != nil {
		t.Fatalf("load test course: %v", err)
	}
	return c
}

func replay(t *testing.T, src string, course *lessons.Course) string {
	var (
		out          strings.Builder
		st           = State{Learner: Learner{Phone: "+6281200000001"}}
		now          = time.Date(2026, 11, 23, 9, 0, 0, 0, time.FixedZone("WIB", 7*3600))
		ch           = WhatsApp
		regionsKnown = true
		certs        = &fakeCertificates{}
	)
	for _, line := range strings.Split(strings.TrimRight(src, "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "# "), line == "#":
			out.WriteString(line + "\n")
		case strings.HasPrefix(line, "@ "):
			out.WriteString(line + "\n")
			cmd := strings.Fields(line[2:])
			switch cmd[0] {
			case "channel":
				ch = Channel(cmd[1])
			case "wait":
				now = now.Add(parseWait(t, cmd[1]))
			case "restart":
				b, err := json.Marshal(st)
				if err != nil {
					t.Fatal(err)
				}
				st = State{}
				if err := json.Unmarshal(b, &st); err != nil {
					t.Fatal(err)
				}
			case "no":
				regionsKnown = false
			case "revoke", "cek":
				certs.directive(t, cmd, now)
			case "imported":
				st.Learner.Name, st.Learner.Role, st.Learner.VillageCode = learnerFields(t, line[len("@ imported "):])
			case "nudge", "review":
				// Bot-initiated messages (nudge.go, review.go): what the
				// scheduler would queue, printed like a reply.
				msgs := scheduled(t, &st, course, cmd, now)
				for _, r := range Render(st.Learner.Channel, msgs) {
					out.WriteString(strings.ReplaceAll(r.Text, "\n\n", "\n·\n") + "\n\n")
				}
			case "registered":
				// The registration dialogue has its own transcripts; the
				// others start where it ends, as the engine leaves a learner
				// after the role step.
				l := &st.Learner
				l.Name, l.Role, l.VillageCode = "Siti Aminah", "Kaur Keuangan", "32.04.05.2001"
				if args := strings.TrimSpace(line[len("@ registered"):]); args != "" {
					l.Name, l.Role, l.VillageCode = learnerFields(t, args)
				}
				l.Registered, l.Channel = true, ch
			default:
				t.Fatalf("unknown directive %q", line)
			}
		case strings.HasPrefix(line, "> "):
			out.WriteString(line + "\n")
			now = now.Add(time.Minute)
			in := Input{Text: line[2:], Channel: ch, Now: now, RegionsKnown: regionsKnown}
			if regionsKnown {
				in.Place, in.Search = fixtureLookup(PlaceLookup(st, in.Text))
			}
			in.Certificate, in.Check = certs.input(st, in.Text, now, course.Title)
			res := Step(st, in, course)
			certs.apply(in, res)
			st = res.State
			for _, e := range res.Events {
				out.WriteString(eventLine(e) + "\n")
			}
			if res.Channel != ch && len(res.Messages) > 0 {
				out.WriteString("(replies by " + string(res.Channel) + ")\n")
			}
			for _, r := range Render(res.Channel, res.Messages) {
				if res.Channel == SMS {
					if n, enc := gsm7.Segments(r.Text); n != 1 || enc != gsm7.GSM7 {
						t.Errorf("after %q: SMS of %d %s segments: %q", line, n, enc, r.Text)
					}
				}
				out.WriteString(strings.ReplaceAll(r.Text, "\n\n", "\n·\n") + "\n" + attachments(r) + "\n")
			}
		}
	}
	return strings.TrimRight(out.String(), "\n") + "\n"
}

// scheduled runs the scheduler's part of the engine for a nudge or review
// directive.
func scheduled(t *testing.T, st *State, course *lessons.Course, cmd []string, now time.Time) []Message {
	t.Helper()
	switch {
	case cmd[0] == "nudge" && len(cmd) == 2:
		var n int
		if _, err := fmt.Sscan(cmd[1], &n); err != nil {
			t.Fatalf("nudge %q: %v", cmd[1], err)
		}
		if !WantsNudge(*st, false, now) {
			t.Fatalf("nudge to a learner nudges are not for")
		}
		return []Message{Nudge(*st, course, n)}
	case cmd[0] == "review" && len(cmd) == 3:
		if !CanReview(*st, ReviewHistory{}, now) {
			t.Fatalf("review sent when it must not be")
		}
		next, m, ok := AskReview(*st, course, cmd[1], cmd[2], now)
		if !ok {
			t.Fatalf("no question %s in quiz %s", cmd[2], cmd[1])
		}
		*st = next
		return []Message{m}
	}
	t.Fatalf("bad directive %q", cmd)
	return nil
}

// learnerFields reads "NAME | ROLE | VILLAGE".
func learnerFields(t *testing.T, s string) (name, role, village string) {
	t.Helper()
	f := strings.Split(s, "|")
	if len(f) != 3 {
		t.Fatalf("want NAME | ROLE | VILLAGE, got %q", s)
	}
	return strings.TrimSpace(f[0]), strings.TrimSpace(f[1]), strings.TrimSpace(f[2])
}

// eventLine shows what the store would record, so a transcript proves that
// an answer was scored once.
func eventLine(e Event) string {
	switch e := e.(type) {
	case AnswerRecorded:
		verdict := "wrong"
		if e.Correct {
			verdict = "right"
		}
		return fmt.Sprintf("= answer %s %s attempt %d: %d, %s", e.QuizID, e.QuestionID, e.Attempt, e.Choice, verdict)
	case Registered:
		return "= registered"
	case OptedOut:
		return "= opted out"
	case OptedIn:
		return "= opted in"
	case CourseCompleted:
		return fmt.Sprintf("= course %s completed, post-test %d", e.CourseID, e.Score)
	case LearnerQuestion:
		if e.QuestionID == "" {
			return fmt.Sprintf("= question for the admins (%s): %q", e.Context, e.Text)
		}
		return fmt.Sprintf("= question for the admins, at %s %s (%s): %q", e.QuizID, e.QuestionID, e.Context, e.Text)
	case RegionsMissing:
		return "= warning: no regions imported, accepted " + e.Code
	case ReviewAnswered:
		verdict := "wrong"
		if e.Correct {
			verdict = "right"
		}
		return fmt.Sprintf("= review %s %s: %d, %s", e.QuizID, e.QuestionID, e.Choice, verdict)
	case CertificateIssued:
		return "= certificate " + e.Code + " issued for " + e.CourseID
	}
	return fmt.Sprintf("= %T", e)
}

func parseWait(t *testing.T, s string) time.Duration {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscan(days, &n); err != nil {
			t.Fatalf("wait %q: %v", s, err)
		}
		return time.Duration(n) * 24 * time.Hour
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatalf("wait %q: %v", s, err)
	}
	return d
}

// diff shows the first lines where want and got part.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  file:   %q\n  engine: %q", i+1, wl, gl)
		}
	}
	return ""
}
