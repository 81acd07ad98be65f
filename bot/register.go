package bot

import (
	"fmt"

	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/role"
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

// resumeRegistration asks again what the current registration step waits
// for.
func (t *turn) resumeRegistration() {
	switch t.st.Conversation.Stage {
	case StageAskName:
		t.askName()
	case StageAskVillage:
		t.askVillage()
	case StageChooseVillage:
		t.showChoices()
	case StageConfirmVillage:
		t.confirmVillage()
	case StageConfirmKelurahan:
		t.text(msgKelurahan)
	case StageAskRole:
		t.askRole()
	default:
		stepNew(t)
	}
}

// resumeIfRegistering follows a keyword that answers on its own (WA, SMS)
// with the registration question, or someone new is left without one.
func (t *turn) resumeIfRegistering() {
	if !t.st.Learner.Registered {
		t.resume()
	}
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
	t.st.Conversation.Choices = nil
	t.say(Message{Kind: KindText, Text: msgAskVillage(t.st.Learner.Name)})
}

// stepAskVillage reads a village code, a kecamatan code or a name; the
// caller has looked up what PlaceLookup asked for.
func stepAskVillage(t *turn) {
	q := ParsePlaceQuery(t.in.Text)
	switch q.Kind {
	case QueryDontKnow:
		t.text(msgSearchHelp)
	case QueryVillage:
		t.villageCode(q)
	case QueryDistrict, QueryName:
		if !t.in.RegionsKnown {
			t.text(msgNoRegions)
			return
		}
		if q.Kind == QueryName && q.Name == "" && q.District == "" {
			t.text(msgNeedName)
			return
		}
		t.showSearch(q)
	default:
		t.text(msgBadVillage)
	}
}

// villageCode answers a 10-digit code, found alone or among other words.
func (t *turn) villageCode(q PlaceQuery) {
	code := q.Code
	switch {
	case t.in.Place != nil && t.in.Place.Code == string(code):
		t.askConfirmVillage(t.in.Place)
	case t.in.RegionsKnown && t.in.Search != nil && len(t.in.Search.Places) > 0:
		// An unknown code typed with a name: the name may still find it.
		t.text(msgUnknownVillage(string(code)))
		t.showSearch(q)
	case t.in.RegionsKnown:
		t.text(msgUnknownVillage(string(code)))
	default:
		// No regions imported yet: take a well-formed code on trust rather
		// than lock every official out; the server warns its operator.
		t.emit(RegionsMissing{Code: string(code)})
		t.text(fmt.Sprintf("Kode desa %s dicatat.", code))
		t.villageChosen(string(code), "")
	}
}

func (t *turn) askConfirmVillage(p *Place) {
	c := &t.st.Conversation
	c.Village, c.VillageLabel, c.Choices = p.Code, villageLabel(p), nil
	t.goTo(StageConfirmVillage)
	t.text(msgConfirmVillage(c.VillageLabel))
}

// showSearch answers what the caller found for a name or a kecamatan: a
// list to pick from, a single village to confirm, or what to add.
func (t *turn) showSearch(q PlaceQuery) {
	s := t.in.Search
	if s == nil {
		s = &PlaceSearch{}
	}
	switch {
	case len(s.Districts) > 0 || s.DistrictsTotal > MaxMatches:
		if s.DistrictsTotal > MaxMatches {
			t.text(msgTooManyDistricts(s.DistrictsTotal, q.District))
			return
		}
		choices := make([]Choice, len(s.Districts))
		for i := range s.Districts {
			choices[i] = Choice{Code: s.Districts[i].Code, Label: districtLabel(&s.Districts[i])}
		}
		t.offer("Pilih kecamatan Anda:", choices)
	case s.In != nil:
		if len(s.Places) == 0 {
			t.text(msgUnknownDistrict(s.In.Code))
			return
		}
		if s.Total > MaxListed {
			t.text(msgDistrictTooLong(s.In, s.Total))
			return
		}
		if len(s.Places) == 1 {
			t.askConfirmVillage(&s.Places[0])
			return
		}
		choices := make([]Choice, len(s.Places))
		for i := range s.Places {
			choices[i] = Choice{Code: s.Places[i].Code, Label: listName(&s.Places[i])}
		}
		t.offer("Desa dan kelurahan di "+districtLabel(s.In)+":", choices)
	case len(s.Places) == 0:
		switch {
		case q.Kind == QueryDistrict:
			t.text(msgUnknownDistrict(string(q.Code)))
		case q.Name == "":
			t.text(msgDistrictNotFound(q.District))
		default:
			t.text(msgNotFound(q.Name))
		}
	case s.Total > MaxMatches:
		t.text(msgTooMany(s.Total, q.Name))
	case len(s.Places) == 1 || s.Total == 1:
		// One village fits clearly best: confirming it is one reply less
		// than a list, and "bukan" still leads back.
		t.askConfirmVillage(&s.Places[0])
	default:
		choices := make([]Choice, len(s.Places))
		for i := range s.Places {
			choices[i] = Choice{Code: s.Places[i].Code, Label: searchLabel(&s.Places[i])}
		}
		t.offer("Pilih desa Anda:", choices)
	}
}

// offer shows a numbered list and keeps it, so that a number picks from it.
func (t *turn) offer(head string, choices []Choice) {
	c := &t.st.Conversation
	c.Choices, c.VillageLabel = choices, head
	t.goTo(StageChooseVillage)
	t.showChoices()
}

func (t *turn) showChoices() {
	c := t.st.Conversation
	opts := make([]string, len(c.Choices))
	for i, ch := range c.Choices {
		opts[i] = ch.Label
	}
	t.say(Message{Kind: KindQuestion, Text: c.VillageLabel, Options: opts, Footer: fmt.Sprintf(msgChooseFooter, len(opts))})
}

// stepChooseVillage takes a number from the list; anything else is a new
// search.
func stepChooseVillage(t *turn) {
	c := t.st.Conversation
	n, ok := pickNumber(t.in.Text)
	if !ok {
		stepAskVillage(t)
		return
	}
	if !InRange(n, len(c.Choices)) {
		t.text(msgChoiceMissing(n, len(c.Choices)))
		return
	}
	pick := c.Choices[n-1]
	if region.Code(pick.Code).Level() == region.District {
		t.showSearch(PlaceQuery{Kind: QueryDistrict, Code: region.Code(pick.Code)})
		return
	}
	t.villageChosen(pick.Code, pick.Label)
}

func (t *turn) confirmVillage() {
	t.text(msgConfirmVillage(t.st.Conversation.VillageLabel))
}

func stepConfirmVillage(t *turn) {
	yes, ok := readYesNo(t.in.Text)
	c := &t.st.Conversation
	switch {
	case !ok:
		t.text(msgNotUnderstood)
		t.confirmVillage()
	case yes:
		t.villageChosen(c.Village, c.VillageLabel)
	default:
		c.Village, c.VillageLabel = "", ""
		t.askVillage()
	}
}

// villageChosen records the village, unless it is a kelurahan: that is
// asked about first, since the course is about desa.
func (t *turn) villageChosen(code, label string) {
	c := &t.st.Conversation
	c.Choices = nil
	if region.Code(code).IsKelurahan() {
		c.Village, c.VillageLabel = code, label
		t.goTo(StageConfirmKelurahan)
		t.text(msgKelurahan)
		return
	}
	c.Village, c.VillageLabel = "", ""
	t.st.Learner.VillageCode = code
	t.askRole()
}

func stepConfirmKelurahan(t *turn) {
	yes, ok := readYesNo(t.in.Text)
	c := &t.st.Conversation
	switch {
	case !ok:
		t.text(msgNotUnderstood)
		t.text(msgKelurahan)
	case yes:
		t.st.Learner.VillageCode = c.Village
		c.Village, c.VillageLabel = "", ""
		t.askRole()
	default:
		c.Village, c.VillageLabel = "", ""
		t.goTo(StageAskVillage)
		t.text(msgKelurahanNo)
	}
}

func (t *turn) askRole() {
	t.goTo(StageAskRole)
	t.say(Message{Kind: KindQuestion, Text: msgAskRole, SMS: msgAskRoleSMS, Options: role.Names(), SMSOptions: role.Shorts(),
		Footer: msgRoleFooter(len(role.Posts))})
}

func stepAskRole(t *turn) {
	m, ok := readRole(t.in.Text)
	if !ok {
		t.text(msgNotUnderstood)
		t.askRole()
		return
	}
	l := &t.st.Learner
	if region.Code(l.VillageCode).IsKelurahan() {
		if m = role.AtKelurahan(m); m.Name == role.KepalaDesa || m.Name == role.AnggotaBPD {
			t.text(msgNoKadesHere)
			t.askRole()
			return
		}
	}
	l.Role, l.RoleTitle, l.Registered = m.Name, m.Title, true
	t.emit(Registered{})
	label := ""
	if m.Title != "" {
		label = m.Label()
	}
	t.text(msgRegistered(l.Name, label))
	t.startCourse()
}

// readRole reads a post from the menu: its number, or any name the role
// list knows ("Kades", "bendahara", "Kuwu"). Letters are not read as
// numbers: for 12 options that would be a guess too far.
func readRole(text string) (role.Match, bool) {
	if n, ok := pickNumber(text); ok {
		if !InRange(n, len(role.Posts)) {
			return role.Match{}, false
		}
		return role.Match{Name: role.Posts[n-1].Name}, true
	}
	return role.Find(text)
}
