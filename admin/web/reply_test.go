package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// outboxRow is an outbox row as a reply test reads it.
type outboxRow struct {
	LearnerID int64     `db:"learner_id"`
	Channel   string    `db:"channel"`
	Provider  string    `db:"provider"`
	To        string    `db:"to_address"`
	Text      string    `db:"text"`
	Priority  int       `db:"priority"`
	Status    string    `db:"status"`
	InReplyTo *int64    `db:"in_reply_to"`
	Due       time.Time `db:"next_attempt_at"`
}

func TestReplyToQuestion(t *testing.T) {
	f := newFixture(t)
	f.seed(60, villages)
	// The seed's queued rows are due long after the fixture's clock and
	// would hold back their learners' later messages.
	if _, err := f.raw.Exec(`UPDATE outbox SET status = 'cancelled' WHERE status = 'queued'`); err != nil {
		t.Fatal(err)
	}
	// Three learners of Lombok Barat ask, one on each footing: an SMS
	// learner who wrote through Kannel, a WhatsApp learner whose question
	// has no inbound message on record, and one who has opted out since.
	ask := func(channel, optedOut string) (question, learner, inbound int64, phone string) {
		t.Helper()
		if err := f.raw.QueryRow(`SELECT id, phone FROM learners WHERE village_code LIKE '52.01.%' AND preferred_channel = $1
			AND id NOT IN (SELECT learner_id FROM learner_questions) ORDER BY id LIMIT 1`, channel).Scan(&learner, &phone); err != nil {
			t.Fatal(err)
		}
		if channel == "sms" {
			if err := f.raw.Get(&inbound, `INSERT INTO inbound_messages (channel, provider, provider_id, learner_id, text, received_at)
				VALUES ('sms', 'kannel', $3, $1, 'maksudnya apa pak?', $2) RETURNING id`, learner, f.clock.now(), fmt.Sprintf("k-%d", learner)); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.raw.Get(&question, `INSERT INTO learner_questions (learner_id, inbound_id, course_id, text, asked_at)
			VALUES ($1, NULLIF($2, 0), 'c1', 'Maksudnya <b>apa</b> pak?', $3) RETURNING id`, learner, inbound, f.clock.now()); err != nil {
			t.Fatal(err)
		}
		if optedOut != "" {
			if _, err := f.raw.Exec(`UPDATE learners SET opted_out_at = $2 WHERE id = $1`, learner, f.clock.now()); err != nil {
				t.Fatal(err)
			}
		}
		return question, learner, inbound, phone
	}
	smsQ, smsLearner, inbound, smsPhone := ask("sms", "")
	waQ, waLearner, _, waPhone := ask("whatsapp", "")
	stopQ, _, _, _ := ask("whatsapp", "opted out")
	var lotengQ int64
	if err := f.raw.Get(&lotengQ, `INSERT INTO learner_questions (learner_id, course_id, text, asked_at)
		SELECT id, 'c1', 'Tanya', $1 FROM learners WHERE village_code LIKE '52.02.%' ORDER BY id LIMIT 1 RETURNING id`, f.clock.now()); err != nil {
		t.Fatal(err)
	}

	b := f.browser()
	b.signIn(f.lobar)
	csrf := b.csrf()
	written := func() (rows, replies int) {
		t.Helper()
		if err := f.raw.Get(&rows, `SELECT count(*) FROM outbox WHERE status <> 'cancelled'`); err != nil {
			t.Fatal(err)
		}
		if err := f.raw.Get(&replies, `SELECT count(*) FROM question_replies`); err != nil {
			t.Fatal(err)
		}
		return rows, replies
	}
	rows0, _ := written()
	for _, tt := range []struct {
		name   string
		id     int64
		form   url.Values
		status int
		says   string
	}{
		{"no CSRF token", smsQ, url.Values{"text": {"Jawab"}}, http.StatusForbidden, "kedaluwarsa"},
		{"another regency's question", lotengQ, url.Values{"csrf": {csrf}, "text": {"Jawab"}}, http.StatusForbidden, "Di luar wilayah Anda"},
		{"no such question", 999999, url.Values{"csrf": {csrf}, "text": {"Jawab"}}, http.StatusNotFound, "Tidak ditemukan"},
		{"empty reply", smsQ, url.Values{"csrf": {csrf}, "text": {"  \n "}}, http.StatusBadRequest, "the reply has no text"},
		{"long reply", smsQ, url.Values{"csrf": {csrf}, "text": {strings.Repeat("panjang ", 130)}}, http.StatusBadRequest, "at most 1000"},
		{"opted-out learner", stopQ, url.Values{"csrf": {csrf}, "text": {"Jawab <i>ini</i>"}}, http.StatusBadRequest, "opted out"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := b.post(fmt.Sprintf("/admin/questions/%d/reply", tt.id), tt.form)
			if code != tt.status || !strings.Contains(body, tt.says) {
				t.Errorf("%d; want %d saying %q: %s", code, tt.status, tt.says, body)
			}
			if tt.status == http.StatusBadRequest {
				// The list comes back with the reply as written, escaped.
				if !strings.Contains(body, `id="problem"`) || !strings.Contains(body, "<details class=\"reply\" open>") {
					t.Errorf("the problem or the kept reply is not shown: %s", body)
				}
				if strings.Contains(body, "<i>ini</i>") {
					t.Error("the kept reply is not escaped")
				}
			}
			if rows, replies := written(); rows != rows0 || replies != 0 {
				t.Errorf("a refused reply wrote %d outbox rows, %d replies", rows-rows0, replies)
			}
		})
	}

	// A reply by SMS long enough for two messages, through the gateway the
	// question came by.
	smsText := "Maksudnya, Kepala Desa dipilih langsung oleh warga desa dalam pemilihan kepala desa (pilkades), " +
		"bukan oleh BPD. <b>Semoga</b> jelas, silakan lanjutkan kursusnya."
	code, _, resp := b.post(fmt.Sprintf("/admin/questions/%d/reply", smsQ), url.Values{"csrf": {csrf}, "text": {smsText}})
	if code != http.StatusSeeOther {
		t.Fatalf("reply: %d", code)
	}
	var got []outboxRow
	if err := f.raw.Select(&got, `SELECT learner_id, channel, provider, to_address, text, priority, status, in_reply_to, next_attempt_at
		FROM outbox WHERE learner_id = $1 AND status = 'queued' ORDER BY id`, smsLearner); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d SMS queued; want 2: %+v", len(got), got)
	}
	for i, o := range got {
		if o.Channel != "sms" || o.Provider != "kannel" || o.To != smsPhone || o.Priority != 0 || o.InReplyTo == nil || *o.InReplyTo != inbound ||
			!o.Due.Equal(f.clock.now()) || !strings.HasSuffix(o.Text, fmt.Sprintf("(%d/2)", i+1)) {
			t.Errorf("SMS %d: %+v; want a reply (priority 0) to inbound %d by kannel to %s, due now, numbered", i+1, o, inbound, smsPhone)
		}
	}
	if !strings.HasPrefix(got[0].Text, "Jawaban dari DPMD <b>Lombok</b> Barat atas pertanyaan Anda:") {
		t.Errorf("the learner is not told who answers: %q", got[0].Text)
	}
	var rec struct {
		AdminID   int64     `db:"admin_id"`
		Name      string    `db:"admin_name"`
		Text      string    `db:"text"`
		Channel   string    `db:"channel"`
		Messages  int       `db:"messages"`
		CreatedAt time.Time `db:"created_at"`
		Answered  bool      `db:"answered"`
	}
	if err := f.raw.Get(&rec, `SELECT r.admin_id, r.admin_name, r.text, r.channel, r.messages, r.created_at, q.answered_at IS NOT NULL AS answered
		FROM question_replies r JOIN learner_questions q ON q.id = r.question_id WHERE r.question_id = $1`, smsQ); err != nil {
		t.Fatal(err)
	}
	if rec.AdminID != f.lobarID || !strings.HasPrefix(rec.Name, "DPMD <b>Lombok</b> Barat") || rec.Text != smsText || rec.Channel != "sms" ||
		rec.Messages != 2 || !rec.CreatedAt.Equal(f.clock.now()) || !rec.Answered {
		t.Errorf("recorded reply: %+v", rec)
	}
	_, body, _ := b.get(resp.Header.Get("Location"))
	if !strings.Contains(body, "masuk antrean: 2 pesan lewat SMS") || !strings.Contains(body, "&lt;b&gt;Semoga&lt;/b&gt;") ||
		!strings.Contains(body, `data-reply-status="queued"`) {
		t.Errorf("after replying: %s", body)
	}

	// A WhatsApp learner whose question has no inbound on record: one
	// message, any WhatsApp route.
	if code, _, _ := b.post(fmt.Sprintf("/admin/questions/%d/reply", waQ), url.Values{"csrf": {csrf}, "text": {"Betul, BPD tidak memilih Kepala Desa."}}); code != http.StatusSeeOther {
		t.Fatalf("reply on WhatsApp: %d", code)
	}
	var wa outboxRow
	if err := f.raw.Get(&wa, `SELECT learner_id, channel, provider, to_address, text, priority, status, in_reply_to, next_attempt_at
		FROM outbox WHERE learner_id = $1 AND status = 'queued'`, waLearner); err != nil {
		t.Fatal(err)
	}
	if wa.Channel != "whatsapp" || wa.Provider != "" || wa.To != waPhone || wa.Priority != 0 || wa.InReplyTo != nil {
		t.Errorf("WhatsApp reply: %+v", wa)
	}

	// The real dispatcher hands the replies over as replies, not bulk,
	// and the page follows them to sent.
	p := f.runDispatcher(t)
	waitFor(t, "the replies to leave", func() bool {
		var left int
		if err := f.raw.Get(&left, `SELECT count(*) FROM outbox WHERE learner_id IN ($1, $2) AND priority = 0 AND status = 'sent'`,
			smsLearner, waLearner); err != nil {
			t.Fatal(err)
		}
		return left == 3
	})
	if _, body, _ := b.get("/admin/questions"); strings.Count(body, `data-reply-status="sent"`) != 2 {
		t.Errorf("the page does not show both replies sent: %s", body)
	}
	n := 0
	for _, m := range p.messages() {
		if m.LearnerID == smsLearner || m.LearnerID == waLearner {
			n++
			if m.Bulk || !strings.HasPrefix(m.Text, "Jawaban dari") && !strings.Contains(m.Text, "(2/2)") {
				t.Errorf("handed over: %+v", m)
			}
		}
	}
	if n != 3 {
		t.Errorf("the provider got %d reply messages; want 3", n)
	}
}
