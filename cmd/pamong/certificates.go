package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"text/tabwriter"

	"github.com/pamong-desa/pamong/certificate"
	"github.com/pamong-desa/pamong/store"
	"github.com/pamong-desa/pamong/verify"
	"github.com/pamong-desa/pamong/whatsapp"
)

// certificateSettings is what certificates are issued with: the issuer
// and the base of their verification links. Without PAMONG_PUBLIC_URL the
// links point at this machine, which is only right for a trial.
func certificateSettings(cfg Config) store.CertificateSettings {
	base := cfg.PublicURL
	if base == "" {
		host, port, err := net.SplitHostPort(cfg.Addr)
		if err != nil {
			port = "8080"
		}
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "localhost"
		}
		base = "http://" + net.JoinHostPort(host, port)
	}
	return store.CertificateSettings{Issuer: cfg.Issuer, PublicURL: base}
}

// certificateDocuments makes the certificate PDF that a WhatsApp message
// names in its attachment (bot.PDFAttachment).
func certificateDocuments(db *store.DB, log *slog.Logger) whatsapp.Documents {
	v := &verify.Handler{Store: db, Log: log.With("component", "verify")}
	return func(ctx context.Context, name string) ([]byte, string, string, error) {
		raw, ok := strings.CutPrefix(name, "certificate:")
		code, err := certificate.Parse(raw)
		if !ok || err != nil {
			return nil, "", "", fmt.Errorf("attachment %q: %w", name, whatsapp.ErrNoDocument)
		}
		data, err := v.PDF(ctx, code)
		if errors.Is(err, store.ErrNotFound) {
			return nil, "", "", fmt.Errorf("%v: %w", err, whatsapp.ErrNoDocument)
		}
		return data, "sertifikat-" + code.String() + ".pdf", "application/pdf", err
	}
}

func certificatesCmd(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "certificates", "certificates list [--region CODE] [--status valid|revoked] [--csv] [--scope CODE]\n"+
		"certificates revoke CODE --reason \"...\" [--scope CODE]\n\n"+
		"Lists competency certificates, newest first (--csv: all of them as CSV, for a spreadsheet), or revokes\n"+
		"one: from then on its page, its PDF and CEK by SMS say it is revoked, with the date and the reason.\n"+
		"--scope acts as an admin of that region (default: national).")
	regionFlag := fs.String("region", "", "only certificates of officials in this region code (comma-separated for several)")
	status := fs.String("status", "", "valid or revoked (default: both)")
	asCSV := fs.Bool("csv", false, "write CSV instead of a table")
	reason := fs.String("reason", "", "why the certificate is revoked (required for revoke)")
	scope := fs.String("scope", "", "act inside this region code prefix")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	who, err := operator(*scope)
	if err != nil {
		return err
	}
	var regions []string
	for _, r := range strings.Split(*regionFlag, ",") {
		if r = strings.TrimSpace(r); r != "" {
			regions = append(regions, r)
		}
	}
	switch {
	case len(pos) == 1 && pos[0] == "list":
	case len(pos) == 2 && pos[0] == "revoke":
		if strings.TrimSpace(*reason) == "" {
			return errors.New(`certificates revoke: give the reason: --reason "..."`)
		}
	default:
		fs.Usage()
		return errors.New("certificates: want 'certificates list' or 'certificates revoke CODE --reason ...'")
	}
	svc, db, err := adminService(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	if pos[0] == "revoke" {
		row, err := svc.RevokeCertificate(ctx, who, pos[1], *reason)
		if err != nil {
			return fmt.Errorf("certificates revoke: %w", err)
		}
		fmt.Fprintf(e.stdout, "%s (%s) revoked on %s: %s\n", row.Code, row.Name, row.RevokedOn, row.RevokedReason)
		return nil
	}
	if *asCSV {
		_, err := svc.ExportCertificates(ctx, who, regions, *status, e.stdout)
		return err
	}
	list, err := svc.Certificates(ctx, who, regions, *status, 0, 0)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tSTATUS\tNAME\tVILLAGE\tCOURSE\tPOST-TEST\tISSUED")
	for _, c := range list.Certificates {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s %s\t%s\t%d\t%s\n", c.Code, c.Status, c.Name, c.VillageCode, c.Village, c.CourseID, c.PosttestScore, c.IssuedOn)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if list.Total > len(list.Certificates) {
		fmt.Fprintf(e.stdout, "(%d of %d shown; --csv writes them all)\n", len(list.Certificates), list.Total)
	}
	return nil
}
