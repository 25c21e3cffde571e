#!/usr/bin/env bash
# Runs every jxsync test on a fresh machine: installs what the tests need
# when it is missing (versitygw as the S3 server; PostgreSQL; LibreOffice, poppler,
# Chinese fonts and Carlito, metric-compatible with Excel's Calibri, to print
# workbooks as Excel does; openpyxl and Microsoft's Open XML validator to
# check every workbook jxsync writes), then vet, gofmt and `go test ./...`.
# Extra arguments go to go test. With CI=true no test skips for a missing
# tool: it fails.
set -euo pipefail
cd "$(dirname "$0")/.."

export CGO_ENABLED=0
export PATH="$(go env GOPATH)/bin:$PATH"

# Debian packages the tests use.
pkgs=()
command -v soffice >/dev/null 2>&1 || pkgs+=(libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || pkgs+=(poppler-utils)
{ command -v chromium || command -v chromium-browser || command -v google-chrome; } >/dev/null 2>&1 || pkgs+=(chromium)
{ command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q .; } || pkgs+=(fonts-noto-cjk)
{ command -v fc-list >/dev/null 2>&1 && fc-list | grep -qi -e carlito -e calibri; } || pkgs+=(fonts-crosextra-carlito)
{ command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; } || pkgs+=(nodejs npm)
# PostgreSQL's binaries (not started as a service: store/postgres/pgtest
# runs its own server as the postgres user).
[ -n "${JXSYNC_TEST_POSTGRES_URL:-}" ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || pkgs+=(postgresql)
# openpyxl for whichever python3 runs: on the PATH, else Debian's.
{ python3 -c 'import openpyxl' || /usr/bin/python3 -c 'import openpyxl'; } >/dev/null 2>&1 || pkgs+=(python3-openpyxl)
if [ ${#pkgs[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  if command -v apt-get >/dev/null 2>&1; then
    echo "== installing ${pkgs[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${pkgs[@]}" >/dev/null
  else
    echo "warning: cannot install ${pkgs[*]} (no apt-get); tests that need them skip, or fail with CI=true" >&2
  fi
fi

# Microsoft's Open XML SDK validator compiled to WebAssembly (runs on Node
# 20 without .NET).
if ! command -v ooxml-validate >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  echo "== installing @ooxml-tools/validate"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo npm install -g --no-fund --no-audit @ooxml-tools/validate@0.4.6 >/dev/null
fi

# The S3 server the store tests run against.
if [ -z "${JXSYNC_TEST_S3_ENDPOINT:-}" ] && ! command -v versitygw >/dev/null 2>&1; then
  echo "== installing versitygw"
  go install github.com/versity/versitygw/cmd/versitygw@v1.8.0
fi

echo "== go vet"
go vet ./...
echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
echo "== go test"
go test -count=1 -timeout 30m "$@" ./...
