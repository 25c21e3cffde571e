// Package pgtest gives tests a real PostgreSQL: the server in
// JXSYNC_TEST_POSTGRES_URL, or else one started from Debian's postgresql
// package (/usr/lib/postgresql/N/bin, the highest N) in a temporary folder
// on a free loopback port, once per test binary, as the postgres user when
// the tests run as root (initdb refuses root). Every test gets a fresh
// database. Without a server it skips the test, or fails it when CI=true.
//
// A test binary that uses it stops the server it started in TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	gosync "sync"
	"testing"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the variable that points the tests at an existing server:
// a postgres:// URL of a role that may create databases.
const EnvURL = "JXSYNC_TEST_POSTGRES_URL"

// server is the one server of the test binary.
var (
	once      gosync.Once
	serverURL string // of the maintenance database
	startErr  error
	stop      func()
)

// Main runs the tests and stops the server they started.
func Main(m *testing.M) {
	code := m.Run()
	if stop != nil {
		stop()
	}
	os.Exit(code)
}

// URL returns the URL of a fresh, empty database for tb, dropped when tb
// ends.
func URL(tb testing.TB) string {
	tb.Helper()
	once.Do(func() {
		if u := os.Getenv(EnvURL); u != "" {
			serverURL = u
			return
		}
		var s *Server
		if s, startErr = start(nil); startErr == nil {
			serverURL, stop = s.URL, s.Stop
		}
	})
	if startErr != nil {
		unavailable(tb, startErr.Error())
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		tb.Fatalf("pgtest: connect %s: %v", redact(serverURL), err)
	}
	defer admin.Close(ctx)
	name := "jxsync_test_" + randHex(6)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("pgtest: create database: %v", err)
	}
	tb.Cleanup(func() {
		c, err := pgx.Connect(ctx, serverURL)
		if err != nil {
			tb.Errorf("pgtest: drop database %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(serverURL)
	if err != nil {
		tb.Fatalf("pgtest: %s is not a URL: %v", EnvURL, err)
	}
	u.Path = "/" + name
	return u.String()
}

// unavailable skips tb, or fails it when CI=true.
func unavailable(tb testing.TB, msg string) {
	tb.Helper()
	msg = "pgtest: no PostgreSQL (apt-get install postgresql, or set " + EnvURL + "): " + msg
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}

// BinDir returns the bin folder of the highest PostgreSQL version
// installed the Debian way, or "".
func BinDir() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	best, bestN := "", -1
	sort.Strings(dirs)
	for _, d := range dirs {
		n, err := strconv.Atoi(filepath.Base(filepath.Dir(d)))
		if err != nil || n <= bestN {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			best, bestN = d, n
		}
	}
	return best
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// redact drops the password from a URL for messages.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(" + EnvURL + ")"
	}
	return u.Redacted()
}
