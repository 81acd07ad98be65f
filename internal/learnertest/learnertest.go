// Package learnertest drives learners through the real store for tests:
// registration and a whole course, so that tests of what comes after (a
// certificate, its pages, its revocation) start from the real thing.
package learnertest

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/certificate"
	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/store"
)

// Say sends one message by channel and fails the test on error.
func Say(t testing.TB, db *store.DB, course *lessons.Course, ch bot.Channel, phone, id, text string) store.Handled {
	t.Helper()
	h, err := db.HandleInbound(context.Background(), store.Inbound{Channel: ch, Provider: "test", ProviderID: id, Phone: phone, Text: text}, course)
	if err != nil {
		t.Fatalf("%s %q: %v", phone, text, err)
	}
	return h
}

// Register registers a learner as name in a village (which the regions
// must hold), as Kaur Keuangan.
func Register(t testing.TB, db *store.DB, course *lessons.Course, ch bot.Channel, phone, name, village string) {
	t.Helper()
	for i, text := range []string{"halo", name, village, "1", "3"} {
		Say(t, db, course, ch, phone, fmt.Sprintf("%s-reg-%d", phone, i), text)
	}
}

// PassCourse takes a registered learner through the pretest (all right),
// every lesson and the post-test with wrongPost answers wrong, and returns
// what the last answer got.
func PassCourse(t testing.TB, db *store.DB, course *lessons.Course, ch bot.Channel, phone string, wrongPost int) store.Handled {
	t.Helper()
	n := 0
	send := func(text string) store.Handled {
		n++
		return Say(t, db, course, ch, phone, fmt.Sprintf("%s-pass-%d", phone, n), text)
	}
	answer := func(q lessons.Question, right bool) store.Handled {
		choice := q.Answer
		if !right {
			choice = q.Answer%len(q.Options) + 1
		}
		return send(strconv.Itoa(choice))
	}
	for _, q := range course.Pretest {
		answer(q, true)
	}
	for _, l := range course.Lessons() {
		for _, q := range l.Quiz {
			answer(q, true)
		}
		send("1")
	}
	var h store.Handled
	for i, q := range course.Posttest {
		h = answer(q, i >= wrongPost)
	}
	return h
}

// CodeInText finds a printed certificate code.
var CodeInText = regexp.MustCompile(`PMG-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}`)

// Certified registers a learner in a village, passes the course and
// returns the code of the certificate the pass brought.
func Certified(t testing.TB, db *store.DB, course *lessons.Course, phone, name, village string) certificate.Code {
	t.Helper()
	Register(t, db, course, bot.WhatsApp, phone, name, village)
	h := PassCourse(t, db, course, bot.WhatsApp, phone, 0)
	for _, r := range h.Replies {
		if s := CodeInText.FindString(r.Text); s != "" {
			code, err := certificate.Parse(s)
			if err != nil {
				t.Fatalf("the pass brought code %q: %v", s, err)
			}
			return code
		}
	}
	t.Fatalf("the pass brought no certificate code: %+v", h.Replies)
	return ""
}
