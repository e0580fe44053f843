#!/bin/sh
# Peak memory of a batch export against the number of documents (not run in CI).
#
#   swift build -c release && Benchmarks/batch-export-memory.sh 100 1000 5000
#
# For each N: a fresh database with N closed copies of Examples/consultation.yaml, then
# `accord export --all --example-centre` (synthetic sessions use the example centre settings) into an empty folder under /usr/bin/time -v. The peak resident set
# size should stay about the same whatever N (the export reads one consultation at a time and
# streams the manifest); the time should grow linearly.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
accord=${ACCORD_BINARY:-$root/.build/release/accord}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
[ "$#" -gt 0 ] || set -- 100 1000
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ACCORD_NOW=2026-03-02T09:30:00Z
printf '%8s %12s %10s\n' documents peak_rss_kb seconds
for n in "$@"; do
    export ACCORD_DB="$work/accord-$n.sqlite" ACCORD_KEY_FILE="$work/chain-$n.key"
    i=0
    while [ "$i" -lt "$n" ]; do
        "$accord" session import "$root/Examples/consultation.yaml" >/dev/null
        i=$((i + 1))
    done
    /usr/bin/time -v "$accord" export --all --example-centre --out "$work/out-$n" >/dev/null 2>"$work/time-$n.txt" || true
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time-$n.txt")
    secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time-$n.txt")
    printf '%8s %12s %10s\n' "$n" "$rss" "$secs"
done
