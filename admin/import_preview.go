package admin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

// UploadTTL is how long an uploaded officials file waits for its
// "Import": long enough to read the preview, short enough that a
// forgotten tab does not import a stale file hours later.
const UploadTTL = 30 * time.Minute

// MaxUpload is the largest officials file the dashboard takes: 80,000
// officials are about 6 MB; a file twice that is a mistake.
const MaxUpload = 16 << 20

// PreviewSample is how many rows of a preview are shown.
const PreviewSample = 20

// ImportPreview is what importing a file would do, computed by the same
// reading and the same database checks as the import itself, with nothing
// written.
type ImportPreview struct {
	// Read, Problems and ProblemCount are as in the import's report.
	ImportReport
	New       int          `json:"new"`
	Updated   int          `json:"updated"`
	Unchanged int          `json:"unchanged"`
	Rows      []PreviewRow `json:"rows"`
	// Outside is true when the file names officials outside the admin's
	// region: then Problems lists those rows and nothing may be imported.
	Outside bool `json:"outside"`
	// ID and SHA256 identify the held upload that "Import" commits; ""
	// when there is nothing to import.
	ID       string `json:"id,omitempty"`
	SHA256   string `json:"sha256,omitempty"`
	Filename string `json:"filename"`
}

// PreviewRow is one row of a file as the import would apply it.
type PreviewRow struct {
	Line        int    `json:"line"`
	Phone       string `json:"phone"`
	Name        string `json:"name"`
	Role        string `json:"role"`
	VillageCode string `json:"village_code"`
	Channel     string `json:"channel"`
	// Change is new, updated or unchanged.
	Change string `json:"change"`
}

// uploadStore is the store's side of previews, asked for by type
// assertion so that fakes of Store need not grow.
type uploadStore interface {
	PreviewOfficialsFrom(ctx context.Context, scope region.Code, rows iter.Seq2[store.Official, error], listed, sample int) (store.OfficialPreview, error)
	HoldOfficialUpload(ctx context.Context, idHash []byte, adminID int64, u store.OfficialUpload, expires time.Time) error
	TakeOfficialUpload(ctx context.Context, idHash []byte, adminID int64) (store.OfficialUpload, error)
}

var _ uploadStore = (*store.DB)(nil)

func (s *Service) uploads() (uploadStore, error) {
	us, ok := s.Store.(uploadStore)
	if !ok {
		return nil, fmt.Errorf("officials upload: %T keeps no uploads", s.Store)
	}
	return us, nil
}

// PreviewOfficials reads an uploaded officials file as ImportOfficials
// would (not strict: good rows import, bad ones are reported) and says
// what it would change, writing nothing to learners. When something would
// be imported the file is held for who under a random id until UploadTTL,
// and ImportUpload commits exactly these bytes. A file reaching outside
// who's region is previewed with those rows listed and is not held.
func (s *Service) PreviewOfficials(ctx context.Context, who store.Admin, filename string, content []byte) (ImportPreview, error) {
	p := ImportPreview{ImportReport: ImportReport{Problems: []RowProblem{}}, Filename: filename}
	us, err := s.uploads()
	if err != nil {
		return p, err
	}
	if len(content) > MaxUpload {
		return p, invalid("the file is %d MB; at most %d MB can be uploaded: split it, or use 'pamong officials import'", len(content)>>20, MaxUpload>>20)
	}
	rd, err := NewOfficialsReader(bytes.NewReader(content))
	if err != nil {
		return p, err
	}
	run := &importRun{rd: rd, who: who, rep: &p.ImportReport}
	res, err := us.PreviewOfficialsFrom(ctx, who.Scope, run.rows, MaxProblems, PreviewSample)
	if done, err := run.refused(err); done {
		p.Outside = errors.Is(err, ErrForbidden)
		if p.Outside {
			// The rows are the preview's message; the page lists them.
			return p, nil
		}
		return p, err
	}
	p.Problems, p.ProblemCount = mergeProblems(run.bad.list, rowProblems(res.Rejected)), run.bad.count+res.RejectedCount
	p.New, p.Updated, p.Unchanged = res.New, res.Updated, res.Unchanged
	for _, r := range res.Rows {
		p.Rows = append(p.Rows, PreviewRow(r))
	}
	if p.New+p.Updated == 0 {
		return p, nil
	}
	id, err := randomToken()
	if err != nil {
		return p, err
	}
	sum := sha256.Sum256(content)
	if err := us.HoldOfficialUpload(ctx, HashToken(id), who.ID, store.OfficialUpload{Filename: filename, Content: content, SHA256: sum[:]},
		s.now().Add(UploadTTL)); err != nil {
		return p, err
	}
	p.ID, p.SHA256 = id, hex.EncodeToString(sum[:])
	return p, nil
}

// ImportUpload imports the file held under id for who, once: the same
// import as the CLI's, of the very bytes previewed (their SHA-256 must be
// the one the preview showed). An upload that is unknown, expired,
// already imported or another admin's is ErrNotFound.
func (s *Service) ImportUpload(ctx context.Context, who store.Admin, id, sha string) (ImportReport, error) {
	us, err := s.uploads()
	if err != nil {
		return ImportReport{}, err
	}
	want, err := hex.DecodeString(sha)
	if id == "" || err != nil || len(want) != sha256.Size {
		return ImportReport{}, invalid("the import form lacks the file's id or checksum; upload the file again")
	}
	u, err := us.TakeOfficialUpload(ctx, HashToken(id), who.ID)
	if errors.Is(err, store.ErrNotFound) {
		return ImportReport{}, fmt.Errorf("%w: this upload was already imported or has expired (after %v); upload the file again",
			ErrNotFound, UploadTTL)
	}
	if err != nil {
		return ImportReport{}, err
	}
	got := sha256.Sum256(u.Content)
	if subtle.ConstantTimeCompare(got[:], want) != 1 || subtle.ConstantTimeCompare(u.SHA256, want) != 1 {
		return ImportReport{}, invalid("the held file is not the one previewed; upload it again")
	}
	return s.ImportOfficials(ctx, who, bytes.NewReader(u.Content), false)
}
