package bot

import (
	"fmt"
	"strings"
)

// Registration wording. Every message an official may meet before the
// course says what to type next, so that nobody is stuck at the door.
const (
	msgBadVillage = "Kode desa terdiri dari 10 angka, contoh 32.04.05.2001, dan kode kecamatan 6 angka, contoh 32.04.05. " +
		"Bila tidak tahu kodenya, ketik nama desa Anda."
	msgSearchHelp = "Tidak apa-apa. Ketik nama desa Anda, contoh: Cileunyi Kulon. " +
		"Bila banyak yang sama, tambahkan kecamatannya, contoh: Sukamaju kec Cileunyi."
	msgNeedName     = "Ketik juga nama desa Anda, contoh: Sukamaju kab Bandung."
	msgNoRegions    = "Daftar nama desa belum tersedia. Ketik kode desa Anda (10 angka), contoh 32.04.05.2001."
	msgConfirmHint  = "Balas 1 (Ya) atau 2 (Bukan)."
	msgChooseFooter = "Balas 1-%d, atau ketik nama lain."
	msgKelurahan    = "Kelurahan tidak punya Kepala Desa, BPD, atau APB Desa, jadi sebagian materi kursus ini tidak berlaku. " +
		"Tetap ikut kursus? Balas 1 (Ya) atau 2 (Tidak)."
	msgKelurahanNo = "Baik. Bila Anda bertugas di sebuah desa, ketik nama atau kode desa itu."
	msgAskRole     = "Apa jabatan Anda? Balas dengan angka:"
	msgAskRoleSMS  = "Jabatan Anda? Balas angka:"
	msgNoKadesHere = "Kelurahan tidak punya Kepala Desa atau BPD. Pilih jabatan lain, atau Lainnya."
)

func msgRoleFooter(n int) string { return fmt.Sprintf("Balas dengan angka 1-%d.", n) }

func msgAskVillage(name string) string {
	return fmt.Sprintf("Terima kasih, %s. Di desa atau kelurahan mana Anda bertugas? Ketik namanya, contoh: Cileunyi Kulon, atau kode desa 10 angka.", name)
}

func msgUnknownVillage(code string) string {
	return fmt.Sprintf("Kode %s tidak ditemukan. Periksa lagi 10 angkanya, atau ketik nama desa Anda.", code)
}

func msgUnknownDistrict(code string) string {
	return fmt.Sprintf("Kode kecamatan %s tidak ditemukan. Periksa lagi 6 angkanya, atau ketik nama desa Anda.", code)
}

func msgNotFound(name string) string {
	return fmt.Sprintf("Desa \"%s\" tidak ditemukan. Periksa ejaannya, atau kirim kode kecamatan 6 angka untuk melihat daftar desanya.", titleCase(name))
}

func msgDistrictNotFound(name string) string {
	return fmt.Sprintf("Kecamatan \"%s\" tidak ditemukan. Periksa ejaannya, atau ketik nama desa Anda.", titleCase(name))
}

func msgTooMany(n int, name string) string {
	return fmt.Sprintf("Ada %d desa bernama %s. Ketik juga kecamatan atau kabupatennya, contoh: %s kec Cileunyi, atau %s kab Bandung.",
		n, titleCase(name), titleCase(name), titleCase(name))
}

func msgTooManyDistricts(n int, name string) string {
	return fmt.Sprintf("Ada %d kecamatan bernama %s. Ketik juga kabupatennya, contoh: kec %s kab Bandung, atau kirim kode kecamatan 6 angka.",
		n, titleCase(name), titleCase(name))
}

func msgDistrictTooLong(d *Place, n int) string {
	return fmt.Sprintf("%s punya %d desa dan kelurahan. Ketik nama desa Anda, contoh: Sukamaju kec %s.", districtLabel(d), n, d.District)
}

func msgChoiceMissing(n, max int) string {
	return fmt.Sprintf("Pilihan %d tidak ada. Balas 1-%d, atau ketik nama desa lain.", n, max)
}

func msgRegistered(name, role string) string {
	if role == "" {
		return fmt.Sprintf("Pendaftaran selesai. Selamat belajar, %s!", name)
	}
	return fmt.Sprintf("Pendaftaran selesai. Jabatan dicatat: %s. Selamat belajar, %s!", role, name)
}

// villageLabel names a village the way officials say it: "Desa Cileunyi
// Kulon, Kec. Cileunyi, Kab. Bandung, Jawa Barat".
func villageLabel(p *Place) string {
	parts := []string{choiceName(p)}
	if p.District != "" {
		parts = append(parts, "Kec. "+p.District)
	}
	if p.Regency != "" {
		parts = append(parts, regencyLabel(p.Regency))
	}
	if p.Province != "" {
		parts = append(parts, p.Province)
	}
	return strings.Join(parts, ", ")
}

// choiceName is a village's own name with its kind: "Desa Cileunyi Kulon",
// "Kel. Sarijadi".
func choiceName(p *Place) string {
	if p.Kelurahan {
		return "Kel. " + p.Village
	}
	return "Desa " + p.Village
}

// listName is a village in the list of its kecamatan, where the heading
// says where: "Cimekar", "Kel. Sarijadi".
func listName(p *Place) string {
	if p.Kelurahan {
		return "Kel. " + p.Village
	}
	return p.Village
}

// searchLabel is one line of a list of villages found by name: the village,
// its kecamatan and its regency, enough to tell namesakes apart.
func searchLabel(p *Place) string {
	parts := []string{choiceName(p)}
	if p.District != "" {
		parts = append(parts, "Kec. "+p.District)
	}
	if p.Regency != "" {
		parts = append(parts, regencyLabel(p.Regency))
	}
	return strings.Join(parts, ", ")
}

// districtLabel names a kecamatan with its regency: "Kec. Cileunyi, Kab.
// Bandung".
func districtLabel(p *Place) string {
	if p.Regency == "" {
		return "Kec. " + p.District
	}
	return "Kec. " + p.District + ", " + regencyLabel(p.Regency)
}

func regencyLabel(name string) string {
	return strings.Replace(name, "Kabupaten ", "Kab. ", 1)
}

func msgConfirmVillage(label string) string {
	return label + " — benar? " + msgConfirmHint
}

// titleCase writes a typed name the way names are written: "sukamaju" →
// "Sukamaju".
func titleCase(s string) string {
	ws := strings.Fields(s)
	for i, w := range ws {
		r := []rune(w)
		ws[i] = strings.ToUpper(string(r[0])) + string(r[1:])
	}
	return strings.Join(ws, " ")
}
