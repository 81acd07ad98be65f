package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/pamong-desa/pamong/admin"
	"github.com/pamong-desa/pamong/region"
	"github.com/pamong-desa/pamong/store"
)

func adminCmd(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "admin", "admin create --name NAME (--scope CODE | --national) | admin list | admin revoke ID | admin login-link ID\n\n"+
		"Admins run the programme in their region through the JSON API (/api/v1/, see README.md).\n"+
		"create prints the admin's API token once; only its hash is kept. The scope is a region code\n"+
		"prefix: 52 for a province, 52.01 (or 5201) for a regency; --national for all of Indonesia.\n"+
		"revoke ends a token at once. login-link prints a one-time link that signs the admin in to the\n"+
		"dashboard (PAMONG_PUBLIC_URL/admin/login/…): it works once, for 15 minutes.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sub, rest := fs.Arg(0), fs.Args()
	if len(rest) > 0 {
		rest = rest[1:]
	}
	switch sub {
	case "create":
		return adminCreate(ctx, e, rest)
	case "list":
		return adminList(ctx, e, rest)
	case "revoke":
		return adminRevoke(ctx, e, rest)
	case "login-link":
		return adminLoginLink(ctx, e, rest)
	}
	fs.Usage()
	return errors.New("admin: want create, list, revoke or login-link")
}

func adminCreate(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "admin create", "admin create --name NAME (--scope CODE | --national)")
	name := fs.String("name", "", "who the admin is, e.g. \"DPMD Kabupaten Lombok Barat\"")
	scope := fs.String("scope", "", "the region code prefix the admin works in: 52, 52.01 or 5201")
	national := fs.Bool("national", false, "all of Indonesia")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if (*scope == "") == !*national {
		return errors.New("admin create: give either --scope CODE or --national")
	}
	svc, db, err := adminService(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	a, token, err := svc.CreateAdmin(ctx, *name, *scope)
	if err != nil {
		return fmt.Errorf("admin create: %w", err)
	}
	fmt.Fprintf(e.stdout, "Admin %d %q created, scope %s.\nAPI token (shown only this once; keep it secret, it cannot be recovered):\n%s\n",
		a.ID, a.Name, admin.ScopeName(a.Scope), token)
	return nil
}

func adminList(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "admin list", "admin list")
	if err := fs.Parse(args); err != nil {
		return err
	}
	svc, db, err := adminService(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	as, err := svc.Admins(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tSCOPE\tCREATED\tREVOKED")
	for _, a := range as {
		revoked := "-"
		if a.RevokedAt != nil {
			revoked = a.RevokedAt.Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", a.ID, a.Name, admin.ScopeName(a.Scope), a.CreatedAt.Format("2006-01-02 15:04"), revoked)
	}
	return tw.Flush()
}

func adminRevoke(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "admin revoke", "admin revoke ID")
	if err := fs.Parse(args); err != nil {
		return err
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if fs.NArg() != 1 || err != nil {
		return errors.New("admin revoke: want the admin's ID (see 'pamong admin list')")
	}
	svc, db, err := adminService(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := svc.RevokeAdmin(ctx, id)
	if err != nil {
		return fmt.Errorf("admin revoke: %w", err)
	}
	fmt.Fprintf(e.stdout, "Admin %d %q revoked at %s: the token no longer works.\n", a.ID, a.Name, a.RevokedAt.Format("2006-01-02 15:04:05"))
	return nil
}

func adminLoginLink(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "admin login-link", "admin login-link ID")
	if err := fs.Parse(args); err != nil {
		return err
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if fs.NArg() != 1 || err != nil {
		return errors.New("admin login-link: want the admin's ID (see 'pamong admin list')")
	}
	svc, db, err := adminService(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	a, token, expires, err := svc.CreateLoginLink(ctx, id)
	if err != nil {
		return fmt.Errorf("admin login-link: %w", err)
	}
	if e.cfg.PublicURL == "" {
		fmt.Fprintln(e.stderr, "PAMONG_PUBLIC_URL is not set: the link points at this machine, which only works for a trial.")
	}
	// The same base as certificates' links: PAMONG_PUBLIC_URL, or this
	// machine's address for a trial.
	base := certificateSettings(e.cfg).PublicURL
	fmt.Fprintf(e.stdout, "One-time sign-in link for admin %d %q (scope %s), valid until %s, once:\n%s/admin/login/%s\n",
		a.ID, a.Name, admin.ScopeName(a.Scope), expires.UTC().Format("2006-01-02 15:04 UTC"), base, token)
	return nil
}

// adminService opens the database and the admin logic on it.
func adminService(ctx context.Context, e *env) (*admin.Service, *store.DB, error) {
	if err := e.cfg.require(needAdmin); err != nil {
		return nil, nil, err
	}
	course, err := loadCourse(e.cfg.CoursePath)
	if err != nil {
		return nil, nil, err
	}
	log := newLogger(e)
	db, err := openStore(ctx, e, log)
	if err != nil {
		return nil, nil, err
	}
	dep := cliDeployment(ctx, e, log)
	return &admin.Service{Store: db, SMSPrice: e.cfg.SMSPrice, CourseID: course.ID, Deployment: dep}, db, nil
}

// operator is whom the CLI acts as: the operator has the database and may
// take any scope; --scope narrows what a command reaches, like an admin's.
func operator(scope string) (store.Admin, error) {
	if s := strings.TrimSpace(scope); s == "" || strings.EqualFold(s, "national") {
		return admin.Operator(""), nil
	}
	code, err := region.Parse(scope)
	if err != nil {
		return store.Admin{}, fmt.Errorf("--scope: %w", err)
	}
	return admin.Operator(code), nil
}

// parseInterleaved parses flags that may come after positional arguments
// ("officials import FILE --strict") and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// listFlag is a flag that may be repeated or given comma-separated.
type listFlag []string

// String is the flag's value as given.
func (l *listFlag) String() string { return strings.Join(*l, ",") }

// Set adds one flag occurrence, split at commas.
func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}
