package admin_test

import (
	"net/http"
	"testing"

	"github.com/pamong-desa/pamong/admin"
)

// seedReminders gives a learner in Lombok Barat two nudges (one answered
// the next day) and review answers in boxes 1 and 2, one in Lombok
// Tengah a nudge and a retired item, and one in Jawa Barat a due item.
func (f *fixture) seedReminders() {
	f.t.Helper()
	for _, q := range []string{
		`INSERT INTO learners (id, phone, name, village_code, registered_at) VALUES
		 (901, '+6281200000901', 'Baiq', '52.01.01.2001', '2025-03-01'),
		 (902, '+6281200000902', 'Lalu', '52.02.01.2010', '2025-03-01'),
		 (903, '+6281200000903', 'Siti', '32.04.05.2001', '2025-03-01')`,
		`INSERT INTO reminders (learner_id, day, kind, variant, sent_at) VALUES
		 (901, '2025-03-03', 'nudge', 1, '2025-03-03 02:00Z'),
		 (901, '2025-03-08', 'nudge', 2, '2025-03-08 02:00Z'),
		 (901, '2025-03-09', 'review', 0, '2025-03-09 02:00Z'),
		 (902, '2025-03-03', 'nudge', 1, '2025-03-03 02:00Z')`,
		`INSERT INTO inbound_messages (channel, provider_id, learner_id, text, received_at) VALUES
		 ('whatsapp', 'x1', 901, 'LANJUT', '2025-03-04 01:00Z'),
		 ('whatsapp', 'x2', 902, 'halo', '2025-03-07 01:00Z')`,
		`INSERT INTO review_items (learner_id, course_id, quiz_id, question_id, box, streak, due_at, retired_at, created_at, updated_at) VALUES
		 (901, 'c', 'l1', 'q1', 2, 1, '2025-03-20Z', NULL, '2025-03-01', '2025-03-01'),
		 (902, 'c', 'l1', 'q1', 3, 2, '2025-03-20Z', '2025-03-05Z', '2025-03-01', '2025-03-01'),
		 (903, 'c', 'l1', 'q2', 1, 0, '2025-03-05Z', NULL, '2025-03-01', '2025-03-01')`,
		`INSERT INTO review_answers (learner_id, course_id, quiz_id, question_id, box, choice, correct, answered_at) VALUES
		 (901, 'c', 'l1', 'q1', 1, 2, false, '2025-03-02'), (901, 'c', 'l1', 'q1', 1, 1, true, '2025-03-03'),
		 (901, 'c', 'l1', 'q1', 2, 1, true, '2025-03-06')`,
	} {
		if _, err := f.raw.Exec(q); err != nil {
			f.t.Fatal(err)
		}
	}
}

func TestReminderStatsPerRegion(t *testing.T) {
	f := newFixture(t)
	f.seedReminders()
	var all admin.ReminderStats
	if status := f.call(f.national, "GET", "/api/v1/reminders", "", &all); status != http.StatusOK || len(all.Regions) != 2 {
		t.Fatalf("national: %d %+v", status, all)
	}
	jabar, ntb := all.Regions[0], all.Regions[1]
	if jabar.Region != "32" || jabar.ItemsDue != 1 || jabar.Nudges != 0 {
		t.Errorf("Jawa Barat: %+v", jabar)
	}
	if ntb.Region != "52" || ntb.Nudges != 3 || ntb.CameBack != 1 || ntb.ReviewsSent != 1 || ntb.Retired != 1 ||
		ntb.ItemsLive != 1 || ntb.ItemsDue != 0 || ntb.Answered != 3 {
		t.Errorf("NTB: %+v", ntb)
	}
	if len(ntb.ByBox) != 2 || ntb.ByBox[0].Box != 1 || ntb.ByBox[0].Accuracy != 0.5 || ntb.ByBox[1].Accuracy != 1 {
		t.Errorf("NTB accuracy by box: %+v", ntb.ByBox)
	}
	var lobar admin.ReminderStats
	if status := f.call(f.lobar, "GET", "/api/v1/reminders", "", &lobar); status != http.StatusOK ||
		len(lobar.Regions) != 1 || lobar.Regions[0].Region != "52.01.01" || lobar.Regions[0].Nudges != 2 ||
		lobar.Regions[0].CameBackShare != 0.5 {
		t.Fatalf("Lombok Barat: %d %+v", status, lobar)
	}
	if status := f.call(f.lobar, "GET", "/api/v1/reminders?region=52.02", "", nil); status != http.StatusForbidden {
		t.Errorf("Lombok Barat asking for Lombok Tengah: %d", status)
	}
	if status := f.call(f.national, "GET", "/api/v1/reminders?region=5x", "", nil); status != http.StatusBadRequest {
		t.Errorf("bad region: %d", status)
	}
}
