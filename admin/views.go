package admin

import "github.com/pamong-desa/pamong/store"

// The API's response types live here, not in store: renaming a column or a
// store field must not change what admins' scripts read.

// RowProblem is a row of an import that was not imported, and why.
type RowProblem struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

func rowProblems(in []store.RowProblem) []RowProblem {
	out := make([]RowProblem, len(in))
	for i, p := range in {
		out[i] = RowProblem{Line: p.Line, Reason: p.Reason}
	}
	return out
}

// Official is an official as an admin sees them in a list.
type Official struct {
	ID          int64  `json:"id"`
	Phone       string `json:"phone"`
	Name        string `json:"name"`
	Role        string `json:"role"`
	VillageCode string `json:"village_code"`
	Channel     string `json:"channel"`
	Source      string `json:"source"`
	Registered  bool   `json:"registered"`
	OptedOut    bool   `json:"opted_out"`
	// CourseStatus is not_started, in_progress or completed.
	CourseStatus string `json:"course_status"`
}

func officials(in []store.OfficialRow) []Official {
	out := make([]Official, len(in))
	for i, o := range in {
		out[i] = Official{ID: o.ID, Phone: o.Phone, Name: o.Name, Role: o.Role, VillageCode: o.VillageCode,
			Channel: o.Channel, Source: o.Source, Registered: o.Registered, OptedOut: o.OptedOut, CourseStatus: o.CourseStatus}
	}
	return out
}

// DeliveryCounts counts messages by where they are.
type DeliveryCounts struct {
	// Queued have not left yet; Held is the part of them waiting for the
	// learner's 08:00 or for WhatsApp capacity, Retrying the part that was
	// tried and waits for another attempt.
	Queued   int `json:"queued"`
	Held     int `json:"held"`
	Retrying int `json:"retrying"`
	Sent     int `json:"sent"`
	// Delivered includes read.
	Delivered int `json:"delivered"`
	Read      int `json:"read"`
	Failed    int `json:"failed"`
	Cancelled int `json:"cancelled"`
	// FellBackToSMS were not delivered on WhatsApp in time and were sent
	// again by SMS.
	FellBackToSMS int `json:"fell_back_to_sms"`
}

func deliveryCounts(c store.DeliveryCounts) DeliveryCounts {
	return DeliveryCounts{Queued: c.Queued, Held: c.Held, Retrying: c.Retrying, Sent: c.Sent, Delivered: c.Delivered,
		Read: c.Read, Failed: c.Failed, Cancelled: c.Cancelled, FellBackToSMS: c.FellBackToSMS}
}
