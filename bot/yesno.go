package bot

var (
	yesWords = map[string]bool{"1": true, "ya": true, "y": true, "iya": true, "iy": true, "yes": true, "benar": true, "betul": true,
		"bener": true, "ok": true, "oke": true, "okay": true, "sip": true, "setuju": true, "lanjut": true, "yup": true}
	noWords = map[string]bool{"2": true, "bukan": true, "tidak": true, "no": true, "n": true, "salah": true, "tdk": true,
		"gak": true, "nggak": true, "enggak": true, "ga": true, "bkn": true, "jangan": true}
)

// maxYesNoWords bounds what is read as a yes or no: "iya benar itu desa
// saya pak" is, a longer message is something else.
const maxYesNoWords = 6

// readYesNo reads an answer to "Balas 1 (Ya) atau 2 (Bukan)" the way
// people write it: "ya benar", "iya", "betul", "ok deh", "y" and "tidak",
// "bukan", "salah", "n", "bukan itu". A message that both agrees and denies
// ("ya tidak") is neither.
func readYesNo(text string) (yes, ok bool) {
	ws := words(text)
	if len(ws) == 0 || len(ws) > maxYesNoWords {
		return false, false
	}
	var sawYes, sawNo bool
	for _, w := range ws {
		sawYes = sawYes || yesWords[w]
		sawNo = sawNo || noWords[w]
	}
	switch {
	case noWords[ws[0]] && !(len(ws) > 1 && ws[0] == "tidak" && ws[1] == "salah"):
		// "tidak benar", "bukan itu": a leading no wins. "tidak salah" is
		// the one double negative people write for yes.
		return false, true
	case len(ws) > 1 && ws[0] == "tidak" && ws[1] == "salah":
		return true, true
	case sawYes && !sawNo:
		return true, true
	case sawNo && !sawYes:
		return false, true
	}
	return false, false
}
