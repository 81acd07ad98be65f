package admin_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/admin"
)

// rowsReader streams a CSV file of size bytes, a header then row(i) over
// and over, without holding it: the test measures the server's memory,
// not its own.
type rowsReader struct {
	header string
	row    func(i int) string
	size   int
	sent   int
	i      int
	buf    []byte
}

func (r *rowsReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.sent >= r.size {
			return 0, io.EOF
		}
		if r.header != "" {
			r.buf, r.header = []byte(r.header), ""
		} else {
			r.buf = []byte(r.row(r.i))
			r.i++
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	r.sent += n
	return n, nil
}

// post sends body to path as token, counts the answer's bytes and decodes
// at most its first 1 MB into out.
func (f *fixture) post(token, path string, body io.Reader, out any) (status int, size int64) {
	f.t.Helper()
	req, err := http.NewRequest("POST", f.srv.URL+path, body)
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	var head strings.Builder
	n, err := io.Copy(&head, io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		f.t.Fatal(err)
	}
	rest, _ := io.Copy(io.Discard, resp.Body)
	if out != nil && rest == 0 {
		if err := json.Unmarshal([]byte(head.String()), out); err != nil {
			f.t.Fatalf("POST %s: %.300s: %v", path, head.String(), err)
		}
	}
	return resp.StatusCode, n + rest
}

// A file of many bad rows answers with the first admin.MaxProblems of
// them, by line, and the count of all.
func TestImportListsTheFirstProblemsAndCountsTheRest(t *testing.T) {
	f := newFixture(t)
	var sb strings.Builder
	sb.WriteString("phone,name,role,village_code\n")
	for i := range 1000 {
		if i == 500 {
			sb.WriteString("081244440001,Good,Kades,52.01.01.2001\n")
		}
		sb.WriteString("x,,,\n")
	}
	var rep admin.ImportReport
	status, _ := f.post(f.lobar, "/api/v1/officials/import", strings.NewReader(sb.String()), &rep)
	if status != 200 || !rep.Imported || rep.Inserted != 1 || rep.Read != 1001 {
		t.Fatalf("%d %+v", status, rep)
	}
	if rep.ProblemCount != 1000 || len(rep.Problems) != admin.MaxProblems {
		t.Fatalf("%d problems listed of %d; want %d of 1000", len(rep.Problems), rep.ProblemCount, admin.MaxProblems)
	}
	for i, p := range rep.Problems {
		if p.Line != i+2 || !strings.Contains(p.Reason, `phone "x"`) {
			t.Fatalf("problem %d: %+v; want line %d", i, p, i+2)
		}
	}
	// Strict: the same cap, nothing imported.
	status, _ = f.post(f.lobar, "/api/v1/officials/import?strict=true", strings.NewReader(sb.String()), &rep)
	if status != 422 || rep.Imported || rep.ProblemCount != 1000 || len(rep.Problems) != admin.MaxProblems {
		t.Fatalf("strict: %d imported=%v %d of %d", status, rep.Imported, len(rep.Problems), rep.ProblemCount)
	}
}

// The problems the database finds (unknown villages, duplicates) are
// capped and counted the same way, merged by line with the file's own.
func TestImportCapsTheDatabasesProblemsToo(t *testing.T) {
	f := newFixture(t)
	var sb strings.Builder
	sb.WriteString("phone,name,role,village_code\n")
	for i := range 300 {
		switch i % 3 {
		case 0: // unknown village
			fmt.Fprintf(&sb, "0812555%05d,Unknown %d,Kades,52.01.01.2999\n", i, i)
		case 1: // the same phone as line 2
			sb.WriteString("081255500000,Again,Kades,52.01.01.2001\n")
		case 2: // bad phone
			sb.WriteString("0812,Short,Kades,52.01.01.2001\n")
		}
	}
	var rep admin.ImportReport
	status, _ := f.post(f.lobar, "/api/v1/officials/import", strings.NewReader(sb.String()), &rep)
	if status != 200 || rep.ProblemCount != 300 || len(rep.Problems) != admin.MaxProblems || rep.Inserted != 0 || rep.Read != 300 {
		t.Fatalf("%d inserted=%d read=%d %d of %d problems", status, rep.Inserted, rep.Read, len(rep.Problems), rep.ProblemCount)
	}
	for i, p := range rep.Problems {
		want := []string{"is not among the imported regions", "is also on line 2", "too short"}[i%3]
		if p.Line != i+2 || !strings.Contains(p.Reason, want) {
			t.Fatalf("problem %d: %+v; want line %d: %s", i, p, i+2, want)
		}
	}
}

// A huge header is named in the 400 only by its start.
func TestImportShortensAHugeHeaderInTheError(t *testing.T) {
	f := newFixture(t)
	header := "phone,nama," + strings.Repeat("x", 60<<10) + "\n"
	var e struct{ Error string }
	status, size := f.post(f.lobar, "/api/v1/officials/import", strings.NewReader(header+"081244440001,Good\n"), &e)
	if status != 400 || size > 2000 || !strings.Contains(e.Error, "lacks role, village_code") || !strings.Contains(e.Error, `"phone,nama,xxx`) {
		t.Fatalf("%d, %d bytes: %.500s", status, size, e.Error)
	}
}

// A row longer than any officials row can be (an unclosed quote, a file
// that is not CSV) stops the import with a 400 instead of being gathered
// in memory.
func TestImportRefusesAnOverlongRow(t *testing.T) {
	f := newFixture(t)
	for name, body := range map[string]io.Reader{
		"header":          &rowsReader{row: func(int) string { return "phone,name," }, size: 4 << 20},
		"unclosed quote":  &rowsReader{header: "phone,name,role,village_code\n081244440001,\"Siti,Kades,52.01.01.2001\n", row: func(int) string { return "081244440002,Budi,Kades,52.01.01.2001\n" }, size: 4 << 20},
		"one endless row": &rowsReader{header: "phone,name,role,village_code\n081244440001,Siti,Kades,52.01.01.2001\n", row: func(int) string { return "xxxxxxxx" }, size: 4 << 20},
	} {
		var e struct{ Error string }
		status, _ := f.post(f.lobar, "/api/v1/officials/import", body, &e)
		if status != 400 || !strings.Contains(e.Error, "longer than") {
			t.Errorf("%s: %d %.300s", name, status, e.Error)
		}
	}
	if n := f.count(`SELECT count(*) FROM learners`); n != 0 {
		t.Errorf("%d officials imported from refused files", n)
	}
}

func (f *fixture) count(query string) int {
	f.t.Helper()
	var n int
	if err := f.raw.Get(&n, query); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// An import holds a bounded amount of memory whatever the file's size: a
// file of hundreds of thousands of bad rows once took the server to 2 GB.
func TestImportMemoryStaysBounded(t *testing.T) {
	f := newFixture(t)
	const (
		size   = 4 << 20
		header = "phone,name,role,village_code\n"
	)
	body := &rowsReader{header: header, row: func(int) string { return "x,,,\n" }, size: size}
	var (
		rep    admin.ImportReport
		status int
		answer int64
	)
	peak := peakHeap(func() { status, answer = f.post(f.national, "/api/v1/officials/import", body, &rep) })
	t.Logf("%d MB of bad rows: heap rose by %.1f MB at most; the answer has %d bytes", size>>20, float64(peak)/(1<<20), answer)
	if status != 200 || rep.ProblemCount != (size-len(header)+4)/5 || answer > 64<<10 {
		t.Fatalf("%d: %d problems counted; answer of %d bytes", status, rep.ProblemCount, answer)
	}
	if peak > 32<<20 {
		t.Errorf("the heap rose by %d MB importing %d MB", peak>>20, size>>20)
	}
}

// peakHeap runs fn and returns how far the heap rose above where it was
// before, sampled every millisecond.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	var (
		peak uint64
		wg   sync.WaitGroup
		done = make(chan struct{})
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	if peak < base {
		return 0
	}
	return peak - base
}
