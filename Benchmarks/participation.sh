#!/bin/sh
# Measures `accord audit participation` over synthetic databases of 10k, 100k and 1M sessions.
# Not run in CI: generating 1M sessions takes about 20 minutes and 4 GB of disk.
#
#   Benchmarks/participation.sh            # builds the release binary, then measures
#   ACCORD_BIN=path/to/accord SIZES="10000" Benchmarks/participation.sh
#
# Each database is generated once (through the event log) into $WORK; the query is run
# three times per grouping, over all closed sessions and over a period whose ends fall inside
# months (so day cells are read too), and /usr/bin/time -v reports wall time and peak memory.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-/tmp/accord-bench}
SIZES=${SIZES:-"10000 100000 1000000"}
if [ -z "${ACCORD_BIN:-}" ]; then
    (cd "$root" && swift build -c release --scratch-path "${SCRATCH:-.build-bench}" --product accord >&2)
    ACCORD_BIN="$root/${SCRATCH:-.build-bench}/release/accord"
fi
mkdir -p "$WORK"
export ACCORD_NOW=2026-03-02T09:30:00Z
for n in $SIZES; do
    db="$WORK/synthetic-$n.sqlite"
    export ACCORD_DB="$db" ACCORD_KEY_FILE="$WORK/synthetic-$n.key"
    if [ ! -f "$db.done" ]; then
        rm -f "$db" "$db-wal" "$db-shm" "$ACCORD_KEY_FILE"
        echo "== generating $n sessions"
        /usr/bin/time -f "generate: %e s wall, %M KB max RSS" "$ACCORD_BIN" audit generate --experimental --sessions "$n" --seed 42 2>&1 | tail -1
        touch "$db.done"
    fi
    echo "== $n sessions ($(du -h "$db" | cut -f1) database)"
    # A first run applies any pending migration (a database from an older Accord gets its cells).
    /usr/bin/time -f "first open (migrations, if any): %e s" "$ACCORD_BIN" audit participation --format csv >/dev/null
    for period in "" "--from 2025-03-15 --to 2025-09-14"; do
        for by in clinician month topic organisation; do
            for run in 1 2 3; do
                # shellcheck disable=SC2086 # the period is two options or none
                /usr/bin/time -v "$ACCORD_BIN" audit participation --by "$by" $period --format csv >/dev/null 2>"$WORK/time.txt"
                wall=$(grep "Elapsed (wall clock)" "$WORK/time.txt" | awk '{print $NF}')
                rss=$(grep "Maximum resident" "$WORK/time.txt" | awk '{print $NF}')
                echo "participation --by $by ${period:-(all)} run $run: $wall wall, ${rss} KB max RSS"
            done
        done
    done
    /usr/bin/time -f "audit sql (count by month): %e s" "$ACCORD_BIN" audit sql \
        "SELECT closed_month, COUNT(*) FROM audit_sessions WHERE closed = 1 GROUP BY 1" --format csv >/dev/null
done
