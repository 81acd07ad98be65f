package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/phone"
	"github.com/pamong-desa/pamong/store"
)

func chatCmd(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "chat", "chat [--phone +628123456789] [--channel whatsapp|sms] [--json] [--course PATH]\n\n"+
		"Talks to Pamong as the learner with that phone, through the same engine and database as the server.\n"+
		"Reads one message per line from standard input until EOF (typed or piped) and prints every reply;\n"+
		"with --channel sms each printed block is exactly one SMS as it would be sent. Run it again with the\n"+
		"same phone to resume.\n\n"+
		"With --course (a course other than the one the server serves) or --trial, the conversation runs in a\n"+
		"separate trial database beside the real one (its name ends in _trial), so trying a course never\n"+
		"changes a real learner's data, even with their phone number.")
	number := fs.String("phone", "+6281200000000", "the learner's phone number (0812…, 62812… or +62812…)")
	channel := fs.String("channel", "whatsapp", "whatsapp or sms: how replies are rendered")
	asJSON := fs.Bool("json", false, "print one JSON object per outbound message")
	coursePath := fs.String("course", e.cfg.CoursePath, "a course directory to try instead of the bundled course (in the trial database)")
	trial := fs.Bool("trial", false, "use the trial database even for the served course")
	if err := fs.Parse(args); err != nil {
		return err
	}
	to, err := phone.Normalize(*number)
	if err != nil {
		return fmt.Errorf("--phone: %w", err)
	}
	ch := bot.Channel(*channel)
	if ch != bot.WhatsApp && ch != bot.SMS {
		return fmt.Errorf("--channel %q: want whatsapp or sms", *channel)
	}
	course, err := loadCourse(*coursePath)
	if err != nil {
		return err
	}
	log := newLogger(e)
	db, err := openStore(ctx, e, log)
	if err != nil {
		return err
	}
	defer func() { db.Close() }()
	where := "the real database"
	if *trial || *coursePath != e.cfg.CoursePath {
		tdb, name, err := openTrial(ctx, db, log)
		if err != nil {
			return err
		}
		db.Close()
		db, where = tdb, "the trial database "+name
		fmt.Fprintf(e.stderr, "pamong chat: trying course %q in %s; real learners' data is not touched.\n", course.ID, where)
	}

	interactive := false
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		interactive = true
		fmt.Fprintf(e.stdout, "Pamong chat as %s over %s (course %q, %s). Type a message; Ctrl-D ends.\n", to, ch, course.ID, where)
	}
	sc := bufio.NewScanner(e.stdin)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	session := time.Now().UnixNano()
	for n := 1; ; n++ {
		if interactive {
			fmt.Fprint(e.stdout, "> ")
		}
		if !sc.Scan() {
			break
		}
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		h, err := db.HandleInbound(ctx, store.Inbound{
			Channel: ch, ProviderID: fmt.Sprintf("chat-%d-%d", session, n), Phone: to, Text: text, Terminal: true,
		}, course)
		if err != nil {
			return err
		}
		h.LogEvents(log)
		if err := printReplies(e, h.Replies, *asJSON); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read standard input: %w", err)
	}
	return nil
}

func printReplies(e *env, replies []store.Reply, asJSON bool) error {
	for _, r := range replies {
		if asJSON {
			b, err := json.Marshal(map[string]any{
				"id": r.ID, "channel": r.Channel, "to": r.To, "text": r.Text, "segments": r.Segments, "encoding": r.Encoding,
			})
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, string(b))
			continue
		}
		fmt.Fprintf(e.stdout, "%s\n\n", r.Text)
	}
	return nil
}
