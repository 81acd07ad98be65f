package bot

import (
	"regexp"
	"strings"
	"testing"
)

var partMarker = regexp.MustCompile(` \((\d+)/(\d+)\)$`)

func TestRenderSMS(t *testing.T) {
	sentence := "Kepala Desa menetapkan APB Desa dengan Peraturan Desa setelah disepakati bersama BPD. "
	card := func(text string) Message { return Message{Kind: KindCard, Text: text} }
	question := Message{Kind: KindQuestion, Title: "Pertanyaan 2 dari 4", SMSTitle: "2/4", Text: "Siapa yang menetapkan APB Desa?",
		Options: []string{"Camat", "Kepala Desa", "Bupati"}, Footer: "Balas 1-3"}
	// long fits one SMS alone, and with "Benar!" but not with the explanation.
	long := Message{Kind: KindQuestion, Title: "Pertanyaan 2 dari 4", SMSTitle: "2/4", Text: "Siapa yang menetapkan APB Desa setiap tahun?",
		Options: []string{"Camat", "Kepala Desa bersama BPD", "Bupati atau Wali Kota", "Sekretaris Desa"}, Footer: "Balas 1-4"}
	right := Message{Kind: KindText, Title: "Benar!", Text: "APB Desa ditetapkan Kepala Desa dengan Peraturan Desa.", SMSBrief: true}
	tests := []struct {
		name  string
		msgs  []Message
		check func(t *testing.T, sms []string)
	}{
		{"part numbers run across the lesson", []Message{
			{Kind: KindCard, Title: "Pelajaran 1 dari 6: APB Desa", SMSTitle: "Pelajaran 1/6: APB Desa", Text: strings.Repeat(sentence, 2)},
			card(strings.Repeat(sentence, 2)), card(sentence), question,
		}, func(t *testing.T, sms []string) {
			if len(sms) != 5 {
				t.Fatalf("got %d SMS, want 4 parts and the question: %q", len(sms), sms)
			}
			for i, s := range sms[:4] {
				m := partMarker.FindStringSubmatch(s)
				if m == nil || m[1] != string(rune('1'+i)) || m[2] != "4" {
					t.Errorf("part %d = %q, want marker (%d/4)", i+1, s, i+1)
				}
			}
			if !strings.HasPrefix(sms[0], "Pelajaran 1/6: APB Desa. Kepala Desa") {
				t.Errorf("first part = %q, want the SMS title then the text", sms[0])
			}
		}},
		{"a short lesson is one SMS without a marker", []Message{card("Satu."), card("Dua.")}, func(t *testing.T, sms []string) {
			if len(sms) != 1 || sms[0] != "Satu.\nDua." {
				t.Errorf("got %q", sms)
			}
		}},
		{"right answer travels with the next question", []Message{right, long}, func(t *testing.T, sms []string) {
			want := "Benar!\n2/4: Siapa yang menetapkan APB Desa setiap tahun? 1)Camat 2)Kepala Desa bersama BPD 3)Bupati atau Wali Kota 4)Sekretaris Desa Balas 1-4"
			if len(sms) != 1 || sms[0] != want {
				t.Errorf("got %q, want %q", sms, want)
			}
		}},
		{"an explanation that fits is kept", []Message{{Kind: KindText, Title: "Benar!", Text: "Kades.", SMSBrief: true}, question}, func(t *testing.T, sms []string) {
			if len(sms) != 1 || !strings.HasPrefix(sms[0], "Benar! Kades.\n2/4:") {
				t.Errorf("got %q", sms)
			}
		}},
		{"an explanation alone is kept", []Message{right}, func(t *testing.T, sms []string) {
			if len(sms) != 1 || sms[0] != "Benar! APB Desa ditetapkan Kepala Desa dengan Peraturan Desa." {
				t.Errorf("got %q", sms)
			}
		}},
		{"text that is not brief is never dropped", []Message{{Kind: KindText, Title: "Belum tepat.", Text: strings.Repeat("Jawaban yang benar: 2. ", 5)}, question},
			func(t *testing.T, sms []string) {
				if len(sms) != 2 || !strings.Contains(sms[0], "Jawaban yang benar") {
					t.Errorf("got %q", sms)
				}
			}},
		{"short messages share an SMS", []Message{{Kind: KindText, Text: "Pendaftaran selesai."}, {Kind: KindText, Title: "Kursus: Dasar", Text: "6 pelajaran."}},
			func(t *testing.T, sms []string) {
				if len(sms) != 1 || sms[0] != "Pendaftaran selesai.\nKursus: Dasar. 6 pelajaran." {
					t.Errorf("got %q", sms)
				}
			}},
		{"the reply hint is kept when the menu needs two SMS", []Message{{Kind: KindQuestion,
			Text:    "Pelajaran 5 selesai. Nilai kuis: 4 dari 4 benar (nilai 100). Berikutnya: Pelajaran 6: Pengelola keuangan desa dan Siskeudes.",
			Options: []string{"Lanjut", "Ulangi kuis"}, Footer: "Balas 1 atau 2"}},
			func(t *testing.T, sms []string) {
				if last := sms[len(sms)-1]; !strings.HasSuffix(last, "1)Lanjut 2)Ulangi kuis Balas 1 atau 2") {
					t.Errorf("got %q, want the options and hint together at the end", sms)
				}
			}},
		{"a hint the text already gives may go", []Message{{Kind: KindQuestion, Text: "Apa jabatan Anda? Balas dengan angka:",
			Options: strings.Split("Kades Sekdes Kaur-Keu Kaur-Umum/Ren Kaur-TU Kasi-Pem Kasi-Kesra Kasi-Pel Kadus BPD Lainnya", " "), Footer: "Balas dengan angka 1-11."}},
			func(t *testing.T, sms []string) {
				if len(sms) != 1 || strings.HasSuffix(sms[0], "1-11.") {
					t.Errorf("got %q, want one SMS without the repeated hint", sms)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sms []string
			for _, r := range Render(SMS, tt.msgs) {
				if n, enc := Segments(r.Text); n != 1 || enc != "GSM-7" {
					t.Errorf("%d %s segments: %q", n, enc, r.Text)
				}
				if len(sms) == 0 && len(r.Content) == 0 {
					t.Errorf("no content behind %q", r.Text)
				}
				sms = append(sms, r.Text)
			}
			// Rendering the contents again sends the same SMS: nothing
			// is lost and no card is repeated.
			var contents []Message
			for _, r := range Render(SMS, tt.msgs) {
				contents = append(contents, r.Content...)
			}
			var again []string
			for _, r := range Render(SMS, contents) {
				again = append(again, r.Text)
			}
			if strings.Join(again, "|") != strings.Join(sms, "|") {
				t.Errorf("the contents render as %q, want %q", again, sms)
			}
			tt.check(t, sms)
		})
	}
}

func TestRenderWhatsAppOneMessagePerCard(t *testing.T) {
	card := Message{Kind: KindCard, Text: strings.Repeat("Kartu pendek. ", 5)}
	question := Message{Kind: KindQuestion, Title: "Pertanyaan 1 dari 4", Text: "Apa?", Options: []string{"Ya", "Tidak"}, Footer: "Balas 1-2"}
	got := Render(WhatsApp, []Message{{Kind: KindText, Text: "Pretest selesai."}, card, card, card, question})
	if len(got) != 5 {
		t.Fatalf("got %d messages, want the text, 3 cards and the question each alone:\n%v", len(got), got)
	}
	for i, r := range got {
		if len(r.Content) != 1 {
			t.Errorf("message %d = %q joins %d messages", i+1, r.Text, len(r.Content))
		}
	}
	got = Render(WhatsApp, []Message{{Kind: KindText, Title: "Benar!", Text: "Karena begitu."}, question})
	if len(got) != 1 || !strings.HasPrefix(got[0].Text, "*Benar!*\nKarena begitu.\n\n*Pertanyaan 1 dari 4*") {
		t.Errorf("got %v, want the feedback joined to the next question", got)
	}
}
