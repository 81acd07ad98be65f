package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/lib/pq"

	"github.com/pamong-desa/pamong/internal/faketwilio"
	"github.com/pamong-desa/pamong/localpg"
)

// soakConfig is what the flags of `bench soak` set.
type soakConfig struct {
	duration, pace, adminPace, announceEvery, importEvery time.Duration
	outage, every                                         time.Duration
	learners, restarts                                    int
	limit                                                 float64
	keep                                                  bool
}

var tokenLine = regexp.MustCompile(`(?m)^pmg_[A-Za-z0-9_-]{43}$`)

func soakCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var c soakConfig
	fs.DurationVar(&c.duration, "duration", 30*time.Minute, "how long the traffic runs")
	fs.IntVar(&c.learners, "learners", 20, "learners writing SMS at once")
	fs.DurationVar(&c.pace, "pace", 3*time.Second, "the mean time between one learner's messages")
	fs.DurationVar(&c.adminPace, "admin-pace", 2*time.Second, "the mean time between admin API reads")
	fs.DurationVar(&c.importEvery, "import-every", 2*time.Minute, "how often the admin imports a small officials CSV")
	fs.DurationVar(&c.announceEvery, "announce-every", 3*time.Minute, "how often an announcement goes to Kab. Bandung")
	fs.IntVar(&c.restarts, "restarts", 2, "database restarts, evenly spread over the run")
	fs.DurationVar(&c.outage, "outage", 20*time.Second, "how long the database stays down at each restart")
	fs.DurationVar(&c.every, "sample", 30*time.Second, "how often RSS, FDs and goroutines are read")
	fs.Float64Var(&c.limit, "limit", 2, "fail when RSS, FDs or goroutines end above this multiple of their level after warm-up")
	fs.BoolVar(&c.keep, "keep", false, "keep the run's directory (binary, server log, cluster) even when it passes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.duration < time.Minute || c.learners < 1 || c.pace <= 0 || c.adminPace <= 0 || c.announceEvery <= 0 ||
		c.importEvery <= 0 || c.every <= 0 || c.restarts < 0 || c.outage < 0 || c.limit <= 1 {
		return errors.New("soak: want -duration of at least 1m, at least one learner, positive intervals and -limit above 1")
	}
	what := fmt.Sprintf("Soak: %s of traffic, %d learners, %d database restarts of %s", c.duration, c.learners, c.restarts, c.outage)
	return inRunDir(stdout, "soak", what, c.keep, func(dir string) (bool, error) { return soak(ctx, c, dir, stdout) })
}

// soak runs the whole test; it leaves nothing running, whatever happens.
func soak(ctx context.Context, c soakConfig, dir string, w io.Writer) (bool, error) {
	fake, stopFake := startFakeTwilio(twilioSID, twilioToken)
	defer stopFake()
	bin, err := buildPamong(ctx, dir)
	if err != nil {
		return false, err
	}
	addr, err := freeAddr()
	if err != nil {
		return false, err
	}
	metricsAddr, err := freeAddr()
	if err != nil {
		return false, err
	}
	p := &pamong{bin: bin, dataDir: filepath.Join(dir, "pg"), base: "http://" + addr,
		metrics: "http://" + metricsAddr + "/metrics", token: "soak-metrics-0123456789", logPath: filepath.Join(dir, "serve.log")}
	p.env = []string{"DATABASE_URL=", "PAMONG_DATA_DIR=" + p.dataDir, "PAMONG_ADDR=" + addr, "PAMONG_PUBLIC_URL=" + p.base,
		"PAMONG_METRICS_ADDR=" + metricsAddr, "PAMONG_METRICS_TOKEN=" + p.token, "PAMONG_LOG_LEVEL=info",
		"TWILIO_ACCOUNT_SID=" + twilioSID, "TWILIO_AUTH_TOKEN=" + twilioToken, "TWILIO_FROM=" + twilioFrom,
		"TWILIO_API_URL=" + fake.URL, "SMS_PROVIDER=twilio", "PAMONG_SMS_RATE=1000", "PAMONG_RETRY_BASE=1s"}
	if shift := daytimeShift(time.Now(), c.duration); shift != 0 {
		// Announcements leave only in 08:00–20:00 of the learner's zone
		// (WIB for Kab. Bandung); at night the server's clock is moved to
		// the morning so that they are sent within the run.
		fmt.Fprintf(w, "It is night in WIB: the server runs with PAMONG_CLOCK_SHIFT=%s\n", shift)
		p.env = append(p.env, "PAMONG_CLOCK_SHIFT="+shift.String())
	}
	// The cluster is stopped at the end whatever happens.
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := p.run(stopCtx, "db", "stop"); err != nil {
			fmt.Fprintf(w, "stopping the cluster: %v\n", err)
		}
	}()
	if _, err := p.run(ctx, "migrate"); err != nil {
		return false, err
	}
	out, err := p.run(ctx, "admin", "create", "--name", "Soak", "--national")
	if err != nil {
		return false, err
	}
	token := tokenLine.FindString(out)
	if token == "" {
		return false, fmt.Errorf("pamong admin create printed no token:\n%s", out)
	}
	cluster, err := localpg.New(p.dataDir)
	if err != nil {
		return false, fmt.Errorf("find the run's cluster: %w", err)
	}
	db, err := sql.Open("postgres", cluster.URL(localpg.DatabaseName))
	if err != nil {
		return false, fmt.Errorf("open the run's database: %w", err)
	}
	defer db.Close()

	if err := p.start(ctx); err != nil {
		p.stop()
		return false, err
	}
	r := &runner{c: c, w: w, p: p, fake: fake, db: db, tally: newTally()}
	problems, err := r.traffic(ctx, token)
	if stopErr := p.stop(); stopErr != nil {
		problems = append(problems, stopErr.Error())
	}
	if err != nil {
		return false, err
	}
	problems = append(problems, logSummary(w, p.logPath, r.outagesSeen())...)
	return verdict(w, problems, "nothing lost, nothing sent twice, no unbounded growth"), nil
}

// daytimeShift is how far to move the server's clock so that WIB is between
// 09:00 and 19:00 for the whole run: 0 when it already is.
func daytimeShift(now time.Time, run time.Duration) time.Duration {
	wib := now.UTC().Add(7 * time.Hour)
	nine := time.Date(wib.Year(), wib.Month(), wib.Day(), 9, 0, 0, 0, time.UTC)
	end := wib.Add(run + 10*time.Minute)
	if !wib.Before(nine) && end.Before(nine.Add(10*time.Hour)) {
		return 0
	}
	if !nine.After(wib) {
		nine = nine.Add(24 * time.Hour)
	}
	return nine.Sub(wib).Round(time.Minute)
}

// runner holds one run's moving parts.
type runner struct {
	c     soakConfig
	w     io.Writer
	p     *pamong
	fake  *faketwilio.Server
	db    *sql.DB
	tally *tally
	phase atomic.Value // string
	abort context.CancelCauseFunc

	mu      sync.Mutex
	samples []sample
	outages []window
	began   time.Time
}

// outageGrace is how long after /healthz answers again that errors are
// still put down to the outage: requests and sends that were in flight.
const outageGrace = 15 * time.Second

// outagesSeen are the database outages so far.
func (r *runner) outagesSeen() []window {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]window(nil), r.outages...)
}
