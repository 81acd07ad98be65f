package bot

import (
	"fmt"
	"strings"

	"github.com/pamong-desa/pamong/region"
)

// stepNew meets a number for the first time. An official imported by an
// admin is known already: greeted by name, straight to the course.
func stepNew(t *turn) {
	l := &t.st.Learner
	if l.Registered {
		// Someone known whose place was lost (a course edit, a state an
		// older release wrote): carry on, never start them over.
		t.resume()
		return
	}
	if l.Name != "" && l.VillageCode != "" && l.Role != "" {
		l.Registered = true
		t.text(fmt.Sprintf("Selamat datang di Pamong, %s (%s). Anda sudah terdaftar oleh admin daerah Anda.", l.Name, l.Role))
		t.startCourse()
		return
	}
	t.goTo(StageAskName)
	t.text(msgWelcome)
}

func (t *turn) askName() {
	t.goTo(StageAskName)
	t.text(msgAskName)
}

func stepAskName(t *turn) {
	name := cleanName(t.in.Text)
	if name == "" {
		t.text(msgBadName)
		return
	}
	t.st.Learner.Name = name
	t.askVillage()
}

func (t *turn) askVillage() {
	t.goTo(StageAskVillage)
	t.say(Message{Kind: KindText, Text: msgAskVillage(t.st.Learner.Name), SMS: msgAskVillage(t.st.Learner.Name)})
}

func stepAskVillage(t *turn) {
	code, err := region.ParseVillage(t.in.Text)
	switch {
	case err != nil:
		t.text(msgBadVillage)
	case t.in.Place != nil && t.in.Place.Code == string(code):
		c := &t.st.Conversation
		c.Village, c.VillageLabel = string(code), villageLabel(t.in.Place)
		t.goTo(StageConfirmVillage)
		t.text(msgConfirmVillage(c.VillageLabel))
	case t.in.RegionsKnown:
		t.text(msgUnknownVillage(string(code)))
	default:
		// No regions imported yet: take a well-formed code on trust rather
		// than lock every official out; the server warns its operator.
		t.emit(RegionsMissing{Code: string(code)})
		t.st.Learner.VillageCode = string(code)
		t.text(fmt.Sprintf("Kode desa %s dicatat.", code))
		t.askRole()
	}
}

func (t *turn) confirmVillage() {
	t.text(msgConfirmVillage(t.st.Conversation.VillageLabel))
}

func stepConfirmVillage(t *turn) {
	yes, ok := parseYesNo(t.in.Text)
	switch {
	case !ok:
		t.text(msgNotUnderstood)
		t.confirmVillage()
	case yes:
		c := &t.st.Conversation
		t.st.Learner.VillageCode = c.Village
		c.Village, c.VillageLabel = "", ""
		t.askRole()
	default:
		t.st.Conversation.Village, t.st.Conversation.VillageLabel = "", ""
		t.askVillage()
	}
}

func (t *turn) askRole() {
	t.goTo(StageAskRole)
	t.say(Message{Kind: KindQuestion, Text: msgAskRole, Options: Roles, SMSOptions: roleAbbreviations, Footer: msgRoleFooter})
}

func stepAskRole(t *turn) {
	n, ok := ParseChoice(t.in.Text, len(Roles))
	// Roles are numbered; letters would be a guess too far for 11 options.
	// The menu's own words ("Kades", "Kaur Keuangan") are understood too.
	if !ok || !isDigits(t.in.Text) {
		n, ok = roleByName(t.in.Text)
	}
	if !ok || !InRange(n, len(Roles)) {
		t.text(msgNotUnderstood)
		t.askRole()
		return
	}
	l := &t.st.Learner
	l.Role, l.Registered = Roles[n-1], true
	t.emit(Registered{})
	t.text(fmt.Sprintf("Pendaftaran selesai. Selamat belajar, %s!", l.Name))
	t.startCourse()
}

// roleByName finds a role by its name or the abbreviation the SMS menu
// shows, in any case.
func roleByName(text string) (int, bool) {
	t := strings.ToLower(strings.Join(strings.Fields(strings.Trim(text, " .!")), " "))
	for i := range Roles {
		if t == strings.ToLower(Roles[i]) || t == strings.ToLower(roleAbbreviations[i]) {
			return i + 1, true
		}
	}
	return 0, false
}

func isDigits(s string) bool {
	for _, r := range s {
		if (r < '0' || r > '9') && r != ' ' && r != '.' && r != ')' && r != '(' {
			return false
		}
	}
	return true
}
