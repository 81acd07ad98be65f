package bot

import (
	"testing"

	"github.com/pamong-desa/pamong/lessons"
)

func TestParseMaterial(t *testing.T) {
	tests := []struct {
		in     string
		lesson int
		ok     bool
	}{
		{"MATERI", 0, true}, {"baca", 0, true}, {"Baca lagi materi", 0, true}, {"materi!", 0, true},
		{"MATERI 2", 2, true}, {"baca pelajaran dua", 2, true}, {"materi no. 3", 3, true},
		{"materi 2 3", 0, false}, {"baca buku", 0, false}, {"materinya susah", 0, false}, {"2", 0, false},
	}
	for _, tt := range tests {
		n, ok := parseMaterial(tt.in)
		if n != tt.lesson || ok != tt.ok {
			t.Errorf("parseMaterial(%q) = %d, %v; want %d, %v", tt.in, n, ok, tt.lesson, tt.ok)
		}
		if kw := ParseKeyword(tt.in); (kw == KeyMaterial) != tt.ok {
			t.Errorf("ParseKeyword(%q) = %q", tt.in, kw)
		}
	}
}

// The bundled course does not say which lesson teaches each post-test
// question; the engine finds it from the words they share. If an edit of
// the course moves a question's topic, update the table.
func TestPosttestQuestionsFindTheirLesson(t *testing.T) {
	c, err := lessons.BundledDefault()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"post-1": "l1-uu-desa", "post-2": "l2-bpd-musdes", "post-3": "l3-sotk",
		"post-4": "l5-apbdes", "post-5": "l6-pengelola-keuangan",
	}
	for _, q := range c.Posttest {
		got, ok := lessonOf(c, q)
		if !ok || (want[q.ID] != "" && got != want[q.ID]) {
			t.Errorf("post-test %s (%q) is taught by %q, %v; want %q", q.ID, q.Prompt, got, ok, want[q.ID])
		}
	}
	if got := reviewLessons(c, []string{"post-5", "post-1", "post-2", "post-1"}); len(got) != 3 ||
		got[0] != "l1-uu-desa" || got[1] != "l2-bpd-musdes" || got[2] != "l6-pengelola-keuangan" {
		t.Errorf("review after wrong post-5, post-1, post-2 = %q; want the three lessons once each, in course order", got)
	}
}

// A question that shares no distinctive word with any lesson names none,
// rather than a guess.
func TestPosttestQuestionWithoutALesson(t *testing.T) {
	c := testCourse(t)
	q := lessons.Question{ID: "x", Prompt: "Kapan pemilu?", Options: []string{"2029", "2030"}, Answer: 1, Explanation: "Lima tahun sekali."}
	if l, ok := lessonOf(c, q); ok {
		t.Errorf("lessonOf = %q; want none", l)
	}
}
