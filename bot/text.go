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
	msgPaused         = "Baik, pengingat dan ulasan dari Pamong berhenti selama %d hari. Kirim pesan apa saja untuk melanjutkan lebih cepat."
	msgPauseRange     = "Jeda bisa 1 sampai %d hari. Contoh: JEDA untuk 7 hari, JEDA 30 untuk 30 hari."
	msgAfterReview    = "Balas LANJUT untuk meneruskan belajar."
	msgPreferSMS      = "Baik, pesan dari Pamong akan dikirim lewat SMS. Balas WA untuk kembali ke WhatsApp, LANJUT untuk meneruskan."
)

func msgHelp() Message {
	return Message{Kind: KindText, Title: "Perintah Pamong", SMSTitle: "Perintah",
		Text: "MENU: posisi belajar\nLANJUT: teruskan\nULANG: kirim ulang pesan terakhir\nMATERI: baca lagi materi pelajaran\nNILAI: nilai Anda\nJEDA: hentikan pengingat 7 hari (JEDA 30: 30 hari)\nWA atau SMS: terima pesan lewat WhatsApp atau SMS\nBERHENTI: berhenti menerima pesan\nMULAI: mulai lagi",
		SMS:  "MENU posisi, LANJUT teruskan, ULANG kirim ulang, MATERI baca lagi, NILAI nilai, JEDA jeda 7 hari, WA/SMS saluran, BERHENTI berhenti, MULAI mulai lagi"}
}

func scoreText(s Score) string {
	return fmt.Sprintf("%d dari %d benar (nilai %d)", s.Correct, s.Total, s.Percent())
}
