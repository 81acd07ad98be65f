package main

import (
	"fmt"
	"net"
	"strings"
)

// printWelcome tells the person who just started the server what to do
// next, on stdout, apart from the logs: where it answers, how to talk to it
// as a learner, and where its data is.
func printWelcome(e *env, addr net.Addr) {
	url := e.cfg.PublicURL
	if url == "" {
		host, port, _ := net.SplitHostPort(addr.String())
		if ip := net.ParseIP(host); host == "" || ip == nil || ip.IsUnspecified() {
			host = "localhost"
		}
		url = "http://" + net.JoinHostPort(host, port)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nPamong is running at %s (health: %s/healthz)\n", url, url)
	fmt.Fprintf(&b, "  Talk to it as a learner:  ./pamong chat        (or ./pamong chat --channel sms)\n")
	switch c := e.cluster; {
	case c == nil:
		fmt.Fprintf(&b, "  Data: the database at DATABASE_URL\n")
	case c.Home() == c.Dir:
		fmt.Fprintf(&b, "  Data: a private PostgreSQL in %s (./pamong db stop stops it)\n", c.Home())
	default:
		fmt.Fprintf(&b, "  Data: a private PostgreSQL in %s, found through %s (./pamong db stop stops it)\n", c.Home(), c.Dir)
	}
	fmt.Fprintf(&b, "  Ctrl-C stops the server.\n\n")
	fmt.Fprint(e.stdout, b.String())
}
