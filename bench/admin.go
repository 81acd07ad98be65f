package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// adminAPI is a national admin's script calling /api/v1 at a bounded pace:
// reads of every kind, a small officials import now and then, and an
// announcement to Kab. Bandung every few minutes.
type adminAPI struct {
	base   string
	token  string
	client *http.Client
	tally  *tally

	mu            sync.Mutex
	announcements []announced
}

// announced is an announcement Pamong accepted (201).
type announced struct {
	ID       int64 `json:"id"`
	Messages int   `json:"messages"`
}

// reads are the GET requests the admin makes, in turn.
var reads = []string{
	"/api/v1/me",
	"/api/v1/officials?limit=20",
	"/api/v1/officials?region=32.04&role=Kades&limit=5",
	"/api/v1/questions?limit=20",
	"/api/v1/certificates",
	"/api/v1/announcements",
}

// call makes one request and counts it under route; out, if not nil,
// receives a 2xx JSON answer.
func (a *adminAPI) call(ctx context.Context, method, path, route, contentType, body string, out any) int {
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, strings.NewReader(body))
	if err != nil {
		a.tally.add(route, 0)
		return 0
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			a.tally.add(route, 0)
		}
		return 0
	}
	defer resp.Body.Close()
	a.tally.add(route, resp.StatusCode)
	if out != nil && resp.StatusCode/100 == 2 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return 0
		}
	} else {
		io.Copy(io.Discard, resp.Body)
	}
	return resp.StatusCode
}

// browse reads every `every`, and imports officials every importEvery.
func (a *adminAPI) browse(ctx context.Context, every, importEvery time.Duration) {
	rng := rand.New(rand.NewPCG(7, 11))
	nextImport := time.Now().Add(importEvery / 2)
	for i, batch := 0, 0; ctx.Err() == nil; i++ {
		path := reads[i%len(reads)]
		route := "GET " + strings.SplitN(path, "?", 2)[0]
		a.call(ctx, http.MethodGet, path, route, "", "", nil)
		if time.Now().After(nextImport) {
			a.call(ctx, http.MethodPost, "/api/v1/officials/import", "POST /api/v1/officials/import", "text/csv", officialsCSV(batch), nil)
			batch++
			nextImport = time.Now().Add(importEvery)
		}
		select {
		case <-ctx.Done():
		case <-time.After(every/2 + time.Duration(rng.Int64N(int64(every)))):
		}
	}
}

// officialsCSV is a small import: five officials of Cileunyi Kulon out of
// a pool of twenty, so that imports add, update and leave unchanged, and
// the audience of announcements stays bounded; one bad row is reported.
func officialsCSV(batch int) string {
	var b strings.Builder
	b.WriteString("phone,name,role,village_code,channel\n")
	roles := []string{"Kades", "Sekdes", "Kaur Keuangan", "Kasi Pemerintahan", "Kepala Dusun"}
	for i := 0; i < 5; i++ {
		n := (batch*5 + i) % 20
		fmt.Fprintf(&b, "0813777%05d,Pejabat %c %d,%s,32.04.05.2001,sms\n", n, 'A'+rune(n), batch%3, roles[i])
	}
	b.WriteString("12345,Nomor Salah,Kades,32.04.05.2001,sms\n")
	return b.String()
}

// announce sends an announcement every `every`, the first after every/2;
// one refused (the database being away) is tried again 10 s later.
func (a *adminAPI) announce(ctx context.Context, every time.Duration) {
	next := time.Now().Add(every / 2)
	for n := 1; ; {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(next)):
		}
		body, _ := json.Marshal(map[string]any{
			"text":    fmt.Sprintf("Pengumuman %d: rapat koordinasi pelatihan Pamong hari Senin pukul 09.00 di kantor kecamatan. Mohon hadir.", n),
			"regions": []string{"32.04"},
		})
		var sent announced
		if a.call(ctx, http.MethodPost, "/api/v1/announcements", "POST /api/v1/announcements", "application/json", string(body), &sent) == http.StatusCreated {
			a.mu.Lock()
			a.announcements = append(a.announcements, sent)
			a.mu.Unlock()
			n++
			next = time.Now().Add(every)
		} else {
			next = time.Now().Add(10 * time.Second)
		}
	}
}

// accepted are the announcements Pamong took.
func (a *adminAPI) accepted() []announced {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]announced(nil), a.announcements...)
}
