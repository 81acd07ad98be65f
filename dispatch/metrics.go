package dispatch

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the dispatcher's Prometheus series. A nil *Metrics records
// nothing, for tests and tools that do not export metrics.
type Metrics struct {
	messages *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	depth    *prometheus.GaugeVec
}

// NewMetrics registers the dispatcher's series with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pamong_outbox_messages_total",
			Help: "Outbound messages by channel and what became of a send attempt (sent, retried, failed, fell_back to SMS, deferred for want of capacity).",
		}, []string{"channel", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "pamong_send_duration_seconds",
			Help:    "How long providers take to accept (or refuse) a message.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 13),
		}, []string{"channel"}),
		depth: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "pamong_outbox_depth",
			Help: "Outbox rows waiting (queued) or in flight (sending), by channel.",
		}, []string{"channel", "status"}),
	}
	reg.MustRegister(m.messages, m.latency, m.depth)
	return m
}

func (m *Metrics) count(channel, status string) {
	if m != nil {
		m.messages.WithLabelValues(channel, status).Inc()
	}
}

func (m *Metrics) add(channel, status string, n int) {
	if m != nil {
		m.messages.WithLabelValues(channel, status).Add(float64(n))
	}
}

func (m *Metrics) observeSend(channel string, d time.Duration) {
	if m != nil {
		m.latency.WithLabelValues(channel).Observe(d.Seconds())
	}
}

// SetDepth records the outbox's unfinished rows by (channel, status).
func (m *Metrics) SetDepth(depth map[[2]string]int) {
	if m == nil {
		return
	}
	m.depth.Reset()
	for k, n := range depth {
		m.depth.WithLabelValues(k[0], k[1]).Set(float64(n))
	}
}
