package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/pamong-desa/pamong/internal/faketwilio"
)

// fakeOwner lets faketwilio.New, written for tests, run inside this
// program: it only calls Helper, Cleanup and (if the system has no
// randomness) Fatalf. Any other testing.TB method would panic on the nil
// embedded interface, which is why the fake is kept to those three.
type fakeOwner struct {
	testing.TB
	cleanups []func()
}

func (o *fakeOwner) Helper()          {}
func (o *fakeOwner) Cleanup(f func()) { o.cleanups = append(o.cleanups, f) }
func (o *fakeOwner) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: fake Twilio: "+format+"\n", args...)
	os.Exit(1)
}

// close runs the cleanups in reverse order, as testing does.
func (o *fakeOwner) close() {
	for i := len(o.cleanups) - 1; i >= 0; i-- {
		o.cleanups[i]()
	}
}

// startFakeTwilio starts the project's fake Twilio on loopback; stop it
// with the returned function.
func startFakeTwilio(accountSID, authToken string) (*faketwilio.Server, func()) {
	o := &fakeOwner{}
	return faketwilio.New(o, accountSID, authToken), o.close
}
