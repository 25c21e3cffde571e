#!/usr/bin/env python3
"""openpyxl peer of scripts/bench.sh.

Reads the corpus groups listed in MANIFEST (bench/manifest.json of a
generated corpus) with openpyxl on one core, the way the Go readers are
measured: each file once as a warm-up, then round after round until MIN_CPU
seconds of CPU time have been spent. Per file: load_workbook(data_only=True),
then every cell value of every worksheet (iter_rows(values_only=True)) and
its merged ranges. Prints JSON {group name: {workbooks, cpu_s, wall_s}}.

usage: openpyxl_read.py MANIFEST [MIN_CPU]
"""
import json
import os
import sys
import time
import warnings

import openpyxl

warnings.simplefilter("ignore")


def read(path):
    wb = openpyxl.load_workbook(path, data_only=True)
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            n += sum(1 for v in row if v is not None)
        n += len(ws.merged_cells.ranges)
    wb.close()
    return n


def group_name(g):
    if g["kind"] == "seed":
        return "%s seed (%s rows)" % (g["template"], g["rows"])
    return "%s %s rows" % (g["template"], g["rows"])


def main():
    manifest = sys.argv[1]
    min_cpu = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    base = os.path.dirname(os.path.abspath(manifest))
    with open(manifest) as f:
        m = json.load(f)
    out = {}
    for g in m["groups"]:
        files = [os.path.join(base, p) for p in g["files"]]
        for p in files:
            read(p)
        n, c0, w0 = 0, time.process_time(), time.perf_counter()
        while True:
            for p in files:
                read(p)
                n += 1
            cpu = time.process_time() - c0
            if cpu >= min_cpu:
                break
        wall = time.perf_counter() - w0
        out[group_name(g)] = {"workbooks": n, "cpu_s": cpu, "wall_s": wall}
        print("  %-40s  openpyxl %.1f/s" % (group_name(g), n / cpu), file=sys.stderr)
    json.dump(out, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
