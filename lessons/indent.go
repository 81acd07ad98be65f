package lessons

import "strings"

// yaml.v3 places indentation mistakes badly: a tab is reported on the
// line before it, and a list item one space out of line is reported at the
// start of the block that holds it, often dozens of lines up. These helpers
// find the line the author has to edit in the raw text, so the checker can
// point at it.

// tabLine returns the first line (1-based) whose indentation holds a tab,
// or 0.
func tabLine(lines []string) int {
	for i, l := range lines {
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if strings.Contains(indent, "\t") {
			return i + 1
		}
	}
	return 0
}

// misindentedLine returns the first line (1-based) at or after from whose
// indentation lines up with none of the blocks it could belong to, or 0;
// merged tells that it is a list item indented so far that YAML silently
// reads it as more text of the line above (no syntax error at all).
// It follows YAML's rule loosely: a line is either deeper than a line that
// opens a block ("key:", "- item", "|"), or exactly as deep as one of the
// enclosing blocks. It stops at the first line that leaves the block
// starting at from.
func misindentedLine(lines []string, from int) (line int, merged bool) {
	var (
		levels     []int // indentations a line may have, innermost last
		prevIndent = -1
		prevOpens  bool
		literal    = -1 // indentation of a "|" or ">" line whose text follows
	)
	for i := from - 1; i >= 0 && i < len(lines); i++ {
		text := strings.TrimSpace(lines[i])
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		n := len(lines[i]) - len(strings.TrimLeft(lines[i], " "))
		if literal >= 0 && n > literal {
			continue // the text of a literal block may be indented freely
		}
		literal = -1
		switch {
		case prevIndent < 0:
			levels = []int{n}
		case n > prevIndent && prevOpens:
			levels = append(levels, n)
		case n > prevIndent:
			// Deeper than a line that opens nothing: YAML reads it as more
			// of that line's text, which hides an item indented too far.
			if strings.HasPrefix(text, "- ") {
				return i + 1, true
			}
			continue
		default:
			for len(levels) > 0 && levels[len(levels)-1] > n {
				levels = levels[:len(levels)-1]
			}
			if len(levels) == 0 {
				return 0, false // back out of the block: nothing wrong inside it
			}
			if levels[len(levels)-1] != n {
				return i + 1, false
			}
		}
		item := strings.HasPrefix(text, "- ") || text == "-"
		if item {
			// The fields of a list item line up after its "- ".
			levels = append(levels, n+2)
		}
		prevIndent = n
		// "- 6 tahun" opens nothing: a deeper line after it is more text.
		rest := strings.TrimSpace(strings.TrimPrefix(text, "-"))
		prevOpens = strings.HasSuffix(text, ":") || (item && (rest == "" || strings.Contains(rest, ": ")))
		if strings.HasSuffix(text, "|") || strings.HasSuffix(text, ">") ||
			strings.HasSuffix(text, "|-") || strings.HasSuffix(text, ">-") {
			// The block's text is deeper than its key, which for
			// "- text: |" sits after the dash.
			literal = n
			if item {
				literal = n + 2
			}
		}
	}
	return 0, false
}
