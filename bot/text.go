package bot

import (
	"fmt"
	"strings"
)

// Learner-facing wording, in plain polite Indonesian. Kept short: on SMS
// every message must fit 160 characters.
const (
	msgWelcome       = "Selamat datang di Pamong, belajar tata kelola dan keuangan desa lewat pesan singkat. Siapa nama lengkap Anda?"
	msgAskName       = "Siapa nama lengkap Anda? Contoh: Siti Aminah"
	msgNotUnderstood = "Maaf, balasan tidak dikenali."
	msgBadName       = "Maaf, nama itu tidak terbaca. Balas dengan nama lengkap Anda dalam huruf, contoh: Siti Aminah"

	msgBadVillage  = "Kode desa terdiri dari 10 angka, contoh 32.04.05.2001 atau 3204052001. Silakan coba lagi."
	msgConfirmHint = "Balas 1 (Ya) atau 2 (Bukan)."

	msgAskRole    = "Apa jabatan Anda? Balas dengan angka:"
	msgRoleFooter = "Balas dengan angka 1-11."

	msgRegisterFirst   = "Selesaikan pendaftaran dulu, ya."
	msgOptedOut        = "Baik, Anda tidak akan menerima pesan lagi dari Pamong. Untuk kembali belajar, kirim MULAI."
	msgCourseUpdated   = "Materi kursus baru saja diperbarui. Kita lanjutkan dari sini."
	msgNotStartedYet   = "Anda belum memulai kursus."
	msgLessonEndHint   = "Balas 1 untuk lanjut, 2 untuk mengulang kuis, atau 3 untuk membaca lagi materi."
	msgLessonEndFooter = "Balas 1, 2 atau 3"
	msgCourseDone      = "Anda sudah menyelesaikan kursus ini. Terima kasih!"
	msgCourseDoneScore = "Anda sudah menyelesaikan kursus ini dan LULUS dengan nilai post-test terbaik %d. Terima kasih!"
	msgPretestIntro    = "Sebelum mulai, ada pretest %d pertanyaan untuk mengukur pengetahuan awal Anda. Nilainya tidak menentukan kelulusan."
	msgPosttestIntro   = "Post-test: %d pertanyaan. Nilai minimal lulus %d."
	msgRetryPosttest   = "Balas 1 untuk mengulang post-test, atau MATERI untuk membaca lagi materi."
	// After the course LANJUT leads nowhere: say what does.
	msgAfterCourse       = "Balas 1 untuk mengulang post-test, NILAI untuk melihat nilai, atau MATERI untuk membaca lagi materi."
	msgAfterCourseNoTest = "Balas NILAI untuk melihat nilai, atau MATERI untuk membaca lagi materi."
	// The option number and its text, so that "3. 2 kali." cannot be read
	// as "3" or as "2".
	msgRightAnswer    = "Jawaban yang benar: nomor %d (%s). %s"
	msgPassedOn       = "Terima kasih, pertanyaan Anda sudah kami teruskan ke admin Pamong. Sementara itu, mari lanjutkan."
	msgMaterialAfter  = "Materi bisa dibaca lagi setelah %s selesai."
	msgNoSuchLesson   = "Pelajaran %d tidak ada; kursus ini punya %d pelajaran."
	msgLessonList     = "Ketik MATERI dan nomor pelajaran yang ingin dibaca lagi:"
	msgChoiceHint     = "Jawaban tidak dikenali. Balas dengan angka 1-%d."
	msgChoiceRange    = "Pilihan %d tidak ada. Balas dengan angka 1-%d."
	msgPreferWhatsApp = "Baik, pesan dari Pamong akan dikirim lewat WhatsApp. Balas LANJUT untuk meneruskan."
	msgPreferSMS      = "Baik, pesan dari Pamong akan dikirim lewat SMS. Balas WA untuk kembali ke WhatsApp, LANJUT untuk meneruskan."
)

// roleAbbreviations are the short forms officials use themselves; they keep
// the role menu inside one SMS.
var roleAbbreviations = []string{"Kades", "Sekdes", "Kaur Keu", "Kaur Umum/Ren", "Kaur TU", "Kasi Pem", "Kasi Kesra", "Kasi Pel", "Kadus", "BPD", "Lainnya"}

// Roles is the menu of positions an official picks from at registration.
var Roles = []string{
	"Kepala Desa",
	"Sekretaris Desa",
	"Kaur Keuangan",
	"Kaur Umum dan Perencanaan",
	"Kaur Tata Usaha dan Umum",
	"Kasi Pemerintahan",
	"Kasi Kesejahteraan",
	"Kasi Pelayanan",
	"Kepala Dusun",
	"Anggota BPD",
	"Lainnya",
}

func msgHelp() Message {
	return Message{Kind: KindText, Title: "Perintah Pamong", SMSTitle: "Perintah",
		Text: "MENU: posisi belajar\nLANJUT: teruskan\nULANG: kirim ulang pesan terakhir\nMATERI: baca lagi materi pelajaran\nNILAI: nilai Anda\nWA atau SMS: terima pesan lewat WhatsApp atau SMS\nBERHENTI: berhenti menerima pesan\nMULAI: mulai lagi",
		SMS:  "MENU posisi, LANJUT teruskan, ULANG kirim ulang, MATERI baca lagi, NILAI nilai, WA/SMS pilih saluran, BERHENTI berhenti, MULAI mulai lagi"}
}

func msgAskVillage(name string) string {
	return fmt.Sprintf("Terima kasih, %s. Ketik kode desa Anda (10 angka), contoh 32.04.05.2001.", name)
}

func msgUnknownVillage(code string) string {
	return fmt.Sprintf("Kode %s tidak ditemukan. Periksa lagi 10 angka kode desa Anda, misalnya di surat dari kecamatan, lalu kirim ulang.", code)
}

// villageLabel names a village the way officials say it: "Desa Cileunyi
// Kulon, Kec. Cileunyi, Kab. Bandung, Jawa Barat".
func villageLabel(p *Place) string {
	kind := "Desa"
	if p.Kelurahan {
		kind = "Kel."
	}
	parts := []string{kind + " " + p.Village}
	if p.District != "" {
		parts = append(parts, "Kec. "+p.District)
	}
	if p.Regency != "" {
		parts = append(parts, strings.Replace(p.Regency, "Kabupaten ", "Kab. ", 1))
	}
	if p.Province != "" {
		parts = append(parts, p.Province)
	}
	return strings.Join(parts, ", ")
}

func msgConfirmVillage(label string) string {
	return label + " — benar? " + msgConfirmHint
}

func scoreText(s Score) string {
	return fmt.Sprintf("%d dari %d benar (nilai %d)", s.Correct, s.Total, s.Percent())
}
