package bot

import (
	"fmt"
	"strings"

	"github.com/pamong-desa/pamong/gsm7"
)

// MaxWhatsAppChars is how long one WhatsApp message may grow when several
// short messages are joined: long enough for a lesson's cards, short enough
// to read on a small screen without losing one's place.
const MaxWhatsAppChars = 1000

// Rendered is one message as it goes out on a channel, with the messages it
// was made from (kept to render them again for another channel).
type Rendered struct {
	Text    string
	Content []Message
}

// Segments tells how many SMS segments text needs and in which encoding
// (gsm7.GSM7 or gsm7.UCS2); on SMS Pamong only ever sends (1, GSM-7).
func Segments(text string) (n int, encoding string) { return gsm7.Segments(text) }

// Render lays messages out for a channel. WhatsApp: *bold* titles, numbered
// options on their own lines, consecutive messages joined up to
// MaxWhatsAppChars. SMS: every output is exactly one GSM-7 segment —
// transliterated, compact, and long texts cut into parts marked (1/3).
func Render(ch Channel, msgs []Message) []Rendered {
	if ch == SMS {
		return renderSMS(msgs)
	}
	return renderWhatsApp(msgs)
}

func renderWhatsApp(msgs []Message) []Rendered {
	var out []Rendered
	for _, m := range msgs {
		text := whatsAppText(m)
		if n := len(out); n > 0 && len([]rune(out[n-1].Text))+2+len([]rune(text)) <= MaxWhatsAppChars {
			out[n-1].Text += "\n\n" + text
			out[n-1].Content = append(out[n-1].Content, m)
			continue
		}
		out = append(out, Rendered{Text: text, Content: []Message{m}})
	}
	return out
}

func whatsAppText(m Message) string {
	var b strings.Builder
	if m.Title != "" {
		fmt.Fprintf(&b, "*%s*", m.Title)
		if m.Text != "" {
			b.WriteString("\n")
		}
	}
	b.WriteString(m.Text)
	for i, o := range m.Options {
		fmt.Fprintf(&b, "\n%d. %s", i+1, o)
	}
	if m.Footer != "" {
		b.WriteString("\n" + m.Footer)
	}
	return b.String()
}

func renderSMS(msgs []Message) []Rendered {
	var out []Rendered
	for _, m := range msgs {
		for _, part := range smsParts(m) {
			out = append(out, Rendered{Text: part, Content: []Message{m}})
		}
	}
	return out
}

// smsParts renders one message as single-segment SMS texts. A question is
// one SMS whenever it can be: "2/4 Siapa...? 1)Camat 2)BPD 3)Bupati Balas
// 1-3", losing the footer first if that is what it takes.
func smsParts(m Message) []string {
	title := m.Title
	if m.SMSTitle != "" {
		title = m.SMSTitle
	}
	text := m.Text
	if m.SMS != "" {
		text = m.SMS
	}
	head := text
	if title != "" {
		sep := " "
		if !strings.HasSuffix(title, ".") && !strings.HasSuffix(title, "!") && !strings.HasSuffix(title, "?") && text != "" {
			sep = ": "
		}
		head = strings.TrimSpace(title + sep + text)
	}
	if len(m.Options) == 0 {
		return gsm7.Split(head)
	}
	options := m.Options
	if len(m.SMSOptions) == len(m.Options) {
		options = m.SMSOptions
	}
	var opts strings.Builder
	for i, o := range options {
		fmt.Fprintf(&opts, " %d)%s", i+1, o)
	}
	for _, candidate := range []string{
		head + opts.String() + " " + m.Footer,
		head + opts.String(),
	} {
		c := gsm7.Transliterate(strings.TrimSpace(candidate))
		if n, ok := gsm7.Septets(c); ok && n <= gsm7.MaxSeptets {
			return []string{c}
		}
	}
	// Too long for one SMS even compact: the prompt, then the options.
	return append(gsm7.Split(head), gsm7.Split(strings.TrimSpace(opts.String())+" "+m.Footer)...)
}
