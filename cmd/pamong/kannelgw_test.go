package main

import (
	"bufio"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Kannel as Debian's kannel and kannel-extras packages install it; .ci/run
// installs them when they are missing.
const (
	bearerboxBin = "/usr/sbin/bearerbox"
	smsboxBin    = "/usr/sbin/smsbox"
	fakesmscBin  = "/usr/lib/kannel/test/fakesmsc"
	shortCode    = "1234" // KANNEL_FROM: the number learners write to
)

// kannelGateway is a real Kannel on loopback ports: bearerbox with a
// "fake" SMSC connection, which the test plays the handsets on, and
// smsbox, whose sms-service calls Pamong (through gate) and whose sendsms
// interface Pamong sends through.
type kannelGateway struct {
	t                                      *testing.T
	dir, conf                              string
	adminPort, boxPort, sendsmsPort, smscP int
	password, secret                       string
	bearerbox, smsbox                      *proc
}

func newKannelGateway(t *testing.T) *kannelGateway {
	for _, bin := range []string{bearerboxBin, smsboxBin, fakesmscBin} {
		if _, err := os.Stat(bin); err != nil {
			t.Fatalf("Kannel is not installed (%v): run .ci/run, or apt-get install kannel kannel-extras", err)
		}
	}
	ports := freePorts(t, 4)
	return &kannelGateway{t: t, dir: t.TempDir(), adminPort: ports[0], boxPort: ports[1], sendsmsPort: ports[2], smscP: ports[3],
		password: randomToken(), secret: randomToken()}
}

// env is what Pamong needs to use this gateway.
func (k *kannelGateway) env() []string {
	return []string{"SMS_PROVIDER=kannel",
		fmt.Sprintf("KANNEL_SENDSMS_URL=http://127.0.0.1:%d/cgi-bin/sendsms", k.sendsmsPort),
		"KANNEL_USERNAME=pamong", "KANNEL_PASSWORD=" + k.password, "KANNEL_FROM=" + shortCode, "KANNEL_SECRET=" + k.secret}
}

// configure writes kannel.conf: the README's fragment, on free loopback
// ports, with inbound SMS going to pamongURL.
func (k *kannelGateway) configure(pamongURL string) {
	k.conf = filepath.Join(k.dir, "kannel.conf")
	conf := fmt.Sprintf(`group = core
admin-port = %[1]d
admin-interface = 127.0.0.1
admin-password = %[5]s
admin-allow-ip = 127.0.0.1
smsbox-port = %[2]d
box-allow-ip = 127.0.0.1
box-deny-ip = "*.*.*.*"
# Keep what bearerbox has queued ("3: Queued for later delivery") across restarts.
store-type = file
store-location = "%[6]s/kannel.store"
dlr-storage = internal
log-file = "%[6]s/bearerbox.log"
log-level = 0

# The handsets: a test-only SMSC that fakesmsc (or this test) connects to.
group = smsc
smsc = fake
smsc-id = fake
our-host = 127.0.0.1
port = %[4]d
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = %[2]d
sendsms-port = %[3]d
sendsms-interface = 127.0.0.1
http-request-retry = 3
http-queue-delay = 1
log-file = "%[6]s/smsbox.log"
log-level = 0

group = sendsms-user
username = pamong
password = %[5]s
user-allow-ip = 127.0.0.1
max-messages = 1

group = sms-service
keyword = default
catch-all = true
get-url = "%[7]s/webhooks/kannel/sms?secret=%[8]s&id=%%I&from=%%p&to=%%P&coding=%%c&charset=%%C&text=%%b"
max-messages = 0
omit-empty = true
accept-x-kannel-headers = true
`, k.adminPort, k.boxPort, k.sendsmsPort, k.smscP, k.password, k.dir, pamongURL, k.secret)
	if err := os.WriteFile(k.conf, []byte(conf), 0o600); err != nil {
		k.t.Fatal(err)
	}
}

// start runs bearerbox, then smsbox, and waits until sendsms answers.
func (k *kannelGateway) start() {
	k.t.Helper()
	k.bearerbox = startProc(k.t, filepath.Join(k.dir, "bearerbox.out"), bearerboxBin, k.conf)
	waitFor(k.t, "bearerbox to listen for smsbox", func() bool { return dials(k.boxPort) })
	k.smsbox = startProc(k.t, filepath.Join(k.dir, "smsbox.out"), smsboxBin, k.conf)
	waitFor(k.t, "smsbox's sendsms interface", func() bool {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/cgi-bin/sendsms", k.sendsmsPort))
		if err != nil {
			return false
		}
		resp.Body.Close()
		return true
	})
}

// stop stops bearerbox as an operator does (SIGTERM); smsbox follows it.
func (k *kannelGateway) stop() {
	k.t.Helper()
	k.bearerbox.stop(k.t)
	if !k.smsbox.wait(10 * time.Second) {
		k.t.Error("smsbox outlived bearerbox")
		k.smsbox.stop(k.t)
	}
}

// status is bearerbox's status page.
func (k *kannelGateway) status() string {
	k.t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/status.txt?password=%s", k.adminPort, k.password))
	if err != nil {
		k.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// logs is the tail of Kannel's logs, for a failing test.
func (k *kannelGateway) logs() string {
	var b strings.Builder
	for _, name := range []string{"bearerbox.log", "smsbox.log", "bearerbox.out", "smsbox.out"} {
		data, _ := os.ReadFile(filepath.Join(k.dir, name))
		if len(data) > 6000 {
			data = data[len(data)-6000:]
		}
		fmt.Fprintf(&b, "--- %s\n%s\n", name, data)
	}
	return b.String()
}

// proc is a child process in a process group of its own.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{}
}

func startProc(t *testing.T, logFile, bin string, args ...string) *proc {
	t.Helper()
	out, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		out.Close()
		close(p.done)
	}()
	t.Cleanup(func() { p.stop(t) })
	return p
}

func (p *proc) wait(d time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(d):
		return false
	}
}

// stop ends the process and anything it started: SIGTERM, then SIGKILL to
// its process group if it has not gone within 10 seconds.
func (p *proc) stop(t *testing.T) {
	select {
	case <-p.done:
		return
	default:
	}
	syscall.Kill(p.cmd.Process.Pid, syscall.SIGTERM)
	if !p.wait(10 * time.Second) {
		t.Errorf("%s did not stop on SIGTERM; killed", p.cmd.Path)
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}

func freePorts(t *testing.T, n int) []int {
	var ports []int
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

func dials(port int) bool {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// randomToken is 26 random letters and digits: a password, or a secret
// that passes through URLs and Kannel's escape codes unchanged.
func randomToken() string { return rand.Text() }

// handsets speaks fakesmsc's protocol to bearerbox's fake SMSC, one line
// per SMS: "sender receiver text message". It plays any number of phones
// over one connection and keeps every SMS the SMSC hands it, across
// reconnections.
type handsets struct {
	t     *testing.T
	port  int
	mu    sync.Mutex
	conn  net.Conn
	lines []string
	eof   chan struct{}
}

func (h *handsets) connect() {
	h.t.Helper()
	var conn net.Conn
	waitFor(h.t, "the fake SMSC to accept handsets", func() bool {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", h.port))
		conn = c
		return err == nil
	})
	eof := make(chan struct{})
	h.mu.Lock()
	h.conn, h.eof = conn, eof
	h.mu.Unlock()
	h.t.Cleanup(func() { conn.Close() })
	go func() {
		defer close(eof)
		sc := bufio.NewScanner(conn)
		for sc.Scan() {
			h.mu.Lock()
			h.lines = append(h.lines, sc.Text())
			h.mu.Unlock()
		}
	}()
}

// send is an SMS from phone (as the SMSC writes it: 62…, no +) to the
// short code.
func (h *handsets) send(phone, text string) {
	h.t.Helper()
	h.mu.Lock()
	conn := h.conn
	h.mu.Unlock()
	if _, err := fmt.Fprintf(conn, "%s %s text %s\n", phone, shortCode, text); err != nil {
		h.t.Fatalf("handset %s: %v", phone, err)
	}
}

type receivedSMS struct{ from, coding, text string }

// received is every SMS the SMSC handed to phone, in order. The protocol
// has no escape for a line break in a GSM-7 message: a line that does not
// start a message continues the one before.
func (h *handsets) received(phone string) []receivedSMS {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []receivedSMS
	mine := false
	for _, line := range h.lines {
		f := strings.SplitN(line, " ", 4)
		if len(f) == 4 && f[0] == shortCode && (f[2] == "text" || f[2] == "data" || f[2] == "ucs-2") {
			mine = f[1] == phone
			if mine {
				out = append(out, receivedSMS{from: f[0], coding: f[2], text: f[3]})
			}
			continue
		}
		if mine && len(out) > 0 {
			out[len(out)-1].text += "\n" + line
		}
	}
	return out
}

// gate passes smsbox's get-url requests on to Pamong. Held, it answers the
// next one itself and hands it to the test, which can stop Kannel before
// Pamong sees the message: the moment between Kannel delivering an SMS
// and Pamong's reply, made to last.
type gate struct {
	target string
	mu     sync.Mutex
	hold   chan string
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	hold := g.hold
	g.hold = nil
	g.mu.Unlock()
	if hold != nil {
		hold <- r.URL.RequestURI()
		return
	}
	resp, err := http.Get(g.target + r.URL.RequestURI())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

func (g *gate) holdNext() <-chan string {
	c := make(chan string, 1)
	g.mu.Lock()
	g.hold = c
	g.mu.Unlock()
	return c
}

// newLoopbackServer serves h on a loopback port until the test ends.
func newLoopbackServer(t *testing.T, h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}
