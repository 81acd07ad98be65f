package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Trying an edited copy of the bundled course (same course id) with a real
// learner's phone runs in the trial database: the learner's real progress
// does not move, and the trial remembers its own.
func TestChatCourseTrialNeverTouchesRealLearners(t *testing.T) {
	p := privateCluster(t)
	const phone = "+6281200000777"
	// A real learner registers and answers the whole pretest. ("ya"
	// confirms the village when regions are known, and is a reply the role
	// step refuses when they are not: the script works either way.)
	p.ok("halo\nSiti Aminah\n3204052001\nya\n3\n"+strings.Repeat("1\n", 5), "chat", "--phone", phone)
	before := p.ok("MENU\n", "chat", "--phone", phone)
	if !strings.Contains(before, "Posisi Anda:") {
		t.Fatalf("real learner not registered:\n%s", before)
	}

	course := editedCourse(t)
	r := p.run("halo\nSiti Trial\n3204052001\nya\n1\n", "chat", "--phone", phone, "--course", course)
	if r.code != 0 {
		t.Fatalf("trial: exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "trial database pamong_trial") {
		t.Errorf("trial does not say where it runs: %s", r.stderr)
	}
	// A stranger to the trial database: asked for a name, as a newcomer.
	if !strings.Contains(r.stdout, "Siapa nama lengkap Anda?") || !strings.Contains(r.stdout, "Kursus Percobaan") {
		t.Fatalf("trial did not start afresh in the edited course:\n%s", r.stdout)
	}
	if again := p.ok("MENU\n", "chat", "--phone", phone, "--course", course); !strings.Contains(again, "Kursus Percobaan") || !strings.Contains(again, "Posisi Anda:") {
		t.Fatalf("trial did not resume in the trial database:\n%s", again)
	}

	after := p.ok("MENU\n", "chat", "--phone", phone)
	if after != before || strings.Contains(after, "Siti Trial") {
		t.Fatalf("the real learner changed:\nbefore: %s\nafter:  %s", before, after)
	}
	if r := p.run("MENU\n", "chat", "--phone", phone, "--trial"); r.code != 0 || strings.Contains(r.stdout, "Siti Aminah") {
		t.Fatalf("--trial used the real database: exit %d\n%s", r.code, r.stdout)
	}
}

// editedCourse copies the bundled course with a new title and the same id.
func editedCourse(t *testing.T) string {
	t.Helper()
	src := "../../lessons/courses/dasar-pamong"
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == "course.yaml" {
			b = []byte(replaceTitle(t, string(b)))
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func replaceTitle(t *testing.T, yaml string) string {
	for _, line := range strings.Split(yaml, "\n") {
		if strings.HasPrefix(line, "title:") {
			return strings.Replace(yaml, line, "title: Kursus Percobaan", 1)
		}
	}
	t.Fatal("bundled course.yaml has no title line")
	return ""
}
