package lessons

import (
	"embed"
	"sort"
)

// bundled holds the courses compiled into the binary, so a fresh install
// can teach without any course files on disk. Each subdirectory of
// courses/ is one course.
//
//go:embed courses
var bundled embed.FS

// Bundled loads and checks every course compiled into the binary, sorted by
// id. It loads afresh on each call rather than caching in a global, so
// callers own what they get; an error is of type Problems.
func Bundled() ([]*Course, error) {
	cs, err := newLoader(bundled, func(name string) string { return name }).tree("courses")
	if err != nil {
		return nil, err
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].ID < cs[j].ID })
	return cs, nil
}

// BundledDefault returns the course learners get when none is chosen: the
// first bundled course by id.
func BundledDefault() (*Course, error) {
	cs, err := Bundled()
	if err != nil {
		return nil, err
	}
	// tree reports an empty courses/ as a problem, so cs is never empty here.
	return cs[0], nil
}
