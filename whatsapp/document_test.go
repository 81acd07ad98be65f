package whatsapp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/certificate"
	"github.com/pamong-desa/pamong/dispatch"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/store"
	"github.com/pamong-desa/pamong/verify"
)

func withAttachment(text, name string) dispatch.Message {
	m := msg("+6281234567890", text, false)
	m.Attachment = name
	return m
}

func TestSendDocument(t *testing.T) {
	pdf := []byte("%PDF-1.7 fake")
	for _, tc := range []struct {
		name      string
		docs      Documents
		uploadErr error
		wantDoc   bool
		wantErr   bool
	}{
		{"document with the text as caption", func(ctx context.Context, name string) ([]byte, string, string, error) {
			return pdf, "sertifikat.pdf", "application/pdf", nil
		}, nil, true, false},
		{"no such document: the text alone", func(ctx context.Context, name string) ([]byte, string, string, error) {
			return nil, "", "", fmt.Errorf("certificate X: %w", ErrNoDocument)
		}, nil, false, false},
		{"the document cannot be made now: retried", func(ctx context.Context, name string) ([]byte, string, string, error) {
			return nil, "", "", errors.New("database down")
		}, nil, false, true},
		{"upload fails: retried", func(ctx context.Context, name string) ([]byte, string, string, error) {
			return pdf, "sertifikat.pdf", "application/pdf", nil
		}, errors.New("media connection reset"), false, true},
		{"no document maker: the text alone", nil, nil, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, Config{})
			r.a.SetDocuments(tc.docs)
			r.client.uploadErr = tc.uploadErr
			_, err := r.a.Send(t.Context(), withAttachment("Sertifikat Anda", "certificate:674QU9ME527W"))
			if tc.wantErr {
				if se := sendErr(t, err); se.Permanent {
					t.Errorf("error %v is permanent; want a retry", err)
				}
				if len(r.client.sent) != 0 {
					t.Errorf("sent %+v despite the error", r.client.sent)
				}
				return
			}
			if err != nil || len(r.client.sent) != 1 {
				t.Fatalf("err %v, sent %+v", err, r.client.sent)
			}
			s := r.client.sent[0]
			if s.text != "Sertifikat Anda" || (s.doc != nil) != tc.wantDoc {
				t.Fatalf("sent %+v", s)
			}
			if tc.wantDoc && (s.doc.GetMimetype() != "application/pdf" || s.doc.GetFileName() != "sertifikat.pdf" ||
				s.doc.GetFileLength() != uint64(len(pdf)) || !bytes.Equal(r.client.uploads[0], pdf)) {
				t.Errorf("document %+v", s.doc)
			}
		})
	}
}

// A learner passes on WhatsApp through the real store and dispatcher: the
// congratulations arrive as one WhatsApp document, the certificate PDF,
// uploaded through whatsmeow, with the code in its caption.
func TestCertificatePDFThroughTheRealDispatcher(t *testing.T) {
	db, err := store.Open(context.Background(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetCertificates(store.CertificateSettings{PublicURL: "https://pamong.example.id"})
	course, err := lessons.BundledDefault()
	if err != nil {
		t.Fatal(err)
	}
	client := newFakeClient()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	wa := New(client, db, course, Config{}, quiet)
	v := &verify.Handler{Store: db, Log: quiet}
	wa.SetDocuments(func(ctx context.Context, name string) ([]byte, string, string, error) {
		code, err := certificate.Parse(strings.TrimPrefix(name, "certificate:"))
		if err != nil {
			return nil, "", "", ErrNoDocument
		}
		data, err := v.PDF(ctx, code)
		return data, "sertifikat-" + code.String() + ".pdf", "application/pdf", err
	})
	wa.Start()
	defer wa.Close()
	d := dispatch.New(db, map[string]dispatch.Sender{"whatsapp": wa, "sms": &smsRecorder{}},
		dispatch.Config{Workers: 2, Poll: 20 * time.Millisecond, FallbackAfter: time.Hour}, quiet, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	script := []string{"halo", "Siti Aminah", "3204052001", "1", "3"}
	for _, q := range course.Pretest {
		script = append(script, strconv.Itoa(q.Answer))
	}
	for _, l := range course.Lessons() {
		for _, q := range l.Quiz {
			script = append(script, strconv.Itoa(q.Answer))
		}
		script = append(script, "1")
	}
	for _, q := range course.Posttest {
		script = append(script, strconv.Itoa(q.Answer))
	}
	for i, text := range script {
		if !wa.handleEvent(textFrom(fmt.Sprintf("D%d", i), learnerPN, text)) {
			t.Fatalf("message %q not handled", text)
		}
	}
	var doc sentMessage
	waitUntil(t, "the certificate goes out as a document", func() bool {
		client.mu.Lock()
		defer client.mu.Unlock()
		for _, s := range client.sent {
			if s.doc != nil {
				doc = s
				return true
			}
		}
		return false
	})
	client.mu.Lock()
	upload := client.uploads[0]
	client.mu.Unlock()
	if !strings.Contains(doc.text, "Kode: PMG-") || !strings.Contains(doc.text, "https://pamong.example.id/v/PMG-") ||
		!strings.HasPrefix(doc.doc.GetFileName(), "sertifikat-PMG-") || doc.doc.GetMimetype() != "application/pdf" {
		t.Errorf("document %q with caption:\n%s", doc.doc.GetFileName(), doc.text)
	}
	if !bytes.HasPrefix(upload, []byte("%PDF-")) || len(upload) < 1000 {
		t.Errorf("the upload is not a PDF: %d bytes %.10q", len(upload), upload)
	}
}
