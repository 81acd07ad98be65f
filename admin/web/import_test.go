package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/admin"
)

// upload sends an officials file to the preview form, with the CSRF token
// csrf ("" sends none).
func (b *browser) upload(name, content, csrf string) (int, string) {
	b.f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if csrf != "" {
		mw.WriteField("csrf", csrf)
	}
	fw, _ := mw.CreateFormFile("file", name)
	io.WriteString(fw, content)
	mw.Close()
	resp, err := b.client.Post(b.f.srv.URL+"/admin/officials/import", mw.FormDataContentType(), &body)
	if err != nil {
		b.f.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// Known officials, imported the way the CLI does before each test.
const knownOfficials = "phone,name,role,village_code\n" +
	"081900000001,Siti Aminah,Kepala Desa,52.01.01.2001\n" +
	"081900000002,Budi Santoso,Kepala Desa,52.01.01.2001\n"

// The file a Lombok Barat admin uploads: one unchanged, one renamed, one
// new, a bad phone and a repeated phone.
const uploadFile = "phone,name,role,village_code\n" +
	"081900000001,Siti Aminah,Kepala Desa,52.01.01.2001\n" +
	"081900000002,Budi Santoso S.Pd,Kepala Desa,52.01.01.2001\n" +
	"081900000003,<i>Wayan</i>,Sekretaris Desa,52.01.01.2002\n" +
	"12345,Tanpa Nomor,Kepala Desa,52.01.01.2002\n" +
	"081900000003,Wayan Lagi,Kepala Desa,52.01.01.2002\n"

func importFixture(t *testing.T) *fixture {
	f := newFixture(t)
	if _, err := f.svc.ImportOfficials(context.Background(), admin.Operator(""), strings.NewReader(knownOfficials), true); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) learnerCount() int {
	var n int
	if err := f.raw.Get(&n, `SELECT count(*) FROM learners`); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// The preview says what would change and writes nothing; "Import" then
// writes exactly that, once.
func TestImportPreviewThenCommit(t *testing.T) {
	f := importFixture(t)
	b := f.browser()
	b.signIn(f.lobar)
	csrf := b.csrf()
	code, body := b.upload("aparat.csv", uploadFile, csrf)
	if code != 200 {
		t.Fatalf("preview: %d %s", code, body)
	}
	for _, want := range []string{`<b data-new>1</b>`, `<b data-updated>1</b>`, `<b data-unchanged>1</b>`, `<b data-problems>2</b>`,
		`data-problem-line="5"`, `data-problem-line="6"`, `&lt;i&gt;Wayan&lt;/i&gt;`, `data-change="new"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the preview lacks %s", want)
		}
	}
	if n := f.learnerCount(); n != 2 {
		t.Fatalf("the preview wrote: %d learners", n)
	}
	id, sha := hidden(body, "id"), hidden(body, "sha256")
	if id == "" || sha == "" {
		t.Fatalf("no import form: %s", body)
	}

	t.Run("another admin cannot import it", func(t *testing.T) {
		other := f.browser()
		other.signIn(f.ntb)
		code, _, _ := other.post("/admin/officials/import/commit", url.Values{"csrf": {other.csrf()}, "id": {id}, "sha256": {sha}})
		if code != 404 {
			t.Errorf("%d", code)
		}
	})
	t.Run("without the CSRF token", func(t *testing.T) {
		code, _, _ := b.post("/admin/officials/import/commit", url.Values{"id": {id}, "sha256": {sha}})
		if code != 403 {
			t.Errorf("%d", code)
		}
	})
	t.Run("with another checksum", func(t *testing.T) {
		// A checksum that is not the held file's refuses, and the upload
		// is spent: the admin previews again.
		other := f.browser()
		other.signIn(f.lobar)
		_, body := other.upload("aparat.csv", uploadFile, other.csrf())
		code, _, _ := other.post("/admin/officials/import/commit", url.Values{"csrf": {other.csrf()}, "id": {hidden(body, "id")},
			"sha256": {strings.Repeat("ab", 32)}})
		if code != 400 || f.learnerCount() != 2 {
			t.Errorf("%d, %d learners", code, f.learnerCount())
		}
	})

	code, body, _ = b.post("/admin/officials/import/commit", url.Values{"csrf": {csrf}, "id": {id}, "sha256": {sha}})
	if code != 200 || !strings.Contains(body, `<b data-inserted>1</b>`) || !strings.Contains(body, `<b data-updated>1</b>`) {
		t.Fatalf("import: %d %s", code, body)
	}
	var names []string
	if err := f.raw.Select(&names, `SELECT name FROM learners ORDER BY phone`); err != nil {
		t.Fatal(err)
	}
	if strings.Join(names, "|") != "Siti Aminah|Budi Santoso S.Pd|<i>Wayan</i>" {
		t.Errorf("after the import: %q", names)
	}
	code, _, _ = b.post("/admin/officials/import/commit", url.Values{"csrf": {csrf}, "id": {id}, "sha256": {sha}})
	if code != 404 {
		t.Errorf("a second import of one preview: %d; want 404", code)
	}
}

// A file with officials outside the admin's region is previewed as 403
// listing those lines, and there is nothing to import.
func TestImportOutsideScope(t *testing.T) {
	f := importFixture(t)
	b := f.browser()
	b.signIn(f.lobar)
	file := uploadFile + "081900000009,Made,Kepala Desa,52.02.01.2010\n"
	code, body := b.upload("aparat.csv", file, b.csrf())
	if code != 403 || !strings.Contains(body, `id="outside"`) || !strings.Contains(body, `data-problem-line="7"`) {
		t.Fatalf("%d %s", code, body)
	}
	if hidden(body, "id") != "" {
		t.Error("an import form for a file outside the region")
	}
	var held int
	f.raw.Get(&held, `SELECT count(*) FROM official_uploads`)
	if held != 0 || f.learnerCount() != 2 {
		t.Errorf("%d uploads held, %d learners", held, f.learnerCount())
	}
	// The province above may import the same file.
	p := f.browser()
	p.signIn(f.ntb)
	if code, body := p.upload("aparat.csv", file, p.csrf()); code != 200 || !strings.Contains(body, `<b data-new>2</b>`) {
		t.Errorf("provincial admin: %d %s", code, body)
	}
}

func TestImportRefusals(t *testing.T) {
	f := importFixture(t)
	b := f.browser()
	b.signIn(f.lobar)
	csrf := b.csrf()
	tests := []struct {
		name, file, csrf string
		status           int
		want             string
	}{
		{"no CSRF token", uploadFile, "", 403, "kedaluwarsa"},
		{"a wrong CSRF token", uploadFile, "x" + csrf, 403, "kedaluwarsa"},
		{"an empty file", "", csrf, 400, "the file is empty"},
		{"no phone column", "name,role\nSiti,Kepala Desa\n", csrf, 400, "phone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := b.upload("aparat.csv", tt.file, tt.csrf)
			if code != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("%d; want %d with %q: %s", code, tt.status, tt.want, body)
			}
		})
	}
	t.Run("too large", func(t *testing.T) {
		big := "phone,name,role,village_code\n" + strings.Repeat("081900000001,Siti Aminah,Kepala Desa,52.01.01.2001\n", admin.MaxUpload/50+1)
		code, body := b.upload("besar.csv", big, csrf)
		if code != 400 || !strings.Contains(body, "MB") {
			t.Errorf("%d %s", code, body)
		}
	})
	t.Run("expired", func(t *testing.T) {
		_, body := b.upload("aparat.csv", uploadFile, csrf)
		f.clock.add(admin.UploadTTL + time.Minute)
		code, _, _ := b.post("/admin/officials/import/commit", url.Values{"csrf": {csrf}, "id": {hidden(body, "id")}, "sha256": {hidden(body, "sha256")}})
		if code != http.StatusNotFound || f.learnerCount() != 2 {
			t.Errorf("%d, %d learners", code, f.learnerCount())
		}
	})
}
