package bot

import (
	"fmt"
	"strings"

	"github.com/pamong-desa/pamong/gsm7"
)

// MaxWhatsAppChars is how long one WhatsApp message may grow when short
// messages (feedback, the next question) are joined: about one phone
// screen. A card is never joined to anything, so that each card of a lesson
// arrives as one message a learner can read without losing their place.
const MaxWhatsAppChars = 400

// Rendered is one message as it goes out on a channel, with the messages it
// was made from (kept to render them again for another channel). When
// messages are cut into several SMS, the first carries them and the others
// none.
type Rendered struct {
	Text    string
	Content []Message
}

// Segments tells how many SMS segments text needs and in which encoding
// (gsm7.GSM7 or gsm7.UCS2); on SMS Pamong only ever sends (1, GSM-7).
func Segments(text string) (n int, encoding string) { return gsm7.Segments(text) }

// Render lays messages out for a channel. WhatsApp: *bold* titles, numbered
// options on their own lines, one message per card, other messages joined
// up to MaxWhatsAppChars. SMS: every output is exactly one GSM-7 segment;
// see renderSMS.
func Render(ch Channel, msgs []Message) []Rendered {
	if ch == SMS {
		return renderSMS(msgs)
	}
	return renderWhatsApp(msgs)
}

func renderWhatsApp(msgs []Message) []Rendered {
	var out []Rendered
	for i, m := range msgs {
		text := whatsAppText(m)
		if n := len(out); n > 0 && m.Kind != KindCard && msgs[i-1].Kind != KindCard &&
			len([]rune(out[n-1].Text))+2+len([]rune(text)) <= MaxWhatsAppChars {
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
