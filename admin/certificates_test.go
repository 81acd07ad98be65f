package admin_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/pamong-desa/pamong/admin"
	"github.com/pamong-desa/pamong/certificate"
	"github.com/pamong-desa/pamong/internal/learnertest"
	"github.com/pamong-desa/pamong/lessons"
)

// certify gives one learner a certificate in each of Lombok Barat, Lombok
// Tengah and Jawa Barat.
func (f *fixture) certify() (lobar, loteng, jabar certificate.Code) {
	f.t.Helper()
	course, err := lessons.BundledDefault()
	if err != nil {
		f.t.Fatal(err)
	}
	lobar = learnertest.Certified(f.t, f.db, course, "+6281200000101", "Baiq Nurul", "52.01.01.2001")
	loteng = learnertest.Certified(f.t, f.db, course, "+6281200000102", "Lalu Ahmad", "52.02.01.2010")
	jabar = learnertest.Certified(f.t, f.db, course, "+6281200000103", "Siti Aminah", "32.04.05.2001")
	return
}

func TestCertificatesListInScope(t *testing.T) {
	f := newFixture(t)
	lobar, loteng, jabar := f.certify()
	var all admin.CertificateList
	if status := f.call(f.national, "GET", "/api/v1/certificates", "", &all); status != http.StatusOK || all.Total != 3 {
		t.Fatalf("national list: %d %+v", status, all)
	}
	var mine admin.CertificateList
	if status := f.call(f.lobar, "GET", "/api/v1/certificates", "", &mine); status != http.StatusOK ||
		mine.Total != 1 || mine.Certificates[0].Code != lobar.String() || mine.Certificates[0].Name != "Baiq Nurul" {
		t.Fatalf("Lombok Barat's list: %d %+v", status, mine)
	}
	var ntb admin.CertificateList
	if status := f.call(f.national, "GET", "/api/v1/certificates?region=52", "", &ntb); status != http.StatusOK || ntb.Total != 2 {
		t.Errorf("national, region=52: %d %+v", status, ntb)
	}
	if status := f.call(f.lobar, "GET", "/api/v1/certificates?region=52.02", "", nil); status != http.StatusForbidden {
		t.Errorf("Lombok Barat asking for Lombok Tengah: %d", status)
	}
	if status := f.call(f.lobar, "GET", "/api/v1/certificates?status=lost", "", nil); status != http.StatusBadRequest {
		t.Errorf("unknown status: %d", status)
	}
	_, _ = loteng, jabar
}

func TestRevokeCertificate(t *testing.T) {
	f := newFixture(t)
	lobar, loteng, _ := f.certify()
	var row admin.CertificateRow
	if status := f.call(f.lobar, "POST", "/api/v1/certificates/"+loteng.String()+"/revoke", `{"reason": "x"}`, nil); status != http.StatusForbidden {
		t.Errorf("revoking another regency's certificate: %d", status)
	}
	if status := f.call(f.lobar, "POST", "/api/v1/certificates/"+lobar.String()+"/revoke", `{"reason": " "}`, nil); status != http.StatusBadRequest {
		t.Errorf("revoking without a reason: %d", status)
	}
	if status := f.call(f.lobar, "POST", "/api/v1/certificates/PMG-674Q-U9ME-527W/revoke", `{"reason": "x"}`, nil); status != http.StatusNotFound {
		t.Errorf("revoking an unknown code: %d", status)
	}
	if status := f.call(f.lobar, "POST", "/api/v1/certificates/"+strings.ToLower(string(lobar))+"/revoke",
		`{"reason": "Ujian dikerjakan orang lain"}`, &row); status != http.StatusOK ||
		row.Status != "revoked" || row.RevokedReason != "Ujian dikerjakan orang lain" || !strings.HasPrefix(row.RevokedBy, "DPMD Lombok Barat") {
		t.Fatalf("revoke: %d %+v", status, row)
	}
	if status := f.call(f.national, "POST", "/api/v1/certificates/"+lobar.String()+"/revoke", `{"reason": "lagi"}`, nil); status != http.StatusBadRequest {
		t.Errorf("revoking twice: %d", status)
	}
	var revoked admin.CertificateList
	if f.call(f.national, "GET", "/api/v1/certificates?status=revoked", "", &revoked); revoked.Total != 1 || revoked.Certificates[0].Code != lobar.String() {
		t.Errorf("revoked list: %+v", revoked)
	}
}

func TestExportCertificatesCSV(t *testing.T) {
	f := newFixture(t)
	_, _, jabar := f.certify()
	// Names imported from a spreadsheet may hold anything.
	if _, err := f.raw.Exec(`UPDATE certificates SET holder_name = '=HYPERLINK("x") Siti' WHERE code = $1`, string(jabar)); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/certificates.csv", nil)
	req.Header.Set("Authorization", "Bearer "+f.national)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	recs, err := csv.NewReader(res.Body).ReadAll()
	if err != nil || res.StatusCode != http.StatusOK || len(recs) != 4 || recs[0][0] != "code" {
		t.Fatalf("export: %d %v %v", res.StatusCode, err, recs)
	}
	found := false
	for _, r := range recs[1:] {
		found = found || r[2] == `'=HYPERLINK("x") Siti`
		for _, cell := range r {
			if strings.Contains(cell, "+62") {
				t.Errorf("the export has a phone number: %v", r)
			}
		}
	}
	if !found {
		t.Errorf("a name starting with = is not defused: %v", recs)
	}
	var b strings.Builder
	n, err := f.svc.ExportCertificates(context.Background(), admin.Operator("52.01"), nil, "", &b)
	if err != nil || n != 1 {
		t.Errorf("operator export of 52.01: %d %v", n, err)
	}
}
