package web_test

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserReply answers a learner's question from the questions page in
// Chromium and follows the reply out through the real dispatcher.
func TestBrowserReply(t *testing.T) {
	f := newFixture(t)
	f.seed(60, villages)
	if _, err := f.raw.Exec(`UPDATE outbox SET status = 'cancelled' WHERE status = 'queued'`); err != nil {
		t.Fatal(err)
	}
	f.askQuestions()
	ctx := chromium(t)
	dir := t.TempDir()
	signInBrowser(t, ctx, f, f.lobar)

	row := `#questions tbody tr:first-child`
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("nav-questions")), chromedp.WaitVisible(chromedp.CSS(row))); err != nil {
		t.Fatal(err)
	}
	attr, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(row), "data-question"))
	if err != nil || !attr.Exists {
		t.Fatalf("the first question has no id (%v)", err)
	}
	idAttr := attr.Value
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(row+" details.reply summary")),
		chromedp.SendKeys(chromedp.CSS(row+` textarea[name="text"]`), "Kepala Desa dipilih langsung oleh warga, bukan oleh BPD. Silakan lanjutkan kursusnya."),
		shot(t, dir, "questions-reply"),
		chromedp.Click(chromedp.CSS(row+" details.reply button")),
		chromedp.WaitVisible(chromedp.ID("replied")),
	); err != nil {
		t.Fatalf("reply: %v", err)
	}
	id, err := strconv.ParseInt(idAttr, 10, 64)
	if err != nil {
		t.Fatalf("question id %q", idAttr)
	}
	var queued int
	if err := f.raw.Get(&queued, `SELECT count(*) FROM outbox o JOIN learner_questions q ON q.learner_id = o.learner_id
		WHERE q.id = $1 AND o.priority = 0 AND o.status = 'queued' AND o.text LIKE 'Jawaban dari %'`, id); err != nil || queued != 1 {
		t.Fatalf("%d reply rows queued for question %d (%v); want 1", queued, id, err)
	}
	if got := textOf(t, ctx, `tr[data-question="`+idAttr+`"] td[data-answered]`); got[:7] != "dijawab" {
		t.Errorf("the question is not shown answered: %q", got)
	}

	f.runDispatcher(t)
	sent := `tr[data-question="` + idAttr + `"] div[data-reply-status="sent"]`
	waitFor(t, "the reply to show as sent", func() bool {
		if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("questions"))); err != nil {
			t.Fatal(err)
		}
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('`+sent+`').length`))
		if err != nil {
			t.Fatal(err)
		}
		return n == 1
	})
	if err := chromedp.Do(ctx, shot(t, dir, "questions")); err != nil {
		t.Fatal(err)
	}
}
