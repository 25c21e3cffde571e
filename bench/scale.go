package bench

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// PortalPerAccount is how many uploads one account of the portal
// benchmark makes: under the portal's limit of 30 a minute per account, so
// that no upload is refused for it.
const PortalPerAccount = 25

// PortalRun is one measurement of uploads through the portal's API.
type PortalRun struct {
	// Store is "local" (SQLite and local blobs) or "postgres+s3".
	Store     string `json:"store"`
	Instances int    `json:"instances"`
	Clients   int    `json:"clients"`
	Uploads   int    `json:"uploads"`
	// Statuses counts the answers by HTTP status ("200" stored), "login"
	// for uploads not sent because the sign-in failed and "error" for
	// requests that got no answer.
	Statuses map[string]int `json:"statuses"`
	// FirstFailure is the first answer other than 200, for the record.
	FirstFailure string        `json:"first_failure,omitempty"`
	Wall         time.Duration `json:"wall_ns"`
	// Serve, S3 and Postgres are the CPU time the serve instances,
	// versitygw and PostgreSQL used during the run; Client that of the
	// benchmark's clients (sharing the machine).
	Serve    time.Duration `json:"serve_cpu_ns"`
	S3       time.Duration `json:"s3_cpu_ns,omitempty"`
	Postgres time.Duration `json:"postgres_cpu_ns,omitempty"`
	Client   time.Duration `json:"client_cpu_ns"`
	// MaxRSS is the largest peak RSS of an instance.
	MaxRSS int64 `json:"max_rss"`
	// P50 and P95 are latencies of the stored uploads.
	P50 time.Duration `json:"p50_ns"`
	P95 time.Duration `json:"p95_ns"`
}

// Stored is the number of uploads answered 200.
func (r PortalRun) Stored() int { return r.Statuses["200"] }

// Failures is the number of uploads not answered 200.
func (r PortalRun) Failures() int { return r.Uploads - r.Stored() }

// Rate is stored uploads per second of wall time.
func (r PortalRun) Rate() float64 { return float64(r.Stored()) / r.Wall.Seconds() }

// CPURate is stored uploads per CPU-second of the portal instances and
// versitygw, times 2 cores: the rate of one 2-core portal machine when the
// work is CPU-bound (PostgreSQL and the clients on machines of their own).
func (r PortalRun) CPURate() float64 {
	return float64(r.Stored()) / ((r.Serve + r.S3).Seconds() / 2)
}

// storeName words a store of the import and portal runs.
func storeName(st string) string {
	switch st {
	case "local":
		return "SQLite + local"
	case "s3":
		return "SQLite + S3"
	case "postgres+s3":
		return "PostgreSQL + S3"
	}
	return st
}

// perMS is a CPU time per item in milliseconds, or "–".
func perMS(d time.Duration, n int) string {
	if d <= 0 || n <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f ms", float64(d.Milliseconds())/float64(n))
}

// reportScale renders the sections of issue 13: the seed-sized import on
// the three stores side by side, and the portal uploads.
func reportScale(w func(string, ...any), imports []ImportRun, portal []PortalRun) {
	var seed []ImportRun
	for _, r := range imports {
		if r.Code == "" && r.Set == "seed" {
			seed = append(seed, r)
		}
	}
	order := map[string]int{"local": 0, "s3": 1, "postgres+s3": 2}
	sort.SliceStable(seed, func(i, j int) bool { return order[seed[i].Store] < order[seed[j].Store] })
	hasPG := false
	for _, r := range seed {
		hasPG = hasPG || r.Store == "postgres+s3"
	}
	if hasPG {
		w("\n## Import into PostgreSQL + S3, beside SQLite\n\n")
		w("The seed-sized set, `jxsync import DIR --workers 2` as a child process, this code, one after the other in the same run: records in SQLite (`<data_dir>/jxsync.db`) ")
		w("or in PostgreSQL (`store.records: postgres`, a fresh database on one server started for the run from Debian's package with fsync, synchronous commit and full-page writes on), ")
		w("originals in the local folder or in S3 (versitygw on loopback). All share the 2 cores. *CPU-bound rate* counts the CPU of jxsync and versitygw (2 cores), not PostgreSQL's, ")
		w("which a deployment runs on a machine of its own; PostgreSQL's CPU (all its processes, from /proc) is shown per workbook beside it.\n\n")
		w("| store | workbooks | wall | workbooks/s | CPU-bound rate | jxsync CPU per workbook | versitygw CPU per workbook | PostgreSQL CPU per workbook | peak RSS of jxsync | outcomes |\n|---|---|---|---|---|---|---|---|---|---|\n")
		for _, r := range seed {
			w("| %s | %d | %.1f s | %.0f | %.0f | %s | %s | %s | %s | %s |\n", storeName(r.Store), r.Workbooks, r.Child.Wall.Seconds(), r.Rate(), r.CPURate(),
				perMS(r.Child.User+r.Child.System, r.Workbooks), perMS(r.Child.Other, r.Workbooks), perMS(r.Child.Postgres, r.Workbooks), mb(r.Child.MaxRSS), outcomes(r.Outcomes))
		}
	}
	if len(portal) > 0 {
		w("\n## Portal uploads\n\n")
		w("Seed-sized workbooks uploaded through the JSON API (`POST /api/login`, then `POST /api/upload` with the session cookie and `X-CSRF-Token`) by concurrent clients, each a goroutine of benchrun on the same machine. ")
		w("The accounts are bureau accounts made with `jxsync user add` (password on stdin), %d uploads each, under the portal's limit of 30 a minute per account; ", PortalPerAccount)
		w("a client signs in on one instance and sends its uploads to the instances in turn, so every session is used on both. ")
		w("Each instance is `jxsync serve` with its own data folder; PostgreSQL and versitygw as for the import. ")
		w("*CPU-bound rate* is stored uploads per CPU-second of the `serve` processes and versitygw, times 2 cores: what one 2-core portal machine answers when the work is CPU-bound; PostgreSQL's CPU is shown per upload beside it.\n\n")
		w("| store | instances | clients | uploads | wall | uploads/s | CPU-bound rate | portal CPU per upload | versitygw CPU per upload | PostgreSQL CPU per upload | clients' CPU | latency p50 / p95 | peak RSS of an instance | failures |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
		for _, r := range portal {
			fail := fmt.Sprintf("%d", r.Failures())
			if r.Failures() > 0 {
				var ks []string
				for k, v := range r.Statuses {
					if k != "200" {
						ks = append(ks, fmt.Sprintf("%s ×%d", k, v))
					}
				}
				sort.Strings(ks)
				fail += " (" + strings.Join(ks, ", ") + ")"
			}
			w("| %s | %d | %d | %d | %.1f s | %.1f | %.0f | %s | %s | %s | %.1f s | %.0f / %.0f ms | %s | %s |\n", storeName(r.Store), r.Instances, r.Clients, r.Uploads, r.Wall.Seconds(), r.Rate(), r.CPURate(),
				perMS(r.Serve, r.Stored()), perMS(r.S3, r.Stored()), perMS(r.Postgres, r.Stored()), r.Client.Seconds(), float64(r.P50.Milliseconds()), float64(r.P95.Milliseconds()), mb(r.MaxRSS), fail)
		}
		for _, r := range portal {
			if r.FirstFailure != "" {
				msg := r.FirstFailure
				if len(msg) > 300 {
					msg = msg[:300] + "…"
				}
				w("\nFirst failure, %s with %d instance(s): `%s`\n", storeName(r.Store), r.Instances, strings.ReplaceAll(msg, "`", "'"))
			}
		}
	}
}

// outcomes words an import's outcome counts.
func outcomes(m map[string]int) string {
	var oc []string
	for k, v := range m {
		oc = append(oc, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(oc)
	return strings.Join(oc, ", ")
}
