#!/usr/bin/env bash
# Runs jxsync's benchmark suite (issue 7) in one go and writes bench/results.md:
#   1. builds a deterministic corpus (not committed): filled workbooks of every
#      shipped template, seed-sized and with 10 to 200 indicator rows, two import
#      sets of BENCH_N workbooks (10 to 200 rows; seed-sized) and a consolidated
#      sheet of BENCH_BIG indicator rows, and checks that the one-pass reader
#      reads every one of them as the excelize path does;
#   2. extract + validate throughput on one core per template, with the peers on
#      the same files: openpyxl, a plain excelize reader and the unzip-and-scan floor;
#   3. end-to-end import (jxsync import --workers 2, a child process each) of 1,000
#      and BENCH_N workbooks of 10 to 200 rows, and of BENCH_N seed-sized ones, into
#      the local store and into S3 (versitygw on loopback): workbooks/s, peak RSS;
#   4. regenerate (template.Export of stored revisions) on 2 cores;
#   5. the consolidated sheet: time and peak RSS to extract and validate.
# It installs what it needs when missing (Debian's python3-openpyxl, versitygw).
#
# Environment: BENCH_N (default 10000; BENCH_N=1000 for a quick run), BENCH_BIG
# (100000), BENCH_CORPUS (the corpus folder, kept between runs; default
# ${TMPDIR:-/tmp}/jxsync-bench-corpus), BENCH_MIN_CPU (CPU seconds per reader
# and group, default 1), BENCH_REGEN (revisions to regenerate, default 2000).
set -euo pipefail
cd "$(dirname "$0")/.."

export CGO_ENABLED=0
export PATH="$(go env GOPATH)/bin:$PATH"

N=${BENCH_N:-10000}
BIG=${BENCH_BIG:-100000}
CORPUS=${BENCH_CORPUS:-${TMPDIR:-/tmp}/jxsync-bench-corpus}
MIN_CPU=${BENCH_MIN_CPU:-1}
REGEN=${BENCH_REGEN:-2000}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jxsync-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
RESULTS="$WORK/results"
mkdir -p "$RESULTS"

# Debian's openpyxl runs under the system Python, whatever python3 is first on PATH.
PY=/usr/bin/python3
if ! "$PY" -c 'import openpyxl' >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "== installing python3-openpyxl"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-openpyxl >/dev/null
fi
OPENPYXL=$("$PY" -c 'import openpyxl; print(openpyxl.__version__)')
if ! command -v versitygw >/dev/null 2>&1; then
  echo "== installing versitygw"
  go install github.com/versity/versitygw/cmd/versitygw@v1.8.0
fi

echo "== building"
go build -o "$WORK/jxsync" ./cmd/jxsync
go build -o "$WORK/benchrun" ./bench/cmd/benchrun
B="$WORK/benchrun"
"$B" env -results "$RESULTS" "BENCH_N=$N BENCH_BIG=$BIG ./scripts/bench.sh" "$OPENPYXL"

echo "== corpus in $CORPUS"
"$B" corpus -corpus "$CORPUS" -n "$N" -big "$BIG"

echo "== the one-pass reader against excelize on the whole corpus"
"$B" crosscheck -corpus "$CORPUS"

echo "== extract + validate on one core: jxsync, excelize, floor"
GOMAXPROCS=1 "$B" throughput -corpus "$CORPUS" -results "$RESULTS" -min "${MIN_CPU}s"
echo "== the same files with openpyxl $OPENPYXL"
"$PY" bench/peers/openpyxl_read.py "$CORPUS/manifest.json" "$MIN_CPU" >"$RESULTS/openpyxl.json"

echo "== import, local store and S3 (versitygw)"
"$B" import -corpus "$CORPUS" -results "$RESULTS" -jxsync "$WORK/jxsync" -work "$WORK"

echo "== regenerate"
"$B" regenerate -results "$RESULTS" -work "$WORK" -max "$REGEN"

echo "== the $BIG-row sheet"
"$B" bigsheet -corpus "$CORPUS" -results "$RESULTS"

"$B" report -results "$RESULTS" -out bench/results.md
echo
cat bench/results.md
