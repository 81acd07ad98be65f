package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// pamong is the real binary, built for this run, with the environment
// every command of the run shares: a private cluster in the run's
// directory, Twilio pointed at the fake, loopback ports.
type pamong struct {
	bin     string
	env     []string
	dataDir string
	base    string // http://127.0.0.1:PORT
	metrics string // http://127.0.0.1:PORT/metrics
	token   string // the metrics token
	logPath string

	serve *exec.Cmd
	exit  chan error // receives serve's end
}

// buildPamong compiles the module's ./cmd/pamong into dir, from the
// module's root whatever the working directory (a test runs in bench/).
func buildPamong(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "pamong")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/pamong-desa/pamong/cmd/pamong")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build pamong (run from the repository root): %w\n%s", err, out)
	}
	return bin, nil
}

// freeAddr is a loopback address nothing listens on right now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free loopback port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// run runs a pamong command to its end and returns its output.
func (p *pamong) run(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, p.bin, args...)
	cmd.Env = append(os.Environ(), p.env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("pamong %s: %w\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String(), nil
}

// start starts `pamong serve`, its log in logPath, and waits for /healthz.
func (p *pamong) start(ctx context.Context) error {
	logFile, err := os.Create(p.logPath)
	if err != nil {
		return fmt.Errorf("create the server log: %w", err)
	}
	p.serve = exec.Command(p.bin, "serve")
	p.serve.Env = append(os.Environ(), p.env...)
	p.serve.Stdout, p.serve.Stderr = logFile, logFile
	if err := p.serve.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("start pamong serve: %w", err)
	}
	p.exit = make(chan error, 1)
	go func() {
		p.exit <- p.serve.Wait()
		logFile.Close()
	}()
	deadline := time.Now().Add(60 * time.Second)
	for !p.healthy(ctx) {
		select {
		case err := <-p.exit:
			p.exit <- err
			return fmt.Errorf("pamong serve ended before it answered /healthz (%v): see %s", err, p.logPath)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pamong serve did not answer /healthz within 60 s: see %s", p.logPath)
		}
	}
	return nil
}

// healthy tells whether /healthz answers 200 within its own limit.
func (p *pamong) healthy(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"/healthz", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// pid is the server's process id.
func (p *pamong) pid() int { return p.serve.Process.Pid }

// running tells whether serve has not ended.
func (p *pamong) running() bool {
	select {
	case err := <-p.exit:
		p.exit <- err
		return false
	default:
		return true
	}
}

// exitErr is how serve ended (nil: cleanly, after a signal); call it
// once running is false.
func (p *pamong) exitErr() error {
	err := <-p.exit
	p.exit <- err
	return err
}

// stop ends serve with SIGTERM, as an operator would, and says whether it
// stopped cleanly within 30 s (then it is killed).
func (p *pamong) stop() error {
	if p.serve == nil || p.serve.Process == nil {
		return nil
	}
	if p.running() {
		p.serve.Process.Signal(syscall.SIGTERM)
	}
	select {
	case err := <-p.exit:
		p.exit <- err
		if err != nil {
			return fmt.Errorf("pamong serve did not stop cleanly on SIGTERM: %w", err)
		}
		return nil
	case <-time.After(30 * time.Second):
		p.serve.Process.Kill()
		return fmt.Errorf("pamong serve did not stop within 30 s of SIGTERM and was killed")
	}
}
