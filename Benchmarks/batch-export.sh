#!/bin/sh
# Exports a batch of synthetic sessions (default 10,000) with schema validation and reports
# documents per second and peak memory (/usr/bin/time -v). Not run in CI.
#
#   Benchmarks/batch-export.sh                 # builds the release binary, 10,000 sessions, cda-fr
#   SESSIONS=1000 PROFILE=fhir-r4 ACCORD_BIN=path/to/accord Benchmarks/batch-export.sh
#
# Run it with two sizes to see that peak memory does not grow with the batch.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-/tmp/accord-bench-export}
SESSIONS=${SESSIONS:-10000}
PROFILE=${PROFILE:-cda-fr}
SCHEMAS=${ACCORD_SCHEMAS:-$root/../shared/schemas}
if [ -z "${ACCORD_BIN:-}" ]; then
    (cd "$root" && swift build -c release --scratch-path "${SCRATCH:-.build-bench}" --product accord >&2)
    ACCORD_BIN="$root/${SCRATCH:-.build-bench}/release/accord"
fi
mkdir -p "$WORK"
export ACCORD_NOW=2026-03-02T09:30:00Z
export ACCORD_DB="$WORK/synthetic-$SESSIONS.sqlite" ACCORD_KEY_FILE="$WORK/synthetic-$SESSIONS.key"
if [ ! -f "$ACCORD_DB.done" ]; then
    rm -f "$ACCORD_DB" "$ACCORD_DB-wal" "$ACCORD_DB-shm" "$ACCORD_KEY_FILE"
    "$ACCORD_BIN" audit generate --experimental --sessions "$SESSIONS" --seed 42 >&2
    touch "$ACCORD_DB.done"
fi
out="$WORK/out-$PROFILE-$SESSIONS"
rm -rf "$out"
/usr/bin/time -v "$ACCORD_BIN" export --all --example-centre --profile "$PROFILE" --out "$out" --schemas "$SCHEMAS" >/dev/null 2>"$WORK/time.txt" || true
documents=$(grep -o '^[0-9]* documents written' "$WORK/time.txt" | awk '{print $1}')
wall=$(grep "Elapsed (wall clock)" "$WORK/time.txt" | awk '{print $NF}')
seconds=$(echo "$wall" | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
rss=$(grep "Maximum resident" "$WORK/time.txt" | awk '{print $NF}')
echo "$PROFILE: $documents documents in $seconds s ($(echo "$documents $seconds" | awk '{printf "%.0f", $1 / $2}') documents/s), peak memory ${rss} KB"
