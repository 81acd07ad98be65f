package main

import (
	"context"
	"errors"
	"fmt"

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
		fmt.Fprintf(e.stderr, "%s: %d problems\n", where, len(problems))
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
		fmt.Fprintf(e.stdout, "%s: ok (%q: %d modules, %d lessons, %d questions)\n", c.ID, c.Title, len(c.Modules), len(c.Lessons()), q)
	}
	return nil
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
