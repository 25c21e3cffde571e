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
#      (a tenth of BENCH_N when BENCH_N ≤ 1,000) and BENCH_N workbooks of 10 to 200
#      rows, and of BENCH_N seed-sized ones, into the local store and into S3
#      (versitygw on loopback): workbooks/s, peak RSS, records growth — by this
#      code's jxsync and by the base's (BENCH_BASE) in turn, on the same files;
#      The seed-sized set also goes into PostgreSQL + S3 (records on a durable
#      PostgreSQL started from Debian's package, as store/postgres/pgtest does),
#      beside SQLite + local and SQLite + S3, with PostgreSQL's CPU from /proc;
#   4. regenerate (sync.Service.Export of stored revisions) on 2 cores, this code's
#      benchrun on its store, the base's benchrun on the base's store;
#   5. the consolidated sheet: time and peak RSS to extract and validate (this code
#      and the base, each by its own benchrun);
#   6. portal uploads per second: BENCH_CLIENTS concurrent clients uploading
#      seed-sized workbooks through the API of two `jxsync serve` instances on one
#      PostgreSQL and one versitygw bucket, and of one instance on SQLite + local.
# bench/results.md puts the targets of issue 12 beside the base's figures.
# It installs what it needs when missing (Debian's python3-openpyxl, versitygw).
#
# Environment: BENCH_N (default 10000; BENCH_N=1000 for a quick run), BENCH_BIG
# (100000), BENCH_CORPUS (the corpus folder, kept between runs; default
# ${TMPDIR:-/tmp}/jxsync-bench-corpus), BENCH_MIN_CPU (CPU seconds per reader
# and group, default 1), BENCH_REGEN (revisions to regenerate, default 2000),
# BENCH_BASE (the git ref measured beside this code, see below), BENCH_CLIENTS
# (portal clients, default 16), BENCH_UPLOADS (portal uploads per configuration,
# default 1000, at most BENCH_N), BENCH_REPEAT (rounds of this code's imports,
# regenerations and reads of the large sheet, default 3: the VM's speed varies,
# so the targets take the median of each figure over the rounds; the base runs
# once).
# BENCH_ONLY runs some phases only: a comma-separated list of throughput,
# import, regenerate, bigsheet, portal (regenerate needs import in the same run).
# BENCH_RESULTS keeps the results folder (JSON per phase) between runs, so that a
# run with BENCH_ONLY renders bench/results.md from the phases it ran and those
# an earlier run left there; by default it is a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."

export CGO_ENABLED=0
export PATH="$(go env GOPATH)/bin:$PATH"

N=${BENCH_N:-10000}
BIG=${BENCH_BIG:-100000}
CORPUS=${BENCH_CORPUS:-${TMPDIR:-/tmp}/jxsync-bench-corpus}
MIN_CPU=${BENCH_MIN_CPU:-1}
REGEN=${BENCH_REGEN:-2000}
# The base is the code before the speed work of issue 12: on the first-parent
# line, 8e3b8be ("Group commit: ...") is the first commit of that work; its
# parent 017809e (the merge of 'portal', which holds 6cc6402) is the last one
# before it, with fsync and commit per file and without the storage compaction.
# Other hardening of issue 12 (bounded reading, 23ab45c's store-failure stop)
# predates it and is in both.
CLIENTS=${BENCH_CLIENTS:-16}
UPLOADS=${BENCH_UPLOADS:-1000}
REPEAT=${BENCH_REPEAT:-3}
ONLY=${BENCH_ONLY:-}
BASE=${BENCH_BASE:-017809e}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jxsync-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
RESULTS=${BENCH_RESULTS:-$WORK/results}
mkdir -p "$RESULTS"
# phase NAME: whether to run the phase (all of them without BENCH_ONLY).
phase() { [ -z "$ONLY" ] || [[ ",$ONLY," == *",$1,"* ]]; }

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
CMDLINE="BENCH_N=$N BENCH_BIG=$BIG BENCH_BASE=$BASE BENCH_REPEAT=$REPEAT ./scripts/bench.sh"
[ -z "$ONLY" ] || CMDLINE="BENCH_ONLY=$ONLY $CMDLINE"
"$B" env -results "$RESULTS" "$CMDLINE" "$OPENPYXL"

echo "== building the base, $BASE"
BASE_COMMIT=$(git rev-parse --short "$BASE^{commit}")
mkdir -p "$WORK/base" "$WORK/basework" "$RESULTS/base"
git archive "$BASE_COMMIT" | tar -x -C "$WORK/base"
(cd "$WORK/base" && go build -o "$WORK/base-jxsync" ./cmd/jxsync && go build -o "$WORK/base-benchrun" ./bench/cmd/benchrun)
BB="$WORK/base-benchrun"
printf '{"ref": "%s", "commit": "%s"}\n' "$BASE" "$BASE_COMMIT" >"$RESULTS/base/env.json"

echo "== corpus in $CORPUS"
"$B" corpus -corpus "$CORPUS" -n "$N" -big "$BIG"

if phase throughput; then
  echo "== the one-pass reader against excelize on the whole corpus"
  "$B" crosscheck -corpus "$CORPUS"

  echo "== extract + validate on one core: jxsync, excelize, floor"
  GOMAXPROCS=1 "$B" throughput -corpus "$CORPUS" -results "$RESULTS" -min "${MIN_CPU}s"
  echo "== the same files with openpyxl $OPENPYXL"
  "$PY" bench/peers/openpyxl_read.py "$CORPUS/manifest.json" "$MIN_CPU" >"$RESULTS/openpyxl.json"
fi

if phase import; then
  echo "== import: SQLite + local, SQLite + S3 (versitygw), PostgreSQL + S3; this code and the base"
  "$B" import -corpus "$CORPUS" -results "$RESULTS" -jxsync "$WORK/jxsync" -work "$WORK" \
    -base "$WORK/base-jxsync" -basework "$WORK/basework" -repeat "$REPEAT"
fi

if phase regenerate; then
  echo "== regenerate, this code"
  "$B" regenerate -results "$RESULTS" -work "$WORK" -max "$REGEN" -repeat "$REPEAT"
  echo "== regenerate, the base"
  "$BB" regenerate -results "$RESULTS/base" -work "$WORK/basework" -max "$REGEN"
fi

if phase bigsheet; then
  echo "== the $BIG-row sheet, this code"
  "$B" bigsheet -corpus "$CORPUS" -results "$RESULTS" -repeat "$REPEAT"
  echo "== the $BIG-row sheet, the base"
  "$BB" bigsheet -corpus "$CORPUS" -results "$RESULTS/base"
fi

if phase portal; then
  echo "== portal uploads: 2 serve on PostgreSQL + S3, 1 serve on SQLite; $CLIENTS clients"
  "$B" portal -corpus "$CORPUS" -results "$RESULTS" -jxsync "$WORK/jxsync" -work "$WORK" \
    -clients "$CLIENTS" -uploads "$UPLOADS"
fi

"$B" report -results "$RESULTS" -out bench/results.md
echo
cat bench/results.md
