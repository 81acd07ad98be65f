package bot

import (
	"fmt"
	"strings"

	"github.com/pamong-desa/pamong/gsm7"
)

// renderSMS lays messages out as SMS that are each exactly one GSM-7
// segment, using as few as reads well, since every SMS is paid for:
//
//   - the cards of a lesson are one text, cut at sentence or clause
//     boundaries into parts numbered across the whole lesson, (1/3) to
//     (3/3), so the learner knows how much reading is still on its way;
//   - every other message is one SMS when it fits, options and reply hint
//     included, and is otherwise cut with its options and hint kept whole
//     in its last part;
//   - consecutive whole messages share an SMS when together they fit, so
//     "Benar!" travels with the next question; a message marked SMSBrief
//     drops its Text when that is what lets it share.
func renderSMS(msgs []Message) []Rendered {
	var (
		out     []Rendered
		pending *smsUnit // the last whole message(s), still open to joining
	)
	flush := func() {
		if pending != nil {
			out = append(out, Rendered{Text: pending.forms[0], Content: pending.content})
			pending = nil
		}
	}
	for i := 0; i < len(msgs); {
		if msgs[i].Kind == KindCard {
			j := i
			var texts []string
			for ; j < len(msgs) && msgs[j].Kind == KindCard; j++ {
				texts = append(texts, smsHead(msgs[j]))
			}
			flush()
			// The first part carries the cards, so that rendering every
			// part's content again sends each card once, not once a part.
			content := msgs[i:j:j]
			for _, part := range gsm7.Split(strings.Join(texts, "\n")) {
				out = append(out, Rendered{Text: part, Content: content})
				content = nil
			}
			i = j
			continue
		}
		m := msgs[i]
		i++
		forms := smsForms(m)
		if len(forms) == 0 {
			continue
		}
		if len(forms[0]) > 1 {
			// Too long for one SMS: its parts go alone.
			flush()
			content := []Message{m}
			for _, part := range forms[0] {
				out = append(out, Rendered{Text: part, Content: content})
				content = nil
			}
			continue
		}
		u := &smsUnit{content: []Message{m}}
		for _, f := range forms {
			u.forms = append(u.forms, f[0])
		}
		if pending == nil {
			pending = u
			continue
		}
		if joined := pending.join(u); joined != nil {
			pending = joined
			continue
		}
		flush()
		pending = u
	}
	flush()
	return out
}

// smsUnit is one SMS in the making: forms are the ways to write it, from
// the fullest to the shortest, all of one segment.
type smsUnit struct {
	forms   []string
	content []Message
}

// join returns u and v in one SMS, keeping as much of u, then of v, as
// fits; nil when even their shortest forms do not fit together.
func (u *smsUnit) join(v *smsUnit) *smsUnit {
	for _, a := range u.forms {
		for k, b := range v.forms {
			if !oneSegment(a + "\n" + b) {
				continue
			}
			j := &smsUnit{content: append(append([]Message(nil), u.content...), v.content...)}
			for _, b := range v.forms[k:] {
				j.forms = append(j.forms, a+"\n"+b)
			}
			return j
		}
	}
	return nil
}

func oneSegment(s string) bool {
	n, ok := gsm7.Septets(s)
	return ok && n <= gsm7.MaxSeptets
}

// smsForms renders one message that is not a card: each form is the
// message as SMS texts, the fullest first. A form of one text fits one SMS.
// A question is one SMS whenever it can be, "2/4: Siapa...? 1)Camat 2)BPD
// 3)Bupati Balas 1-3"; when it cannot, its prompt is cut and the options
// with the reply hint make up the last part, because a learner who gets
// the options without the hint does not know what to answer.
func smsForms(m Message) [][]string {
	head := smsHead(m)
	if len(m.Options) == 0 && m.SMSBrief && m.Text != "" {
		if brief := gsm7.Split(smsTitle(m)); len(brief) == 1 {
			if full := gsm7.Split(head); len(full) == 1 {
				return [][]string{full, brief}
			}
			return [][]string{brief}
		}
	}
	if len(m.Options) == 0 {
		if parts := gsm7.Split(head); len(parts) > 0 {
			return [][]string{parts}
		}
		return nil
	}
	options := m.Options
	if len(m.SMSOptions) == len(m.Options) {
		options = m.SMSOptions
	}
	var opts strings.Builder
	for i, o := range options {
		fmt.Fprintf(&opts, " %d)%s", i+1, o)
	}
	tail := strings.TrimSpace(opts.String() + " " + m.Footer)
	whole := gsm7.Transliterate(strings.TrimSpace(head + " " + tail))
	if oneSegment(whole) {
		return [][]string{{whole}}
	}
	// A footer that repeats what the text already asks ("Apa jabatan
	// Anda? Balas dengan angka:") may go to save an SMS; any other is the
	// only hint the learner gets and stays.
	if strings.Contains(strings.ToLower(head), "balas") {
		if compact := gsm7.Transliterate(strings.TrimSpace(head + opts.String())); oneSegment(compact) {
			return [][]string{{compact}}
		}
	}
	return [][]string{append(gsm7.Split(head), gsm7.Split(tail)...)}
}

// smsHead is a message's title and text as SMS writes them: the SMS
// variants when there are any, "Title: text" on one line, or "Title. text"
// when the title already holds a colon ("Pelajaran 1/6: Judul. Teks").
func smsHead(m Message) string {
	title, text := smsTitle(m), m.Text
	if m.SMS != "" {
		text = m.SMS
	}
	if title == "" || text == "" {
		return strings.TrimSpace(title + text)
	}
	sep := ": "
	switch {
	case strings.HasSuffix(title, ".") || strings.HasSuffix(title, "!") || strings.HasSuffix(title, "?"):
		sep = " "
	case strings.Contains(title, ": "):
		sep = ". "
	}
	return strings.TrimSpace(title + sep + text)
}

func smsTitle(m Message) string {
	if m.SMSTitle != "" {
		return m.SMSTitle
	}
	return m.Title
}
