package localpg

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindBinaries(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "usr/lib/postgresql/15/bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	versioned := filepath.Join(dir, "usr/lib/postgresql/*/bin")
	if got, err := findBinaries("", versioned); err != nil || got != bin {
		t.Fatalf("versioned directory: %q, %v", got, err)
	}
	if got, err := findBinaries(bin, filepath.Join(dir, "nothing/*")); err != nil || got != bin {
		t.Fatalf("on PATH: %q, %v", got, err)
	}
	_, err := findBinaries(filepath.Join(dir, "empty"), filepath.Join(dir, "nothing/*"))
	if err == nil || !strings.Contains(err.Error(), "apt-get install postgresql") || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Fatalf("no binaries: %v", err)
	}
}

func TestSocketPathTooLong(t *testing.T) {
	err := checkSocketPath("/tmp/" + strings.Repeat("x", 120))
	if err == nil || !strings.Contains(err.Error(), "too deep for a unix socket") {
		t.Fatalf("long path: %v", err)
	}
}
