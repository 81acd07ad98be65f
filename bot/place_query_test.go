package bot

import "testing"

func TestParsePlaceQuery(t *testing.T) {
	tests := []struct {
		text string
		want PlaceQuery
	}{
		{"3204052001", PlaceQuery{Kind: QueryVillage, Code: "32.04.05.2001"}},
		{"32.04.05.2001", PlaceQuery{Kind: QueryVillage, Code: "32.04.05.2001"}},
		{"32 04 05 2001", PlaceQuery{Kind: QueryVillage, Code: "32.04.05.2001"}},
		{"kode desa 3204052001", PlaceQuery{Kind: QueryVillage, Code: "32.04.05.2001"}},
		{"3204052001 Cileunyi Kulon", PlaceQuery{Kind: QueryVillage, Code: "32.04.05.2001", Name: "cileunyi kulon"}},
		{"Desa Cileunyi Kulon (32.04.05.2001)", PlaceQuery{Kind: QueryVillage, Code: "32.04.05.2001", Name: "cileunyi kulon"}},
		{"320405", PlaceQuery{Kind: QueryDistrict, Code: "32.04.05"}},
		{"32.04.05", PlaceQuery{Kind: QueryDistrict, Code: "32.04.05"}},
		{"kecamatan 320405", PlaceQuery{Kind: QueryDistrict, Code: "32.04.05"}},
		{"tidak tahu", PlaceQuery{Kind: QueryDontKnow}},
		{"saya tidak tahu kode desa", PlaceQuery{Kind: QueryDontKnow}},
		{"gak tau kodenya", PlaceQuery{Kind: QueryDontKnow}},
		{"lewati", PlaceQuery{Kind: QueryDontKnow}},
		{"lupa", PlaceQuery{Kind: QueryDontKnow}},
		{"Cileunyi Kulon", PlaceQuery{Kind: QueryName, Name: "cileunyi kulon"}},
		{"Desa Cileunyi Kulon Kab Bandung", PlaceQuery{Kind: QueryName, Name: "cileunyi kulon", Area: "bandung"}},
		{"Ds. Cileunyi Kulon, Kec. Cileunyi, Kab. Bandung", PlaceQuery{Kind: QueryName, Name: "cileunyi kulon", District: "cileunyi", Area: "bandung"}},
		{"kecamatan cileunyi", PlaceQuery{Kind: QueryName, District: "cileunyi"}},
		{"Kota Baru", PlaceQuery{Kind: QueryName, Name: "kota baru"}},
		{"Sukamaju kota Bandung", PlaceQuery{Kind: QueryName, Name: "sukamaju", Area: "bandung"}},
		{"kab bandung", PlaceQuery{Kind: QueryName, Area: "bandung"}},
		{"32.04", PlaceQuery{Kind: QueryBadCode}},
		{"081234567890", PlaceQuery{Kind: QueryBadCode}},
		{"32.04.05.0000", PlaceQuery{Kind: QueryBadCode}},
		{"", PlaceQuery{}},
		{"!!!", PlaceQuery{}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := ParsePlaceQuery(tt.text); got != tt.want {
				t.Errorf("ParsePlaceQuery(%q) = %+v; want %+v", tt.text, got, tt.want)
			}
		})
	}
}

func TestPlaceLookupOnlyWhereAVillageIsAsked(t *testing.T) {
	choose := State{Conversation: Conversation{Stage: StageChooseVillage, Choices: []Choice{
		{Code: "32.04.05.2001", Label: "Cileunyi Kulon"}, {Code: "32.73.01", Label: "Kec. Sukasari"}}}}
	tests := []struct {
		name string
		st   State
		text string
		want PlaceQuery
	}{
		{"a quiz answer", State{Conversation: Conversation{Stage: StageQuestion}}, "Cileunyi Kulon", PlaceQuery{}},
		{"a name at the name step", State{Conversation: Conversation{Stage: StageAskName}}, "Cileunyi Kulon", PlaceQuery{}},
		{"a keyword", State{Conversation: Conversation{Stage: StageAskVillage}}, "MENU", PlaceQuery{}},
		{"a name", State{Conversation: Conversation{Stage: StageAskVillage}}, "Cimekar", PlaceQuery{Kind: QueryName, Name: "cimekar"}},
		{"a village picked", choose, "1", PlaceQuery{}},
		{"a kecamatan picked", choose, "2", PlaceQuery{Kind: QueryDistrict, Code: "32.73.01"}},
		{"a pick out of range", choose, "7", PlaceQuery{}},
		{"a polite pick", choose, "nomor 2 pak", PlaceQuery{Kind: QueryDistrict, Code: "32.73.01"}},
		{"a new search", choose, "cimekar", PlaceQuery{Kind: QueryName, Name: "cimekar"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlaceLookup(tt.st, tt.text); got != tt.want {
				t.Errorf("PlaceLookup(%s, %q) = %+v; want %+v", tt.st.Conversation.Stage, tt.text, got, tt.want)
			}
		})
	}
}

// Whatever arrives at a registration step gets a reply, never a panic,
// whether or not the caller found anything.
func TestRegistrationAnswersAnything(t *testing.T) {
	course := testCourse(t)
	inputs := []string{"", " ", "?", "0", "99", "-1", "１２", "🙂", "kec", "kab", "kecamatan", "desa", "no 3", "32.04.05.2001.2001",
		"3204052001 3204052002", "tidak tahu 3204052001", "a", "Kota", "\x00\xff", "lurah", "ya", "tidak"}
	stages := []Conversation{
		{Stage: StageAskVillage},
		{Stage: StageChooseVillage, Choices: []Choice{{Code: "32.04.05.2001", Label: "Cileunyi Kulon"}, {Code: "32.73.01", Label: "Kec. Sukasari"}}},
		{Stage: StageChooseVillage},
		{Stage: StageConfirmVillage, Village: "32.73.01.1001", VillageLabel: "Kel. Sarijadi"},
		{Stage: StageConfirmKelurahan, Village: "32.73.01.1001"},
		{Stage: StageAskRole},
	}
	for _, c := range stages {
		for _, text := range inputs {
			for _, search := range []*PlaceSearch{nil, {}, {In: &Place{Code: "32.04.05"}}, {DistrictsTotal: 9}} {
				st := State{Learner: Learner{Phone: "+6281200000001", Name: "Siti", VillageCode: "32.73.01.1001"}, Conversation: c}
				in := Input{Text: text, Channel: SMS, RegionsKnown: true, Search: search}
				out := Step(st, in, course)
				if len(out.Messages) == 0 {
					t.Errorf("%s, %q, %+v: no reply", c.Stage, text, search)
				}
			}
		}
	}
}
