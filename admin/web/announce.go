package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pamong-desa/pamong/admin"
)

// The announcement pages: a list with live delivery counts, a compose
// form whose Preview button renders it again with the preview beside it
// (there is no JavaScript), a status page that refreshes itself while
// messages are still moving, and cancel.

// announceList is how many of the latest announcements the list shows,
// each with its live counts (two small indexed queries apiece).
const announceList = 30

// refreshSeconds is how often a page with moving messages reloads.
const refreshSeconds = 15

type announcementsData struct {
	Items []announcementItem
}

type announcementItem struct {
	admin.Status
	Created string
	Short   string
	Live    bool
}

func (h *Handler) announcements(w http.ResponseWriter, r *http.Request) {
	sess := current(r)
	zone, err := h.Service.LocalZone(r.Context(), sess.Admin)
	if err != nil {
		h.fail(w, r, sess, err)
		return
	}
	list, err := h.Service.Announcements(r.Context(), sess.Admin, announceList)
	if err != nil {
		h.fail(w, r, sess, err)
		return
	}
	var d announcementsData
	live := false
	for _, a := range list {
		st, err := h.Service.Status(r.Context(), sess.Admin, a.ID)
		if err != nil {
			h.fail(w, r, sess, err)
			return
		}
		it := announcementItem{Status: st, Created: localTime(st.CreatedAt, zone), Short: shorten(st.Text, 80), Live: h.live(st)}
		live = live || it.Live
		d.Items = append(d.Items, it)
	}
	p := page{Session: sess, Title: "Pengumuman", Data: d}
	if live {
		p.Refresh = refreshSeconds
	}
	h.render(w, r, http.StatusOK, "announcements", p)
}

type composeData struct {
	Form                             composeForm
	Roles, Statuses, Channels, Zones []option
	OverCap                          []option
	ZoneName                         string
	MaxText                          int
	// Preview is what sending would do, nil until the admin asks;
	// Fingerprint names the form it was made from (see fingerprint).
	Preview     *previewView
	Fingerprint string
	// Problem is why nothing was sent; Notice a word before sending.
	Problem, Notice string
}

// previewView is the service's preview with what the page formats.
type previewView struct {
	admin.Preview
	Cost, Price string
	SendAt      string
	// WhatsAppSpan says in Indonesian how long the WhatsApp part takes at
	// the hourly cap ("± 25 hari kirim, 300 jam"), "" when nothing goes by
	// WhatsApp.
	WhatsAppSpan string
}

func (h *Handler) composePage(w http.ResponseWriter, r *http.Request) {
	sess := current(r)
	zone, err := h.Service.LocalZone(r.Context(), sess.Admin)
	if err != nil {
		h.fail(w, r, sess, err)
		return
	}
	h.renderCompose(w, r, http.StatusOK, composeForm{Zone: zone.Hours}, nil, "", "")
}

func (h *Handler) renderCompose(w http.ResponseWriter, r *http.Request, status int, f composeForm, p *previewView, problem, notice string) {
	d := composeData{Form: f, Roles: f.roleOptions(), Statuses: f.statusOptions(), Channels: f.channelOptions(), OverCap: f.overCapOptions(),
		Zones: f.zoneOptions(), MaxText: admin.MaxTextRunes, Preview: p, Problem: problem, Notice: notice}
	if z, ok := admin.ZoneOf(f.Zone); ok {
		d.ZoneName = z.Name
	}
	if p != nil {
		d.Fingerprint = f.fingerprint()
	}
	h.render(w, r, status, "announce", page{Session: current(r), Title: "Tulis pengumuman", Data: d})
}

// preview renders the form again with what sending it would do, or with
// why it cannot be sent.
func (h *Handler) previewAnnouncement(w http.ResponseWriter, r *http.Request) {
	sess := current(r)
	f, c, ok := h.readCompose(w, r)
	if !ok {
		return
	}
	p, err := h.Service.Preview(r.Context(), sess.Admin, c)
	if err != nil {
		h.composeProblem(w, r, f, err)
		return
	}
	h.renderCompose(w, r, http.StatusOK, f, h.previewView(p, f), "", "")
}

// sendAnnouncement sends what was previewed. A form that changed since its
// preview is previewed again instead, with a word saying so.
func (h *Handler) sendAnnouncement(w http.ResponseWriter, r *http.Request) {
	sess := current(r)
	f, c, ok := h.readCompose(w, r)
	if !ok {
		return
	}
	if r.PostFormValue("previewed") != f.fingerprint() {
		p, err := h.Service.Preview(r.Context(), sess.Admin, c)
		if err != nil {
			h.composeProblem(w, r, f, err)
			return
		}
		h.renderCompose(w, r, http.StatusConflict, f, h.previewView(p, f), "",
			"Belum dikirim: isi formulir berubah sejak pratinjau. Periksa pratinjau baru ini, lalu tekan Kirim lagi.")
		return
	}
	sent, err := h.Service.Send(r.Context(), sess.Admin, c)
	if err != nil {
		h.composeProblem(w, r, f, err)
		return
	}
	http.Redirect(w, r, "/admin/announcements/"+strconv.FormatInt(sent.ID, 10)+"?sent=1", http.StatusSeeOther)
}

// readCompose reads the form and turns it into the service's terms; a
// form it cannot read is shown again with why, and ok is false.
func (h *Handler) readCompose(w http.ResponseWriter, r *http.Request) (composeForm, admin.Compose, bool) {
	sess := current(r)
	zone, err := h.Service.LocalZone(r.Context(), sess.Admin)
	if err != nil {
		h.fail(w, r, sess, err)
		return composeForm{}, admin.Compose{}, false
	}
	f := readComposeForm(r, zone)
	c, err := f.compose()
	if err != nil {
		h.composeProblem(w, r, f, err)
		return f, c, false
	}
	return f, c, true
}

// composeProblem shows the form again with why nothing was sent: a
// request the service finds wrong (400) or outside the admin's region
// (403). Anything else is the server's fault and gets the error page.
func (h *Handler) composeProblem(w http.ResponseWriter, r *http.Request, f composeForm, err error) {
	switch {
	case errors.Is(err, admin.ErrInvalid):
		h.renderCompose(w, r, http.StatusBadRequest, f, nil, "Tidak ada yang dikirim. "+reason(err, admin.ErrInvalid), "")
	case errors.Is(err, admin.ErrForbidden):
		h.renderCompose(w, r, http.StatusForbidden, f, nil, "Tidak ada yang dikirim. Di luar wilayah Anda: "+reason(err, admin.ErrForbidden), "")
	default:
		h.fail(w, r, current(r), err)
	}
}

// reason is err's message without its sentinel's words in front.
func reason(err, sentinel error) string {
	return strings.TrimPrefix(err.Error(), sentinel.Error()+": ")
}

func (h *Handler) previewView(p admin.Preview, f composeForm) *previewView {
	v := &previewView{Preview: p, Cost: admin.Rupiah(p.EstimatedCost), Price: admin.Rupiah(p.SMSPrice), WhatsAppSpan: sendingSpan(p.WhatsAppHours)}
	if p.SendAt != nil {
		z, _ := admin.ZoneOf(f.Zone)
		v.SendAt = localTime(*p.SendAt, z)
	}
	return v
}

// sendingSpan says how long a number of sending hours takes, counted in
// days of 08:00–20:00, since bulk leaves only then.
func sendingSpan(hours float64) string {
	switch {
	case hours <= 0:
		return ""
	case hours < 1:
		return fmt.Sprintf("± %d menit", int(math.Ceil(hours*60)))
	case hours <= admin.SendingHoursPerDay:
		return fmt.Sprintf("± %s jam", strings.ReplaceAll(strconv.FormatFloat(math.Round(hours*10)/10, 'f', -1, 64), ".", ","))
	}
	days := strings.ReplaceAll(strconv.FormatFloat(math.Round(hours/admin.SendingHoursPerDay*10)/10, 'f', -1, 64), ".", ",")
	return fmt.Sprintf("± %s hari kirim pukul 08.00–20.00 (%s jam)", days, strconv.Itoa(int(math.Ceil(hours))))
}

type announcementData struct {
	admin.Status
	Target                         admin.Filter
	Created, SendFrom, CancelledOn string
	Live, CanCancel, JustSent      bool
	// CancelledNow is how many messages the cancel just stopped, "" when
	// the page was not reached by cancelling.
	CancelledNow string
}

func (h *Handler) announcement(w http.ResponseWriter, r *http.Request) {
	sess := current(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, sess, admin.ErrNotFound)
		return
	}
	st, err := h.Service.Status(r.Context(), sess.Admin, id)
	if err != nil {
		h.fail(w, r, sess, err)
		return
	}
	zone, err := h.Service.LocalZone(r.Context(), sess.Admin)
	if err != nil {
		h.fail(w, r, sess, err)
		return
	}
	d := announcementData{Status: st, Created: localTime(st.CreatedAt, zone), Live: h.live(st),
		JustSent: r.URL.Query().Get("sent") != "", CancelledNow: r.URL.Query().Get("cancelled")}
	// The target was written by the service from a Filter; one that does
	// not read back is shown as the whole scope rather than failing.
	_ = json.Unmarshal(st.Target, &d.Target)
	if st.SendAt != nil {
		d.SendFrom = localTime(*st.SendAt, zone)
	}
	if st.CancelledAt != nil {
		d.CancelledOn = localTime(*st.CancelledAt, zone)
	}
	d.CanCancel = st.CancelledAt == nil && st.Queued+st.SMSFallback.Queued > 0
	p := page{Session: sess, Title: "Pengumuman " + strconv.FormatInt(id, 10), Data: d}
	if d.Live {
		p.Refresh = refreshSeconds
	}
	h.render(w, r, http.StatusOK, "announcement", p)
}

func (h *Handler) cancelAnnouncement(w http.ResponseWriter, r *http.Request) {
	sess := current(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, sess, admin.ErrNotFound)
		return
	}
	n, _, err := h.Service.Cancel(r.Context(), sess.Admin, id)
	if err != nil {
		h.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/admin/announcements/"+strconv.FormatInt(id, 10)+"?cancelled="+strconv.Itoa(n), http.StatusSeeOther)
}

// live tells whether an announcement's counts can still move: messages
// wait to leave, or sent ones wait for a delivery report (for a day; a
// provider that sends none would keep the page reloading for ever).
func (h *Handler) live(st admin.Status) bool {
	if st.Queued+st.SMSFallback.Queued > 0 {
		return true
	}
	now := time.Now()
	if h.Service.Now != nil {
		now = h.Service.Now()
	}
	return st.Sent+st.SMSFallback.Sent > 0 && now.Sub(st.CreatedAt) < 24*time.Hour
}

// localTime writes t in zone, as admins read times: 17-03-2025 08:00 WITA.
func localTime(t time.Time, z admin.Zone) string {
	return t.In(z.Location()).Format("02-01-2006 15:04") + " " + z.Name
}

// shorten cuts s to n characters at most, marking the cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// mountAnnouncements adds the announcement pages to mux.
func (h *Handler) mountAnnouncements(mux *http.ServeMux) {
	mux.Handle("GET /admin/announcements", secured(h.session(h.announcements)))
	mux.Handle("GET /admin/announcements/new", secured(h.session(h.composePage)))
	mux.Handle("POST /admin/announcements/preview", secured(h.session(h.changing(h.previewAnnouncement))))
	mux.Handle("POST /admin/announcements", secured(h.session(h.changing(h.sendAnnouncement))))
	mux.Handle("GET /admin/announcements/{id}", secured(h.session(h.announcement)))
	mux.Handle("POST /admin/announcements/{id}/cancel", secured(h.session(h.changing(h.cancelAnnouncement))))
}
