// Package web is jxsync's portal: agencies (预算单位) sign in, download the
// blank form or their last submission, upload workbooks and see at once
// what validation found; bureau staff (财政局) follow every unit's status,
// open submissions, download them and accept or return them. The same
// operations are offered as a JSON API under /api/.
//
// The package depends on the sync service only; cmd/jxsync wires the stores
// and the workbook reader in.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/jxsync/jxsync/jobs"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// DefaultMaxUploadBytes is the default limit of an upload's request body
// (20 MB).
const DefaultMaxUploadBytes = 20 << 20

// BlankFunc returns the blank workbook of a template version.
type BlankFunc func(id, version string) ([]byte, error)

// Options configure a Server. The zero value is usable.
type Options struct {
	// MaxUploadBytes bounds an upload's request body; 0 means
	// DefaultMaxUploadBytes.
	MaxUploadBytes int64
	// Blank returns the blank template workbooks; nil hides the blank
	// template download.
	Blank BlankFunc
	// LoginFailures failed sign-ins for one name from one address within
	// LoginWindow block that pair's further attempts (429); for one name
	// from any address they slow every attempt on the name instead (a
	// delay before answering that doubles from half a second with each
	// further failure, up to LoginDelayMax), so that nobody can lock an
	// account out. LoginAddressFailures failed sign-ins from one address,
	// whatever the names, block the address. Defaults: 5, 20 in 15
	// minutes, delays up to 5 s.
	LoginFailures        int
	LoginAddressFailures int
	LoginWindow          time.Duration
	LoginDelayMax        time.Duration
	// Sleep waits d before a sign-in is answered, or until ctx ends; nil
	// waits on a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// UploadLimit uploads per account within UploadWindow; more are
	// refused (429). Defaults: 30 a minute.
	UploadLimit  int
	UploadWindow time.Duration
	// Limits keeps the counts of failed sign-ins and uploads; nil means
	// the service's user store when it is a store.Limits (the SQLite file),
	// else memory (one process only).
	Limits store.Limits
	// ReadLimit workbooks are read at once (uploads, annotated copies,
	// revisions read again from their original), LegacyReadLimit of them
	// legacy .xls files, which are converted first; a request waits for a
	// turn up to QueueTimeout, then is refused (503). Defaults: the
	// number of CPUs, 1, 30 s.
	ReadLimit       int
	LegacyReadLimit int
	QueueTimeout    time.Duration
	// TrustProxy takes the client address from X-Real-IP or the last
	// X-Forwarded-For entry, and TLS from X-Forwarded-Proto: set it only
	// behind a reverse proxy that sets them.
	TrustProxy bool
	// Jobs is the job queue of bulk imports, zips and reports; nil hides
	// the bulk upload and the job pages (501).
	Jobs *jobs.Queue
	// MaxBulkBytes bounds a bulk upload's request body; 0 means
	// DefaultMaxBulkBytes.
	MaxBulkBytes int64
	// Logger receives server errors; nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Server is the portal's http.Handler.
type Server struct {
	svc    *sync.Service
	opts   Options
	mux    *http.ServeMux
	pages  map[string]*template.Template
	limits store.Limits
	prune  pruner
	reads  *gate
	legacy *gate
	log    *slog.Logger
	// knownID holds the template ids, whose mentions pages replace by
	// titles.
	knownID map[string]bool
}

// New returns the portal of svc, which must have its stores (Blobs,
// Records, Users) and its reader wired in.
func New(svc *sync.Service, opts Options) (*Server, error) {
	if svc == nil || svc.Records == nil || svc.Users == nil || svc.Blobs == nil || svc.Reader == nil {
		return nil, errors.New("web: the service needs its reader, blob, record and user stores")
	}
	if opts.MaxUploadBytes <= 0 {
		opts.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if opts.LoginFailures <= 0 {
		opts.LoginFailures = 5
	}
	if opts.LoginWindow <= 0 {
		opts.LoginWindow = 15 * time.Minute
	}
	if opts.LoginAddressFailures <= 0 {
		opts.LoginAddressFailures = 4 * opts.LoginFailures
	}
	if opts.LoginDelayMax <= 0 {
		opts.LoginDelayMax = 5 * time.Second
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	if opts.MaxBulkBytes <= 0 {
		opts.MaxBulkBytes = DefaultMaxBulkBytes
	}
	if opts.UploadLimit <= 0 {
		opts.UploadLimit = 30
	}
	if opts.UploadWindow <= 0 {
		opts.UploadWindow = time.Minute
	}
	if opts.Limits == nil {
		if l, ok := svc.Users.(store.Limits); ok {
			opts.Limits = l
		} else {
			opts.Limits = newMemLimits()
		}
	}
	if opts.ReadLimit <= 0 {
		opts.ReadLimit = runtime.NumCPU()
	}
	if opts.LegacyReadLimit <= 0 {
		opts.LegacyReadLimit = 1
	}
	if opts.QueueTimeout <= 0 {
		opts.QueueTimeout = 30 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	pages, err := parsePages()
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	s := &Server{svc: svc, opts: opts, mux: http.NewServeMux(), pages: pages, log: opts.Logger,
		limits: opts.Limits, reads: newGate(opts.ReadLimit, opts.QueueTimeout),
		legacy: newGate(opts.LegacyReadLimit, opts.QueueTimeout), knownID: map[string]bool{}}
	for _, t := range svc.Templates {
		s.knownID[t.ID] = true
	}
	s.routes()
	return s, nil
}

// routes registers every page and API endpoint. Roles: "" any signed-in
// user, agency, bureau, reviewer (bureau or department: the review queue,
// scoped to a department's subtree) or filer (agency or department: its own
// unit's forms). Every route that takes a revision or submission id fetches
// it through the user's access (a unit outside it is 404). The consolidated
// report is the bureau's only.
func (s *Server) routes() {
	static, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	s.mux.HandleFunc("GET /static/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no listings
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})

	// Pages.
	s.mux.HandleFunc("GET /{$}", s.home)
	s.mux.HandleFunc("GET /login", s.loginPage)
	s.mux.HandleFunc("POST /login", s.loginForm)
	s.mux.Handle("POST /logout", s.page("", s.logoutForm))
	s.mux.Handle("GET /agency", s.page(roleFiler, s.agencyHome))
	s.mux.Handle("POST /upload", s.uploadPage(s.uploadForm))
	s.mux.Handle("GET /blank", s.page("", s.downloadBlank))
	s.mux.Handle("GET /revisions/{id}", s.page("", s.revisionPage))
	s.mux.Handle("GET /revisions/{id}/original", s.page("", s.downloadOriginal))
	s.mux.Handle("GET /revisions/{id}/export", s.page("", s.downloadExport))
	s.mux.Handle("GET /revisions/{id}/annotated", s.page("", s.downloadAnnotated))
	s.mux.Handle("GET /bureau", s.page(roleReviewer, s.dashboardPage))
	s.mux.Handle("GET /bureau/zip", s.page(roleReviewer, s.downloadZip))
	s.mux.Handle("GET /bureau/report", s.page(roleBureau, s.downloadReport))
	s.mux.Handle("POST /submissions/{id}/review", s.page(roleReviewer, s.reviewForm))
	s.mux.Handle("GET /audit", s.page(roleBureau, s.auditPage))
	s.mux.Handle("GET /units/pending", s.page(roleBureau, s.pendingUnitsPage))
	s.mux.Handle("POST /units/pending/{id}/assign", s.page(roleBureau, s.assignUnitForm))
	s.mux.Handle("GET /tasks", s.page(roleBureau, s.tasksPage))
	s.mux.Handle("POST /tasks", s.page(roleBureau, s.tasksForm))

	// JSON API.
	s.mux.HandleFunc("POST /api/login", s.apiLogin)
	s.mux.Handle("POST /api/logout", s.api("", s.apiLogout))
	s.mux.Handle("GET /api/me", s.api("", s.apiMe))
	s.mux.Handle("GET /api/templates", s.api("", s.apiTemplates))
	s.mux.Handle("GET /api/blank", s.api("", s.downloadBlank))
	s.mux.Handle("POST /api/upload", s.api("", s.apiUpload))
	s.mux.Handle("GET /api/submissions", s.api("", s.apiSubmissions))
	s.mux.Handle("GET /api/unidentified", s.api("", s.apiUnidentified))
	s.mux.Handle("GET /api/revisions/{id}", s.api("", s.apiRevision))
	s.mux.Handle("GET /api/revisions/{id}/original", s.api("", s.downloadOriginal))
	s.mux.Handle("GET /api/revisions/{id}/export", s.api("", s.downloadExport))
	s.mux.Handle("GET /api/revisions/{id}/annotated", s.api("", s.downloadAnnotated))
	s.mux.Handle("GET /api/dashboard", s.api(roleReviewer, s.apiDashboard))
	s.mux.Handle("GET /api/zip", s.api(roleReviewer, s.downloadZip))
	s.mux.Handle("GET /api/report", s.api(roleBureau, s.downloadReport))
	s.mux.Handle("POST /api/submissions/{id}/review", s.api(roleReviewer, s.apiReview))
	s.jobsRoutes()
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, apiError{Error: "没有该接口 (no such endpoint)"})
	})
}

// ServeHTTP implements http.Handler: it sets the security headers of every
// response (HSTS over TLS) and dispatches.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("Cache-Control", "no-store")
	if s.secure(r) {
		// Browsers that came over TLS keep to it for a year.
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	s.mux.ServeHTTP(w, r)
}

// home sends a signed-in user to their start page, others to sign in.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	u, _, err := s.sessionOf(r)
	switch {
	case err != nil:
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	case u.Role == roleBureau || u.Role == roleDepartment:
		http.Redirect(w, r, "/bureau", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/agency", http.StatusSeeOther)
	}
}
