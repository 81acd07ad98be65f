package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/lessons"
)

func lessonsCmd(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "lessons", "lessons check [PATH]\n\nValidates course files and prints every problem as file:line: message (exit status 1 on any).\nPATH is a course directory, a directory of courses, or a course.yaml; default: the bundled courses.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.Arg(0) != "check" || fs.NArg() > 2 {
		fs.Usage()
		return fmt.Errorf("lessons: want 'lessons check [PATH]'")
	}
	var (
		courses []*lessons.Course
		err     error
		where   = "bundled courses"
	)
	if path := fs.Arg(1); path != "" {
		courses, err = lessons.Load(path)
		where = path
	} else {
		courses, err = lessons.Bundled()
	}
	var problems lessons.Problems
	if errors.As(err, &problems) {
		for _, p := range problems {
			fmt.Fprintln(e.stdout, p)
		}
		fmt.Fprintf(e.stderr, "%s: %s\n", where, plural(len(problems), "problem"))
		return errFailed
	}
	if err != nil {
		return err
	}
	for _, c := range courses {
		q := len(c.Pretest) + len(c.Posttest)
		for _, l := range c.Lessons() {
			q += len(l.Quiz)
		}
		fmt.Fprintf(e.stdout, "%s: ok (%q: %s, %s, %s)\n", c.ID, c.Title,
			plural(len(c.Modules), "module"), plural(len(c.Lessons()), "lesson"), plural(q, "question"))
		if err := smsCost(e, c); err != nil {
			return err
		}
	}
	return nil
}

// smsCost prints what each lesson costs on SMS, as the engine and the
// renderer send it, because that is what the programme pays per learner:
// the cards, then the quiz with every answer right.
func smsCost(e *env, c *lessons.Course) error {
	total := 0
	for i, l := range c.Lessons() {
		sent, err := bot.PlayLesson(c, i, bot.SMS, -1)
		if err != nil {
			return fmt.Errorf("count SMS of %s: %w", c.ID, err)
		}
		// The cards are what is sent before the first question. Only the
		// first SMS of a cut message carries its content, so parts are
		// counted by position, not by what they carry.
		cards := len(sent)
	find:
		for j, r := range sent {
			for _, m := range r.Content {
				if m.Kind == bot.KindQuestion {
					cards = j
					break find
				}
			}
		}
		total += len(sent)
		fmt.Fprintf(e.stdout, "  lesson %s: %s of cards, %s for its quiz with every answer right\n",
			l.ID, plural(cards, "SMS"), plural(len(sent)-cards, "SMS"))
	}
	fmt.Fprintf(e.stdout, "  all lessons: %s\n", plural(total, "SMS"))
	return nil
}

// plural is "1 problem", "2 problems"; "SMS" is the same in both.
func plural(n int, noun string) string {
	if n == 1 || noun == "SMS" {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// loadCourse returns the course the conversation runs: the one at path, or
// the bundled default.
func loadCourse(path string) (*lessons.Course, error) {
	if path == "" {
		return lessons.BundledDefault()
	}
	courses, err := lessons.Load(path)
	if err != nil {
		return nil, fmt.Errorf("load course %s: %w", path, err)
	}
	if len(courses) != 1 {
		return nil, fmt.Errorf("load course %s: found %d courses; point at one course directory", path, len(courses))
	}
	return courses[0], nil
}
