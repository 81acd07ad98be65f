package main

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as pamong: run with PAMONG_TEST_AS_BINARY=1 it
// is the real command, so these tests go through main, flags, the
// environment and exit codes exactly as a user does.
func TestMain(m *testing.M) {
	if os.Getenv("PAMONG_TEST_AS_BINARY") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// pamong runs the command with the given environment additions and input.
type pamong struct {
	t   *testing.T
	env []string
}

type result struct {
	stdout, stderr string
	code           int
}

func (p pamong) run(stdin string, args ...string) result {
	p.t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), append([]string{"PAMONG_TEST_AS_BINARY=1"}, p.env...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		p.t.Fatalf("run pamong %v: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

func (p pamong) ok(stdin string, args ...string) string {
	p.t.Helper()
	r := p.run(stdin, args...)
	if r.code != 0 {
		p.t.Fatalf("pamong %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// privateCluster gives the binary a data directory of its own, so the test
// proves the zero-set-up path: no DATABASE_URL at all.
func privateCluster(t *testing.T) pamong {
	dir, err := os.MkdirTemp("", "pamong-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	// The server may run as the postgres user, who must reach the directory.
	if err := os.Chmod(dir, 0o711); err != nil {
		t.Fatal(err)
	}
	p := pamong{t: t, env: []string{"DATABASE_URL=", "PAMONG_DATA_DIR=" + filepath.Join(dir, "pg")}}
	t.Cleanup(func() {
		p.run("", "db", "stop")
		os.RemoveAll(dir)
	})
	return p
}

// rootsHomeCluster is privateCluster in a directory only its owner can
// enter, as root's home or a mktemp -d directory is: run as root, the
// postgres user cannot reach it, so the cluster lives under
// /var/lib/pamong and the data dir points at it.
func rootsHomeCluster(t *testing.T) pamong {
	dir, err := os.MkdirTemp("", "pamong-e2e-0700-")
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, ".pamong")
	p := pamong{t: t, env: []string{"DATABASE_URL=", "PAMONG_DATA_DIR=" + data}}
	t.Cleanup(func() {
		p.run("", "db", "stop")
		if home, err := os.ReadFile(filepath.Join(data, "cluster")); err == nil {
			os.RemoveAll(strings.TrimSpace(string(home)))
		}
		os.RemoveAll(dir)
	})
	return p
}

// A fresh machine: no region file anywhere, a data dir out of the postgres
// user's reach when run as root. The first command creates the cluster and
// seeds the embedded region codes; a newer file still loads over them.
func TestZeroSetUp(t *testing.T) {
	p := rootsHomeCluster(t)
	r := p.run("", "migrate")
	if r.code != 0 || !strings.Contains(r.stdout, "up to date") || !strings.Contains(r.stderr, "imported the region codes embedded in this binary") {
		t.Fatalf("migrate: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if out := p.ok("", "db", "status"); !strings.Contains(out, "running") {
		t.Fatalf("db status: %s", out)
	}
	if r := p.run("", "migrate"); strings.Contains(r.stderr, "imported the region codes") {
		t.Fatalf("seeded the regions a second time:\n%s", r.stderr)
	}
	out := p.ok("", "regions", "status")
	for _, want := range []string{"provinces      38", "regencies     514", "districts    7285", "villages    83762", "source     Kepmendagri No 300.2.2-2138 Tahun 2025 (embedded), imported "} {
		if !strings.Contains(out, want) {
			t.Fatalf("regions status lacks %q:\n%s", want, out)
		}
	}
	out = p.ok("", "regions", "import", "testdata/wilayah-baru.csv")
	if !strings.Contains(out, "3 regions read, 1 new, 1 updated, 1 unchanged") {
		t.Fatalf("import of a newer file: %s", out)
	}
	if out := p.ok("", "regions", "status"); !strings.Contains(out, "villages    83763") || !strings.Contains(out, "testdata/wilayah-baru.csv, imported ") {
		t.Fatalf("regions status after a file import:\n%s", out)
	}

	// A newcomer registers with a real village code, takes the pretest
	// and the first lesson, stops, and comes back.
	script := "halo\nSiti Aminah\n3204052001\n1\n3\n" + strings.Repeat("1\n", 5) + strings.Repeat("2\n", 4)
	out = p.ok(script, "chat", "--phone", "0812 0000 0001")
	for _, want := range []string{
		"Desa Cileunyi Kulon, Kec. Cileunyi, Kab. Bandung, Jawa Barat — benar?",
		"Pendaftaran selesai",
		"Pretest selesai",
		"*Pelajaran 1 dari 6",
		"Pelajaran 1 selesai. Nilai kuis:",
	} {
		if !strings.Contains(out, want) {
			t.Fatalf("chat lacks %q:\n%s", want, out)
		}
	}
	out = p.ok("MENU\nLANJUT\n", "chat", "--phone", "+6281200000001")
	if !strings.Contains(out, "Posisi Anda: Pelajaran 1 dari 6 selesai") || !strings.Contains(out, "*Pelajaran 2 dari 6") {
		t.Fatalf("second session did not resume:\n%s", out)
	}
}

// Several pamong processes starting together on a new data directory: one
// creates the cluster, the others wait for it and use it.
func TestConcurrentStartsShareThePrivateCluster(t *testing.T) {
	p := privateCluster(t)
	results := make(chan result, 3)
	for range 3 {
		go func() { results <- p.run("", "migrate") }()
	}
	for range 3 {
		if r := <-results; r.code != 0 {
			t.Errorf("exit %d: %s", r.code, r.stderr)
		}
	}
}

func TestChatOverSMSIsOneGSM7SegmentPerMessage(t *testing.T) {
	p := privateCluster(t)
	script := "halo\nBudi Santoso\n32.04.05.2001\nya\n1\n" + strings.Repeat("2\n", 5) + strings.Repeat("1\n", 4) + "1\n" + strings.Repeat("3\n", 4) + "nilai\nbantuan\nmenu\nulang\n"
	out := p.ok(script, "chat", "--channel", "sms", "--json", "--phone", "+6281300000002")
	sc := bufio.NewScanner(strings.NewReader(out))
	n := 0
	for sc.Scan() {
		var m struct {
			Channel, To, Text, Encoding string
			Segments                    int
		}
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("not JSON: %q: %v", sc.Text(), err)
		}
		if m.Segments != 1 || m.Encoding != "GSM-7" || m.Channel != "sms" || m.To != "+6281300000002" {
			t.Errorf("message %d: %+v", n, m)
		}
		n++
	}
	if n < 30 {
		t.Fatalf("only %d messages:\n%s", n, out)
	}
}

func TestLessonsCheck(t *testing.T) {
	p := pamong{t: t}
	out := p.ok("", "lessons", "check")
	for _, want := range []string{"dasar-pamong: ok", "2 modules, 6 lessons, 34 questions",
		"lesson l1-uu-desa: 3 SMS of cards, 5 SMS for its quiz with every answer right", "all lessons: 48 SMS"} {
		if !strings.Contains(out, want) {
			t.Errorf("bundled course: output lacks %q:\n%s", want, out)
		}
	}
	dir := t.TempDir()
	src, err := os.ReadFile("../../lessons/courses/dasar-pamong/course.yaml")
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(src), "answer: 3", "answer: 7", 1)
	if err := os.WriteFile(filepath.Join(dir, "course.yaml"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	mod, _ := os.ReadFile("../../lessons/courses/dasar-pamong/01-pemerintahan.yaml")
	os.WriteFile(filepath.Join(dir, "01-pemerintahan.yaml"), []byte(strings.Replace(string(mod), "id: l1-q2", "id: l1-q1", 1)), 0o644)
	r := p.run("", "lessons", "check", dir)
	if r.code != 1 {
		t.Fatalf("exit %d on a broken course:\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"course.yaml:", "answer 7 is out of range", "01-pemerintahan.yaml:", `duplicate question id "l1-q1"`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("lessons check output lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.HasSuffix(r.stderr, ": 2 problems\n") {
		t.Errorf("stderr = %q, want the count of problems", r.stderr)
	}
	os.WriteFile(filepath.Join(dir, "01-pemerintahan.yaml"), mod, 0o644)
	if r := p.run("", "lessons", "check", dir); r.code != 1 || !strings.HasSuffix(r.stderr, ": 1 problem\n") {
		t.Errorf("exit %d, stderr %q; want 1 and \"1 problem\"", r.code, r.stderr)
	}
}

func TestServeHealthAndMetrics(t *testing.T) {
	p := privateCluster(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	metricsAddr := ln.Addr().String()
	ln.Close()
	const token = "metrics-token-0123456789"
	cmd := exec.Command(os.Args[0], "serve")
	cmd.Env = append(os.Environ(), append([]string{"PAMONG_TEST_AS_BINARY=1", "PAMONG_ADDR=" + addr,
		"PAMONG_METRICS_ADDR=" + metricsAddr, "PAMONG_METRICS_TOKEN=" + token}, p.env...)...)
	var logs, welcome strings.Builder
	cmd.Stderr, cmd.Stdout = &logs, &welcome
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	var resp *http.Response
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err = http.Get("http://" + addr + "/healthz")
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("healthz never answered: %v\n%s", err, logs.String())
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %s", resp.Status)
	}
	// Metrics are private: not on the public port, and only with the token
	// on their own.
	for _, c := range []struct {
		url, auth string
		want      int
	}{
		{"http://" + addr + "/metrics", "Bearer " + token, http.StatusNotFound},
		{"http://" + metricsAddr + "/metrics", "", http.StatusUnauthorized},
	} {
		req, _ := http.NewRequest("GET", c.url, nil)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		if resp, err = http.DefaultClient.Do(req); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Fatalf("GET %s: %s; want %d", c.url, resp.Status, c.want)
		}
	}
	req, _ := http.NewRequest("GET", "http://"+metricsAddr+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := new(strings.Builder)
	bufio.NewReader(resp.Body).WriteTo(body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(body.String(), "go_goroutines") {
		t.Fatalf("metrics: %s\n%.300s", resp.Status, body.String())
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve did not stop cleanly on SIGTERM: %v\n%s", err, logs.String())
	}
	// What a person who typed make run reads first.
	for _, want := range []string{"Pamong is running at http://" + addr, "./pamong chat", "Data: a private PostgreSQL in "} {
		if !strings.Contains(welcome.String(), want) {
			t.Errorf("serve's welcome lacks %q:\n%s", want, welcome.String())
		}
	}
}

func TestBadInputGetsClearMessages(t *testing.T) {
	p := privateCluster(t)
	csv := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(csv, []byte("code,name\n32,Provinsi Jawa Barat\n320,Salah\n32.04,\n"), 0o644)
	tests := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"missing file", nil, []string{"regions", "import", "/nonexistent.csv"}, "open region file"},
		{"bad rows", nil, []string{"regions", "import", csv}, "bad.csv:3: region code \"320\" has 3 digits"},
		{"unreachable database", []string{"DATABASE_URL=postgres://pamong@127.0.0.1:1/pamong?sslmode=disable&connect_timeout=2"}, []string{"migrate"}, "connect to database postgres://pamong@127.0.0.1:1/pamong"},
		{"not a connection string", []string{"DATABASE_URL=localhost"}, []string{"migrate"}, "DATABASE_URL: not a PostgreSQL connection string"},
		{"unknown command", nil, []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"bad phone", nil, []string{"chat", "--phone", "022-123456"}, "not a mobile number"},
		{"bad channel", nil, []string{"chat", "--channel", "fax"}, "want whatsapp or sms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := pamong{t: t, env: append(append([]string{}, p.env...), tt.env...)}
			r := q.run("", tt.args...)
			if r.code == 0 || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("exit %d, stderr:\n%s\nwant non-zero and %q", r.code, r.stderr, tt.want)
			}
			if strings.Contains(r.stderr, "panic") {
				t.Fatalf("panicked:\n%s", r.stderr)
			}
		})
	}
	// The good row of the bad file was imported all the same.
	out := p.run("", "regions", "import", csv).stdout
	if !strings.Contains(out, "0 new, 0 updated, 1 unchanged") {
		t.Fatalf("the good row of the bad file was not kept: %s", out)
	}
}

func TestHelp(t *testing.T) {
	p := pamong{t: t}
	for _, c := range commands() {
		out := p.ok("", c.name, "--help")
		if !strings.Contains(out, "Usage: pamong "+c.name) {
			t.Errorf("%s --help: %s", c.name, out)
		}
	}
	if out := p.ok("", "version"); !strings.HasPrefix(out, "pamong ") {
		t.Errorf("version: %s", out)
	}
}
