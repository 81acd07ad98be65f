package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pamong-desa/pamong/admin"
	"github.com/pamong-desa/pamong/role"
)

// composeForm is the compose form as the admin filled it in, kept to fill
// the form in again beside the preview or a problem.
type composeForm struct {
	Text     string
	Regions  string
	Roles    []string
	Statuses []string
	Channels []string
	// SendAt is the datetime-local value ("2025-03-17T08:00"), "" for now;
	// Zone the offset in hours it is read in.
	SendAt string
	Zone   int
	// OverCap is what becomes of WhatsApp messages beyond WhatsApp's
	// hourly cap: "wait" for capacity, or "spill" them to SMS.
	OverCap string
}

// composeFields are the form's fields, in the order the fingerprint reads
// them.
var composeFields = []string{"text", "regions", "role", "status", "channel", "send_at", "zone", "over_cap"}

// readComposeForm reads the posted compose form; zone is the admin's own
// when the form names none.
func readComposeForm(r *http.Request, zone admin.Zone) composeForm {
	f := composeForm{
		Text:     r.PostFormValue("text"),
		Regions:  strings.TrimSpace(r.PostFormValue("regions")),
		Roles:    r.PostForm["role"],
		Statuses: r.PostForm["status"],
		Channels: r.PostForm["channel"],
		SendAt:   strings.TrimSpace(r.PostFormValue("send_at")),
		Zone:     zone.Hours,
		OverCap:  r.PostFormValue("over_cap"),
	}
	if f.OverCap == "" {
		f.OverCap = admin.OverCapWait
	}
	if h, err := strconv.Atoi(r.PostFormValue("zone")); err == nil {
		f.Zone = h
	}
	return f
}

// fingerprint names exactly what the admin previewed: the send button
// carries it, and a send whose form no longer matches it is shown as a new
// preview instead of being sent, so nobody sends text or recipients they
// did not see counted.
func (f composeForm) fingerprint() string {
	h := sha256.New()
	for _, part := range [][]string{{f.Text}, {f.Regions}, sorted(f.Roles), sorted(f.Statuses), sorted(f.Channels),
		{f.SendAt}, {strconv.Itoa(f.Zone)}, {f.OverCap}} {
		for _, v := range part {
			fmt.Fprintf(h, "%d:%s;", len(v), v)
		}
		h.Write([]byte{'|'})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }

// sendAtLayout is how a datetime-local input writes a time.
const sendAtLayout = "2006-01-02T15:04"

// compose turns the form into the service's terms. Only what the form
// itself must know is checked here (a time it cannot read, a zone that
// does not exist); the service checks the announcement.
func (f composeForm) compose() (admin.Compose, error) {
	c := admin.Compose{Text: f.Text, OverCap: f.OverCap, Filter: admin.Filter{Roles: f.Roles, Status: f.Statuses, Channels: f.Channels}}
	c.Regions = strings.FieldsFunc(f.Regions, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
	if f.SendAt == "" {
		return c, nil
	}
	z, ok := admin.ZoneOf(f.Zone)
	if !ok {
		return c, fmt.Errorf("%w: zona waktu %d tidak dikenal; pilih WIB, WITA atau WIT", admin.ErrInvalid, f.Zone)
	}
	// Browsers send seconds when the page asks for them; accept both.
	t, err := time.ParseInLocation(sendAtLayout, f.SendAt, z.Location())
	if err != nil {
		t, err = time.ParseInLocation(sendAtLayout+":05", f.SendAt, z.Location())
	}
	if err != nil {
		return c, fmt.Errorf("%w: waktu kirim %q tidak terbaca; tulis tanggal dan jam, misalnya 2025-03-17T08:00", admin.ErrInvalid, f.SendAt)
	}
	c.SendAt = &t
	return c, nil
}

// option is one checkbox or select option.
type option struct {
	Value, Label string
	Checked      bool
}

func options(values, labels, checked []string) []option {
	out := make([]option, len(values))
	for i, v := range values {
		out[i] = option{Value: v, Label: labels[i], Checked: slices.Contains(checked, v)}
	}
	return out
}

// Roles offer the posts by name; the service also reads short forms.
func (f composeForm) roleOptions() []option {
	return options(role.Names(), role.Names(), f.Roles)
}

func (f composeForm) statusOptions() []option {
	return options(admin.CourseStatuses, []string{"belum mulai", "berjalan", "selesai"}, f.Statuses)
}

func (f composeForm) overCapOptions() []option {
	return options([]string{admin.OverCapWait, admin.OverCapSpill},
		[]string{"Menunggu giliran WhatsApp (tanpa biaya)", "Dikirim lewat SMS (berbiaya)"}, []string{f.OverCap})
}

func (f composeForm) channelOptions() []option {
	return options([]string{"whatsapp", "sms"}, []string{"WhatsApp", "SMS"}, f.Channels)
}

func (f composeForm) zoneOptions() []option {
	var out []option
	for _, z := range admin.Zones {
		out = append(out, option{Value: strconv.Itoa(z.Hours), Label: z.Name, Checked: z.Hours == f.Zone})
	}
	return out
}
