package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/pamong-desa/pamong/admin"
	"github.com/pamong-desa/pamong/store"
)

const announceSynopsis = `announce --text TEXT | --text-file FILE [--region CODE]... [--role ROLE]... [--status STATUS]...
                [--channel whatsapp|sms] [--send-at TIME] [--spill-to-sms] [--scope CODE] [--dry-run] [--json]
       pamong announce status ID [--json]
       pamong announce cancel ID
       pamong announce list

Sends an announcement to the officials who match every filter given (each filter may be repeated or
comma-separated: --role Kades,Sekdes): regions are code prefixes, roles names or abbreviations, status
not_started, in_progress or completed (the course), channel the learner's preferred one. Opted-out
officials never get it. Each message leaves only between 08:00 and 20:00 in the official's time zone
(WIB, WITA, WIT), after replies to learners. WhatsApp carries bot-initiated messages at most
PAMONG_WHATSAPP_BULK_PER_HOUR an hour: beyond that they wait for WhatsApp, unless --spill-to-sms sends
them by SMS instead (paid). --dry-run shows recipients, how each is reached here (no paired WhatsApp
device: all by SMS), how long the WhatsApp part takes, the SMS rendering and the estimated SMS cost
(PAMONG_SMS_PRICE rupiah per segment) and sends nothing. status shows where the
messages are, live; cancel stops what has not left yet.`

func announceCmd(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "announce", announceSynopsis)
	text := fs.String("text", "", "the announcement")
	textFile := fs.String("text-file", "", "read the announcement from this file (- for standard input)")
	var regions, roles, statuses, channels listFlag
	fs.Var(&regions, "region", "region code prefix to reach (repeatable)")
	fs.Var(&roles, "role", "role to reach, e.g. \"Kepala Desa\" or Kades (repeatable)")
	fs.Var(&statuses, "status", "course status: not_started, in_progress or completed (repeatable)")
	fs.Var(&channels, "channel", "whatsapp or sms (repeatable)")
	sendAt := fs.String("send-at", "", "the earliest time to send, RFC 3339, e.g. 2025-03-17T08:00:00+08:00")
	spill := fs.Bool("spill-to-sms", false, "send by SMS what WhatsApp's hourly cap cannot carry, instead of waiting for it")
	scope := fs.String("scope", "", "act as an admin of this region (default: national)")
	dryRun := fs.Bool("dry-run", false, "preview only: send nothing")
	asJSON := fs.Bool("json", false, "print the result as JSON (as the API returns it)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	who, err := operator(*scope)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return announceCommand(ctx, e, fs.Usage, who, pos, *asJSON)
	}
	c := admin.Compose{Text: *text, Filter: admin.Filter{Regions: regions, Roles: roles, Status: statuses, Channels: channels}}
	if *spill {
		c.OverCap = admin.OverCapSpill
	}
	if *textFile != "" {
		if c.Text != "" {
			return errors.New("announce: give --text or --text-file, not both")
		}
		if c.Text, err = readText(e, *textFile); err != nil {
			return err
		}
	}
	if *sendAt != "" {
		t, err := time.Parse(time.RFC3339, *sendAt)
		if err != nil {
			return fmt.Errorf("--send-at %q: want RFC 3339 with a zone, like 2025-03-17T08:00:00+08:00", *sendAt)
		}
		c.SendAt = &t
	}
	svc, db, err := adminService(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	if *dryRun {
		p, err := svc.Preview(ctx, who, c)
		if err != nil {
			return fmt.Errorf("announce: %w", err)
		}
		if *asJSON {
			return printJSON(e.stdout, p)
		}
		printPreview(e.stdout, p)
		fmt.Fprintln(e.stdout, "Nothing sent (--dry-run).")
		return nil
	}
	sent, err := svc.Send(ctx, who, c)
	if err != nil {
		return fmt.Errorf("announce: %w", err)
	}
	if *asJSON {
		return printJSON(e.stdout, sent)
	}
	printPreview(e.stdout, sent.Preview)
	fmt.Fprintf(e.stdout, "Announcement %d queued: %d messages. Follow it with 'pamong announce status %d'.\n", sent.ID, sent.Messages, sent.ID)
	return nil
}

// announceCommand runs status, cancel and list.
func announceCommand(ctx context.Context, e *env, usage func(), who store.Admin, pos []string, asJSON bool) error {
	sub := pos[0]
	var id int64
	switch {
	case sub == "list" && len(pos) == 1:
	case (sub == "status" || sub == "cancel") && len(pos) == 2:
		var err error
		if id, err = strconv.ParseInt(pos[1], 10, 64); err != nil {
			return fmt.Errorf("announce %s: %q is not an announcement ID", sub, pos[1])
		}
	default:
		usage()
		return errors.New("announce: want flags to compose one, or status ID, cancel ID, list")
	}
	svc, db, err := adminService(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	switch sub {
	case "status":
		st, err := svc.Status(ctx, who, id)
		if err != nil {
			return fmt.Errorf("announce status: %w", err)
		}
		if asJSON {
			return printJSON(e.stdout, st)
		}
		printStatus(e.stdout, st)
	case "cancel":
		n, st, err := svc.Cancel(ctx, who, id)
		if err != nil {
			return fmt.Errorf("announce cancel: %w", err)
		}
		fmt.Fprintf(e.stdout, "Announcement %d cancelled: %d messages that had not left will not be sent.\n", id, n)
		printStatus(e.stdout, st)
	case "list":
		as, err := svc.Announcements(ctx, who, 50)
		if err != nil {
			return err
		}
		if asJSON {
			return printJSON(e.stdout, as)
		}
		for _, a := range as {
			fmt.Fprintf(e.stdout, "%d\t%s\t%s\t%d recipients\t%.60q\n", a.ID, a.CreatedAt.Format("2006-01-02 15:04"), admin.ScopeName(a.Scope), a.Recipients, a.Text)
		}
	}
	return nil
}

func readText(e *env, path string) (string, error) {
	var r io.Reader = e.stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return "", fmt.Errorf("--text-file: %w", err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, 64<<10))
	if err != nil {
		return "", fmt.Errorf("--text-file: %w", err)
	}
	return string(b), nil
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func printPreview(w io.Writer, p admin.Preview) {
	fmt.Fprintf(w, "Recipients: %d (WhatsApp %d, SMS %d); %d opted out, not included.\n", p.Recipients, p.WhatsApp, p.SMS, p.OptedOut)
	switch d := p.Deployment; {
	case !d.WhatsApp && p.WhatsApp > 0:
		fmt.Fprintf(w, "No WhatsApp device is paired: all %d go by SMS.\n", p.BySMS)
	case d.WhatsApp && d.WhatsAppPerHour <= 0 && p.WhatsApp > 0:
		fmt.Fprintf(w, "WhatsApp carries no bot-initiated messages (PAMONG_WHATSAPP_BULK_PER_HOUR=0): all %d go by SMS.\n", p.BySMS)
	default:
		fmt.Fprintf(w, "Reached by WhatsApp %d, by SMS %d", p.ByWhatsApp, p.BySMS)
		if p.SpilledToSMS > 0 {
			fmt.Fprintf(w, " (%d beyond WhatsApp's hourly cap, --spill-to-sms)", p.SpilledToSMS)
		}
		fmt.Fprintln(w, ".")
	}
	if p.WhatsAppTime != "" {
		fmt.Fprintf(w, "WhatsApp: %s.\n", p.WhatsAppTime)
	}
	if p.Unreachable > 0 {
		fmt.Fprintf(w, "Unreachable: %d prefer SMS and no SMS gateway is configured.\n", p.Unreachable)
	}
	if p.HeldForQuietHours > 0 {
		fmt.Fprintf(w, "Held for quiet hours: %d (sent from 08:00 in their time zone).\n", p.HeldForQuietHours)
	}
	fmt.Fprintf(w, "SMS, %d per recipient, each one GSM-7 segment:\n", len(p.SMSParts))
	for _, s := range p.SMSParts {
		fmt.Fprintf(w, "  | %s\n", s)
	}
	fmt.Fprintf(w, "SMS segments: %d × %s = %s (estimated).\n", p.SMSSegments, admin.Rupiah(p.SMSPrice), admin.Rupiah(p.EstimatedCost))
}

func printStatus(w io.Writer, st admin.Status) {
	fmt.Fprintf(w, "Announcement %d, scope %s, by %s, %s", st.ID, admin.ScopeName(st.Scope), st.Admin, st.CreatedAt.Format(time.RFC3339))
	if st.CancelledAt != nil {
		fmt.Fprintf(w, ", cancelled %s", st.CancelledAt.Format(time.RFC3339))
	}
	fmt.Fprintf(w, "\n%d recipients, %d messages, %d opted out not included\n", st.Recipients, st.Messages, st.OptedOut)
	fmt.Fprintf(w, "queued %d (held for quiet hours or WhatsApp capacity %d, waiting to retry %d), sent %d, delivered %d (read %d), failed %d, cancelled %d, fell back to SMS %d\n",
		st.Queued, st.Held, st.Retrying, st.Sent, st.Delivered, st.Read, st.Failed, st.Cancelled, st.FellBackToSMS)
	if f := st.SMSFallback; f != (admin.Status{}).SMSFallback {
		fmt.Fprintf(w, "SMS fallback: queued %d, sent %d, delivered %d, failed %d, cancelled %d\n", f.Queued, f.Sent, f.Delivered, f.Failed, f.Cancelled)
	}
}
