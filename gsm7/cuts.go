package gsm7

import (
	"strings"
	"unicode/utf8"
)

// What a reader loses when a part ends at a cut. The number of parts always
// comes first (each part is one SMS to pay for); these only choose among
// cuts that give the same number.
const (
	cutSentence = 0  // after a sentence, or at a line break
	cutClause   = 2  // after , ; : or before a conjunction
	cutWord     = 6  // between two words
	cutNumber   = 20 // between a number and what it counts ("2 | kali")
	cutBad      = 40 // after a negation or an enumeration mark: "tidak | dapat", "(4) | kewenangan"
)

// negations change the meaning of the word that follows; a part that ends
// with one reads as the opposite of what the card says until the next SMS
// arrives.
var negations = map[string]bool{
	"tidak": true, "tak": true, "bukan": true, "belum": true, "jangan": true, "tanpa": true,
}

// conjunctions start a clause, so the space before them is almost as good a
// place to cut as a comma.
var conjunctions = map[string]bool{
	"dan": true, "serta": true, "atau": true, "yang": true, "sedangkan": true, "tetapi": true,
	"namun": true, "karena": true, "sehingga": true, "lalu": true, "kemudian": true, "jadi": true,
}

type span struct{ start, end int }

// packWords cuts t at spaces into the fewest parts of at most budget
// septets, choosing, among the ways to do that, the cuts with the least
// loss and parts of even length. It returns nil when some word alone is
// longer than budget. t is transliterated: valid UTF-8, all GSM-7.
func packWords(t string, budget int) []string {
	// pre[i] is the septets of t[:i] for i at a rune boundary.
	pre := make([]int, len(t)+1)
	for i := 0; i < len(t); {
		r, size := utf8.DecodeRuneInString(t[i:])
		pre[i+size] = pre[i] + cost(r)
		i += size
	}
	var words []span
	for i := 0; i < len(t); {
		if isSpace(rune(t[i])) {
			i++
			continue
		}
		j := i
		for j < len(t) && !isSpace(rune(t[j])) {
			j++
		}
		if pre[j]-pre[i] > budget {
			return nil
		}
		words = append(words, span{i, j})
		i = j
	}
	if len(words) == 0 {
		return nil
	}
	// best[a] is the best way to send words[a:]: dynamic programming from
	// the end, each part a run of whole words.
	type plan struct{ parts, loss, next int }
	n := len(words)
	best := make([]plan, n+1)
	for a := n - 1; a >= 0; a-- {
		best[a] = plan{parts: -1}
		for e := a; e < n; e++ {
			size := pre[words[e].end] - pre[words[a].start]
			if size > budget {
				break
			}
			loss := best[e+1].loss + shortness(size, budget)
			if e+1 < n {
				loss += cutLoss(t, words[e], words[e+1])
			}
			c := plan{parts: best[e+1].parts + 1, loss: loss, next: e + 1}
			if b := best[a]; b.parts < 0 || c.parts < b.parts || (c.parts == b.parts && c.loss < b.loss) {
				best[a] = c
			}
		}
	}
	parts := make([]string, 0, best[0].parts)
	for a := 0; a < n; a = best[a].next {
		parts = append(parts, t[words[a].start:words[best[a].next-1].end])
	}
	return parts
}

// shortness grows as a part falls below a quarter full: a 27-character
// part after two full ones looks like a mistake and reads as a fragment,
// worse than a cut between words. A part of 40 characters or more that
// ends a sentence is fine.
func shortness(size, budget int) int {
	if quarter := budget / 4; size < quarter {
		return quarter - size
	}
	return 0
}

// cutLoss is what a reader loses when a part ends after word w and the
// next begins with next.
func cutLoss(t string, w, next span) int {
	if strings.IndexByte(t[w.end:next.start], '\n') >= 0 || endsSentence(t[:w.end]) {
		return cutSentence
	}
	word := t[w.start:w.end]
	bare := strings.ToLower(strings.Trim(word, `"'(`))
	switch {
	case negations[bare], enumerationMark(word):
		return cutBad
	case strings.IndexByte(",;:", word[len(word)-1]) >= 0:
		return cutClause
	case conjunctions[strings.ToLower(t[next.start:next.end])]:
		return cutClause + 1
	case allDigits(bare):
		return cutNumber
	}
	return cutWord
}

// enumerationMark reports words such as "(4)", "4)" or "b)" that number the
// item after them.
func enumerationMark(w string) bool {
	w = strings.TrimPrefix(w, "(")
	body, ok := strings.CutSuffix(w, ")")
	if !ok || body == "" {
		return false
	}
	return allDigits(body) || (len(body) == 1 && body[0] >= 'a' && body[0] <= 'z')
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
