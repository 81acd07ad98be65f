package bot

import (
	"fmt"
)

// Learner-facing wording, in plain polite Indonesian. Kept short: on SMS
// every message must fit 160 characters.
const (
	msgWelcome       = "Selamat datang di Pamong, belajar tata kelola dan keuangan desa lewat pesan singkat. Siapa nama lengkap Anda?"
	msgAskName       = "Siapa nama lengkap Anda? Contoh: Siti Aminah"
	msgNotUnderstood = "Maaf, balasan tidak dikenali."
	msgBadName       = "Maaf, nama itu tidak terbaca. Balas dengan nama lengkap Anda dalam huruf, contoh: Siti Aminah"

	msgRegisterFirst  = "Selesaikan pendaftaran dulu, ya."
	msgOptedOut       = "Baik, Anda tidak akan menerima pesan lagi dari Pamong. Untuk kembali belajar, kirim MULAI."
	msgCourseUpdated  = "Materi kursus baru saja diperbarui. Kita lanjutkan dari sini."
	msgNotStartedYet  = "Anda belum memulai kursus."
	msgLessonEndHint  = "Balas 1 untuk lanjut atau 2 untuk mengulang kuis."
	msgCourseDone     = "Anda sudah menyelesaikan kursus ini. Terima kasih!"
	msgPretestIntro   = "Sebelum mulai, ada pretest %d pertanyaan untuk mengukur pengetahuan awal Anda. Nilainya tidak menentukan kelulusan."
	msgPosttestIntro  = "Post-test: %d pertanyaan. Nilai minimal lulus %d."
	msgRetryPosttest  = "Balas 1 untuk mengulang post-test."
	msgRetryOrScore   = "Balas 1 untuk mengulang post-test atau NILAI untuk melihat nilai Anda."
	msgChoiceHint     = "Jawaban tidak dikenali. Balas dengan angka 1-%d."
	msgChoiceRange    = "Pilihan %d tidak ada. Balas dengan angka 1-%d."
	msgPreferWhatsApp = "Baik, pesan dari Pamong akan dikirim lewat WhatsApp. Balas LANJUT untuk meneruskan."
	msgPreferSMS      = "Baik, pesan dari Pamong akan dikirim lewat SMS. Balas WA untuk kembali ke WhatsApp, LANJUT untuk meneruskan."
)

func msgHelp() Message {
	return Message{Kind: KindText, Title: "Perintah Pamong", SMSTitle: "Perintah",
		Text: "MENU: posisi belajar\nLANJUT: teruskan\nULANG: kirim ulang pesan terakhir\nNILAI: nilai Anda\nBERHENTI: berhenti menerima pesan\nMULAI: mulai lagi",
		SMS:  "MENU posisi, LANJUT teruskan, ULANG kirim ulang, NILAI nilai, BERHENTI stop pesan, MULAI mulai lagi"}
}

func scoreText(s Score) string {
	return fmt.Sprintf("%d dari %d benar (nilai %d)", s.Correct, s.Total, s.Percent())
}
