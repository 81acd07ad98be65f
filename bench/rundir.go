package main

import (
	"fmt"
	"io"
	"os"
)

// inRunDir gives run a fresh directory that the postgres user can enter
// (the cluster runs as postgres when the tool runs as root), announces it
// with what, and removes it afterwards unless the run failed or keep is
// set, so that a failure's logs and cluster stay to be read.
func inRunDir(stdout io.Writer, name, what string, keep bool, run func(dir string) (bool, error)) error {
	dir, err := os.MkdirTemp("", "pamong-"+name+"-")
	if err != nil {
		return fmt.Errorf("create the run's directory: %w", err)
	}
	if err := os.Chmod(dir, 0o711); err != nil {
		return fmt.Errorf("open the run's directory to the postgres user: %w", err)
	}
	fmt.Fprintf(stdout, "%s; working in %s\n", what, dir)
	passed, err := run(dir)
	if passed && err == nil && !keep {
		os.RemoveAll(dir)
	} else {
		fmt.Fprintf(stdout, "Kept %s (server logs: serve*.log)\n", dir)
	}
	if err != nil {
		return err
	}
	if !passed {
		return errFailed
	}
	return nil
}

// verdict prints the run's problems, or pass when there are none, and
// says whether it passed.
func verdict(w io.Writer, problems []string, pass string) bool {
	if len(problems) > 0 {
		fmt.Fprintln(w, "\nFAIL:")
		for _, pr := range problems {
			fmt.Fprintln(w, "  "+pr)
		}
		return false
	}
	fmt.Fprintln(w, "\nPASS: "+pass)
	return true
}
